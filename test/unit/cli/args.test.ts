// The CLI's option parser: what it says about options it does not know.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from '../../../electron/cli/args';

describe('an option the command does not know', () => {
  it('is named without its value, which may be a secret typed under a misspelt name', () => {
    assert.throws(() => parseArgs(['--pasword=s3cret'], { json: { type: 'boolean', description: 'machine-readable output' } }), (error: Error) => {
      assert.equal(error.message, 'unknown option --pasword');
      return true;
    });
  });
});
