// The naming rules (shared/names.ts) and escaping at the sinks (shared/visible-text.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digestHex, isDelegationRoleName, isKeyId, isKeyIdPrefix, isKeyRoleName, isSafeRoleName, isSignerName, isTag, isValidGun } from '../../../shared/names';
import { truncateForMessage, visibleInLine, visibleText } from '../../../shared/visible-text';

const HOSTILE = ['a\u001b[2Jb', 'a\u0000b', 'a\nb', '..', 'a/../b', 'a\\b', 'x'.repeat(20_000), 'a\u202eb', ''];

describe('the naming rules', () => {
  it('a key ID is 64 lower-case hex digits; a prefix is 1 to 64 of them', () => {
    assert.equal(isKeyId('a'.repeat(64)), true);
    assert.equal(isKeyId('A'.repeat(64)), false);
    assert.equal(isKeyId('a'.repeat(63)), false);
    assert.equal(isKeyIdPrefix('abc'), true);
    assert.equal(isKeyIdPrefix('xyz'), false);
  });

  it('a digest is sha256: and 64 hex digits', () => {
    assert.equal(digestHex(`sha256:${'0'.repeat(64)}`), '0'.repeat(64));
    assert.equal(digestHex(`sha512:${'0'.repeat(64)}`), undefined);
  });

  it('refuses every hostile name as a role, tag, signer, delegation or GUN', () => {
    for (const name of HOSTILE) {
      for (const rule of [isSafeRoleName, isKeyRoleName, isTag, isSignerName, isDelegationRoleName, isValidGun]) {
        assert.equal(rule(name), false, `${rule.name}(${JSON.stringify(name.slice(0, 20))})`);
      }
    }
  });

  it('accepts the names notary and docker write', () => {
    assert.equal(isSafeRoleName('targets/releases'), true);
    assert.equal(isKeyRoleName('delegation'), true);
    assert.equal(isDelegationRoleName('targets/team-a/ci_1'), true);
    assert.equal(isSignerName('alice'), true);
    assert.equal(isTag('v1.2.3-rc_1'), true);
    assert.equal(isValidGun('registry.example.com:5000/team/app'), true);
  });
});

describe('text at the sinks', () => {
  it('shows control characters as \\uXXXX, keeping lines and tabs of whole output', () => {
    assert.equal(visibleText('ok\tline\n\u001b]0;title\u0007'), 'ok\tline\n\\u001b]0;title\\u0007');
    assert.equal(visibleInLine('a\nb\r'), 'a\\u000ab\\u000d');
    assert.equal(visibleInLine('\u202eevil'), '\\u202eevil');
  });

  it('keeps JSON valid: the escapes it writes are JSON escapes', () => {
    const json = JSON.stringify({ role: 'x\u007f\u0085\u2028' });
    assert.deepEqual(JSON.parse(visibleText(json)), { role: 'x\u007f\u0085\u2028' });
  });

  it('cuts a long name short in a message', () => {
    const shown = truncateForMessage('x'.repeat(1_000_000));
    assert.ok(shown.length < 100);
    assert.match(shown, /1000000 characters/);
  });
});
