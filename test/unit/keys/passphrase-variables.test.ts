// docker's and notary's passphrase variables, per role, beside COUNTERSIGN_PASSPHRASE.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envPassphraseProvider, passphraseVariables } from '../../../electron/core/keys/passphrase';

const ask = (role: string | undefined, attempt = 1) => ({ kind: 'unlock' as const, role, attempt });

describe('passphrase variables', () => {
  it('names the role\'s own variables first, then COUNTERSIGN_PASSPHRASE', () => {
    assert.deepEqual(passphraseVariables('root'), ['DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE', 'NOTARY_ROOT_PASSPHRASE', 'COUNTERSIGN_PASSPHRASE']);
    assert.deepEqual(passphraseVariables('targets'), ['NOTARY_TARGETS_PASSPHRASE', 'DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE', 'COUNTERSIGN_PASSPHRASE']);
    assert.deepEqual(passphraseVariables(undefined), ['COUNTERSIGN_PASSPHRASE']);
  });

  it("treats docker's signer keys (role = the signer's name) and targets/* as delegation keys", () => {
    assert.equal(passphraseVariables('alice')[0], 'NOTARY_DELEGATION_PASSPHRASE');
    assert.equal(passphraseVariables('targets/releases')[0], 'NOTARY_DELEGATION_PASSPHRASE');
  });

  it('reads a folder whose root and repository keys have different passphrases in one run', async () => {
    const provider = envPassphraseProvider({ DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE: 'root-pass', DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: 'repo-pass' });
    assert.equal(await provider.passphrase(ask('root')), 'root-pass');
    assert.equal(await provider.passphrase(ask('targets')), 'repo-pass');
    assert.equal(await provider.passphrase(ask('alice')), 'repo-pass');
  });

  it('offers each distinct value once per key, then nothing (a terminal prompt comes next)', async () => {
    const provider = envPassphraseProvider({ NOTARY_ROOT_PASSPHRASE: 'a', COUNTERSIGN_PASSPHRASE: 'b' });
    assert.deepEqual([await provider.passphrase(ask('root', 1)), await provider.passphrase(ask('root', 2)), await provider.passphrase(ask('root', 3))], ['a', 'b', undefined]);
  });
});
