// Which tags a migration signs: exactly those whose verified, current DCT trust data signs the digest
// the registry serves. Everything else is skipped with the reason the audit gave.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditReport, RepositoryAudit, TagAudit, TagStatus } from '../../../shared/audit';
import { planMigration } from '../../../electron/core/migrate';

const A = `sha256:${'aa'.repeat(32)}`;
const B = `sha256:${'bb'.repeat(32)}`;
const KEY = { keyId: 'k'.repeat(64), publicKeyPem: '-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n' };

function tag(name: string, status: TagStatus, registryDigest = A, signedDigest: string | undefined = A): TagAudit {
  return { tag: name, status, registryDigest, ...(signedDigest ? { signedDigest } : {}), signers: ['alice'], roles: ['targets/releases'], reason: `because ${status}` };
}

function repository(name: string, tags: TagAudit[], extra: Partial<RepositoryAudit> = {}): RepositoryAudit {
  return {
    repository: name,
    gun: `registry.example.com/${name}`,
    trust: 'verified',
    verifiedAt: '2026-12-01T00:00:00.000Z',
    tags,
    signedTagsNotInRegistry: [],
    signers: [],
    keys: [],
    roles: [],
    counts: { signed: 0, 'expiring-soon': 0, unsigned: 0, 'digest-mismatch': 0, 'revoked-signer': 0, 'signature-invalid': 0, 'trust-unreadable': 0 },
    ...extra,
  };
}

function report(repositories: RepositoryAudit[]): AuditReport {
  return {
    registry: 'https://registry.example.com',
    server: 'https://notary.example.com',
    auditedAt: '2026-12-01T00:00:00.000Z',
    finishedAt: '2026-12-01T00:00:01.000Z',
    expiringWithinDays: 30,
    repositories,
    totals: { signed: 0, 'expiring-soon': 0, unsigned: 0, 'digest-mismatch': 0, 'revoked-signer': 0, 'signature-invalid': 0, 'trust-unreadable': 0 },
    incomplete: 0,
  };
}

describe('the migration plan', () => {
  it('signs signed and expiring-soon tags, for the repository as image references name it', () => {
    const plan = planMigration(report([repository('team/app', [tag('v1', 'signed'), tag('v2', 'expiring-soon')])]), KEY);
    assert.deepEqual(plan.sign.map((t) => [t.tag, t.digest, t.identity]), [['v1', A, 'registry.example.com/team/app'], ['v2', A, 'registry.example.com/team/app']]);
    assert.deepEqual(plan.sign[0]?.dct, { status: 'signed', signers: ['alice'], roles: ['targets/releases'], verifiedAt: '2026-12-01T00:00:00.000Z' });
    assert.equal(plan.keyId, KEY.keyId);
  });

  for (const status of ['unsigned', 'digest-mismatch', 'revoked-signer', 'signature-invalid'] as const) {
    it(`skips a ${status} tag with the audit's reason`, () => {
      const plan = planMigration(report([repository('team/app', [tag('v1', status, A, status === 'unsigned' ? undefined : B)])]), KEY);
      assert.deepEqual(plan.sign, []);
      assert.deepEqual(plan.skipped, [{ repository: 'team/app', tag: 'v1', status, reason: `because ${status}` }]);
    });
  }

  it('never signs a digest DCT did not sign, whatever the status says', () => {
    const { signedDigest: _dropped, ...withoutSignedDigest } = tag('v2', 'signed');
    const plan = planMigration(report([repository('team/app', [tag('v1', 'signed', A, B), withoutSignedDigest])]), KEY);
    assert.deepEqual(plan.sign, []);
    assert.equal(plan.skipped.length, 2);
  });

  it('skips every tag of a repository whose trust data is stale: a revocation since would not be seen', () => {
    const plan = planMigration(report([repository('team/app', [tag('v1', 'signed')], { trust: 'stale' })]), KEY);
    assert.deepEqual(plan.sign, []);
    assert.equal(plan.skipped[0]?.status, 'stale');
  });

  it('names a repository the registry could not list, so it cannot vanish from the plan', () => {
    const plan = planMigration(report([repository('team/app', [], { registryError: { code: 'http-status', message: 'HTTP 503' } })]), KEY);
    assert.deepEqual(plan.skipped, [{ repository: 'team/app', tag: '', status: 'unreadable', reason: 'the registry could not be read: http-status: HTTP 503' }]);
  });
});
