// Metadata that is not what it claims to be: the wrong role's file, bytes that are not JSON, or
// JSON with a key repeated (two "signed" objects: one client verifies the first, another uses the
// second). Each is refused for every role before any of it is used.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_ROLES, attack, editedAfterSigning, releasedRepository, text, verdictOf, type Tamper } from '../../helpers/tamper';
import { canonicalString } from '../../../electron/core/tuf/canonical';
import { decodeFile } from '../../helpers/repo-simulator';
import { refreshSim } from '../../helpers/tuf-harness';

/** Runs `tamper` against each role the way an attacker would deliver it, expecting `code`. */
function refusesForEveryRole(what: string, tamper: Tamper, code: string): void {
  for (const role of ALL_ROLES) {
    it(`refuses ${role} ${what}`, async () => {
      const sim = releasedRepository();
      const fetcher = attack(sim, role, tamper);
      assert.deepEqual(await verdictOf(sim, role, { fetcher }), { code, role });
    });
  }
}

/** A second "signed" member, with an edited copy, placed before or after the real one. */
function twoSignedObjects(order: 'evil-first' | 'evil-last', key = '"signed"'): Tamper {
  return (bytes) => {
    const { signed, signatures } = decodeFile(bytes);
    const evil = canonicalString({ ...signed, version: signed.version + 100 });
    const good = canonicalString(signed);
    const members = order === 'evil-first' ? [`${key}:${evil}`, `"signed":${good}`] : [`"signed":${good}`, `${key}:${evil}`];
    return Buffer.from(`{${members.join(',')},"signatures":${canonicalString(signatures)}}`);
  };
}

describe('wrong _type', () => {
  refusesForEveryRole('whose _type names another role', editedAfterSigning((signed) => (signed._type = signed._type === 'Snapshot' ? 'Timestamp' : 'Snapshot')), 'metadata-wrong-type');

});

describe('malformed JSON', () => {
  refusesForEveryRole('cut short', text((json) => json.slice(0, -1)), 'metadata-malformed');
  refusesForEveryRole('that is not UTF-8', (bytes) => Buffer.concat([Buffer.from(bytes).subarray(0, -1), Buffer.from([0xff, 0x7d])]), 'metadata-malformed');
  refusesForEveryRole('with a version that is a string', editedAfterSigning((signed) => ((signed as Record<string, unknown>)['version'] = '3')), 'metadata-malformed');
  refusesForEveryRole('with a fraction in an unknown field (canonical JSON has integers only)', text((json) => json.replace('"_type"', '"x":1.5,"_type"')), 'metadata-malformed');
  refusesForEveryRole('with a version beyond the safe integers', text((json) => json.replace(/"version":\d+/, '"version":12345678901234567890')), 'metadata-malformed');
  // JSON.parse reads both as the integer that was signed, and the canonical form of that verifies;
  // Go's decoder (notary's) refuses them for an integer field.
  refusesForEveryRole('with its version written with a fraction (3.0)', text((json) => json.replace(/"version":(\d+)/, '"version":$1.0')), 'metadata-malformed');
  refusesForEveryRole('with its version written with an exponent (3e0)', text((json) => json.replace(/"version":(\d+)/, '"version":$1e0')), 'metadata-malformed');
  refusesForEveryRole('with no signatures list', text((json) => json.replace(/,"signatures":\[.*\]\}$/, '}')), 'metadata-malformed');
});

describe('duplicate JSON keys', () => {
  refusesForEveryRole('with two "signed" objects, the forged one first', twoSignedObjects('evil-first'), 'metadata-duplicate-key');
  refusesForEveryRole('with two "signed" objects, the forged one last', twoSignedObjects('evil-last'), 'metadata-duplicate-key');
  refusesForEveryRole('with a second "signed" spelled with an escape ("sign\\u0065d")', twoSignedObjects('evil-last', '"sign\\u0065d"'), 'metadata-duplicate-key');
  refusesForEveryRole('with a repeated key deep inside "signed"', text((json) => json.replace('"version":', '"version":0,"version":')), 'metadata-duplicate-key');
});

// notary decodes metadata into Go structs, whose field names encoding/json matches regardless of
// case ('ſ' reading as 's'), the later of two winning: a key that notary would read as a field of
// the same object is a second copy of it, which one client takes and the other does not.
describe('keys notary reads as the same field (Go matches struct fields regardless of case)', () => {
  refusesForEveryRole('with a second "signed" spelled "Signed"', twoSignedObjects('evil-last', '"Signed"'), 'metadata-malformed');
  refusesForEveryRole('with a second "signed" spelled with a long s ("\u017figned")', twoSignedObjects('evil-last', '"\u017figned"'), 'metadata-malformed');
  refusesForEveryRole('with a second version spelled "VERSION" inside "signed"', text((json) => json.replace('"version":', '"VERSION":999,"version":')), 'metadata-malformed');
  refusesForEveryRole('with a signature whose key ID is also given as "KeyID"', text((json) => json.replace('"keyid":', '"KeyID":"00","keyid":')), 'metadata-malformed');

  it('names the key and what notary reads it as', async () => {
    const sim = releasedRepository();
    const fetcher = attack(sim, 'targets', text((json) => json.replace('"targets":{', '"target\u017f":{},"targets":{')));
    await assert.rejects(refreshSim(sim, { fetcher }), { code: 'metadata-malformed', message: /target\u017f: notary reads this key as "targets"/ });
  });

  it('refuses a target whose length is also given as "Length", and keeps tags that only look like field names', async () => {
    const sim = releasedRepository();
    const fetcher = attack(sim, 'targets', text((json) => json.replace('"length":', '"Length":1,"length":')));
    await assert.rejects(refreshSim(sim, { fetcher }), { code: 'metadata-malformed' });
    // Target names are map keys, which Go matches exactly: a tag may well be called "Length".
    const named = releasedRepository((repo) => repo.addTarget('targets', 'Length', { sha256Hex: 'ab'.repeat(32) }).addTarget('targets', 'Version', { sha256Hex: 'cd'.repeat(32) }));
    const refreshed = await refreshSim(named);
    assert.ok(refreshed.trusted.targets?.signed.targets['Length'] && refreshed.trusted.targets.signed.targets['Version']);
  });
});

// Date.parse rolls 30 February over into 2 March and 24:00 into the next day; Go's time parser,
// notary's, refuses both, so a file signed with such an expiry is no file to notary.
describe('expiry times that do not exist', () => {
  for (const expires of ['2035-02-30T00:00:00Z', '2035-04-31T12:00:00Z', '2035-12-31T24:00:00Z']) {
    for (const role of ['timestamp', 'targets'] as const) {
      it(`refuses ${role} signed to expire at ${expires}`, async () => {
        const sim = releasedRepository((repo) => repo.setExpires(role, expires));
        await assert.rejects(refreshSim(sim), { code: 'metadata-malformed', role, message: /RFC 3339 time that exists/ });
      });
    }
  }

  it('reads 29 February of a leap year, and nanoseconds', async () => {
    const sim = releasedRepository((repo) => repo.setExpires('targets', '2036-02-29T23:59:59.123456789Z'));
    assert.equal((await refreshSim(sim)).trusted.targets?.signed.expires, '2036-02-29T23:59:59.123456789Z');
  });
});

// Go decodes every base64 field into bytes (StdEncoding, padded); a value it cannot decode fails
// notary's decoding of the whole file, not only of that field.
describe('base64 that Go cannot decode', () => {
  refusesForEveryRole('with a signature value that is not padded base64 ("abc")', text((json) => json.replace(/"sig":"[^"]*"/, '"sig":"abc"')), 'metadata-malformed');

  it('refuses a signed targets file in which one target has a hash Go cannot decode, though the others are fine', async () => {
    const sim = releasedRepository((repo) =>
      repo.editTargets('targets', (targets) => {
        targets.targets['broken'] = { hashes: { sha256: 'not base64!' }, length: 1 };
      }),
    );
    await assert.rejects(refreshSim(sim), { code: 'metadata-malformed', role: 'targets' });
  });

  it('reads a hash under an algorithm it does not know, when Go can decode it', async () => {
    const sim = releasedRepository((repo) =>
      repo.editTargets('targets', (targets) => {
        targets.targets['v9'] = { hashes: { sha256: Buffer.alloc(32, 1).toString('base64'), blake2b: 'AAAA' }, length: 1 };
      }),
    );
    assert.ok((await refreshSim(sim)).trusted.targets?.signed.targets['v9']);
  });
});
