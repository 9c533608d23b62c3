// The launcher picks the code cache by the command that argv names, before any of the CLI's code
// runs: the first command word, as the CLI itself finds it, and only a word that can be a command's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandWords } from '../../../electron/cli/args';
import { cacheNameOf } from '../../../electron/cli/launch';

describe('the command words of argv', () => {
  it('skips options and the values of global options given before the command', () => {
    assert.deepEqual(commandWords(['--home', '/tmp/h', '--server', 'https://n:4443', '--tls-ca', 'ca.pem', 'inspect', 'example.com/app']), ['inspect', 'example.com/app']);
  });
  it('takes a value given with = as part of its option', () => {
    assert.deepEqual(commandWords(['--home=/tmp/h', 'key', 'list', '--json']), ['key', 'list']);
  });
});

describe("the code cache's name", () => {
  it('is the first command word: a group of commands shares one', () => {
    assert.equal(cacheNameOf(['--home', '/tmp/h', 'inspect', 'example.com/app']), 'inspect');
    assert.equal(cacheNameOf(['key', 'generate', 'alice']), 'key');
  });
  it('is "help" when argv names no command', () => {
    assert.equal(cacheNameOf(['--help']), 'help');
    assert.equal(cacheNameOf([]), 'help');
  });
  it('is none for a word that cannot be a command (no path, URL or odd name becomes a file name)', () => {
    assert.equal(cacheNameOf(['../../etc/passwd']), undefined);
    assert.equal(cacheNameOf(['example.com/app']), undefined);
    assert.equal(cacheNameOf(['Inspect']), undefined);
  });
});
