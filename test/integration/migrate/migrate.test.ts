// The exit ramp on the real stack: the audit's mixed registry (signed, unsigned, re-pushed after
// signing, revoked signer, expiring) behind a real notary-server, a cosign signature made elsewhere on
// one signed tag, and `countersign migrate` with a key in the real keychain. The migration must sign
// exactly the tags DCT vouches for; an independent reading of cosign's layout (with openssl as the
// verifier) must accept what it wrote and find nothing for the rest; a second run must write nothing.
// Run under scripts/with-keyring.sh.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ArchiveVerification, AuditReport } from '../../../shared/audit';
import type { MigrationReport } from '../../../shared/migrate';
import { decodeArchive, encodeArchive, verifyEvidenceArchive, type RepositoryEvidence } from '../../../electron/core/archive';
import { makeTempDir, removeTempDir } from '../../stack';
import { EXPECTED, REPOS, startMixedRegistry, type MixedRegistry } from '../audit/support/mixed-registry';
import { countersign } from '../inspect/run-countersign';
import { opensslKeyPair, signLikeCosign, type ForeignKey } from './support/cosign-elsewhere';
import { checkCosignSignatures, fetchSignatureManifest } from './support/cosign-spec-check';
import { skopeoDiscoveredSignatures, skopeoVerification } from './support/skopeo';

let mixed: MixedRegistry;
let home: string;
let work: string;
let keyId: string;
let cosignPub: string;
let elsewhere: ForeignKey;

/** The tags DCT vouches for (signed, or signed and expiring soon) with the digest the registry serves. */
const VOUCHED: [string, string][] = [
  [REPOS.admin, 'v1'],
  [REPOS.team, 'v2'],
  [REPOS.expiring, 'v1'],
];
const NOT_VOUCHED: [string, string][] = Object.entries(EXPECTED).flatMap(([repository, tags]) =>
  Object.keys(tags)
    .filter((tag) => !VOUCHED.some(([r, t]) => r === repository && t === tag))
    .map((tag): [string, string] => [repository, tag]),
);

const global = (): string[] => ['--server', mixed.notary.url, '--tls-ca', mixed.notary.caFile, '--home', home];
const migrateArgs = (): string[] => ['migrate', '--registry', mixed.registry.url, '--registry-ca', mixed.registry.caFile, ...global()];
const identity = (repository: string): string => `${mixed.registry.host}/${repository}`;

async function digestOf(repository: string, tag: string): Promise<string> {
  const digest = await mixed.registry.manifestDigest(repository, tag);
  assert.ok(digest, `${repository}:${tag} exists`);
  return digest;
}

async function migrate(extra: string[]): Promise<MigrationReport> {
  const result = await countersign([...migrateArgs(), '--json', ...extra]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as MigrationReport;
}

function planned(report: MigrationReport): string[] {
  return report.plan.sign.map((t) => `${t.repository}:${t.tag}`).sort();
}

before(async () => {
  mixed = await startMixedRegistry();
  home = makeTempDir('migrate-home');
  work = makeTempDir('migrate-work');
  const generated = await countersign(['key', 'generate', 'cosign', '--dir', work, '--json', ...global()]);
  assert.equal(generated.code, 0, generated.stderr);
  keyId = (JSON.parse(generated.stdout) as { key: { id: string } }).key.id;
  cosignPub = join(work, 'migration-cosign.pub');
  const exported = await countersign(['key', 'cosign-pub', keyId, '--out', cosignPub, ...global()]);
  assert.equal(exported.code, 0, exported.stderr);
  // Someone already signed expiring:v1 with cosign and their own key: the migration must keep it.
  elsewhere = await opensslKeyPair(work, 'elsewhere');
  await signLikeCosign(mixed.registry, REPOS.expiring, await digestOf(REPOS.expiring, 'v1'), identity(REPOS.expiring), elsewhere, work);
});

after(async () => {
  await mixed?.stop();
  if (home) await removeTempDir(home);
  if (work) await removeTempDir(work);
});

describe('countersign key cosign-pub', () => {
  it('writes the PKIX PEM public key openssl reads as a P-256 key', async () => {
    const pem = await readFile(cosignPub, 'utf8');
    assert.match(pem, /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
    const { runCommand } = await import('../../stack');
    const text = await runCommand('openssl', ['pkey', '-pubin', '-in', cosignPub, '-noout', '-text']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /prime256v1|P-256/);
  });
});

describe('countersign migrate', () => {
  it('plans exactly the tags DCT vouches for and skips the rest with the audit\'s reason; --dry-run writes nothing', async () => {
    const report = await migrate(['--key', keyId, '--dry-run']);
    assert.deepEqual(planned(report), VOUCHED.map(([r, t]) => `${r}:${t}`).sort());
    const skipped = Object.fromEntries(report.plan.skipped.map((s) => [`${s.repository}:${s.tag}`, s.status]));
    assert.deepEqual(skipped, Object.fromEntries(NOT_VOUCHED.map(([r, t]) => [`${r}:${t}`, EXPECTED[r]![t]])));
    assert.match(report.plan.skipped.find((s) => s.repository === REPOS.admin && s.tag === 'v2')?.reason ?? '', /the registry serves sha256:.* but the trust data signs/);
    assert.equal(report.plan.publicKeyPem, await readFile(cosignPub, 'utf8'));
    assert.deepEqual(report.counts, { signed: 0, 'already-signed': 0, planned: 3, failed: 0, cancelled: 0 });
    for (const [repository, tag] of [...VOUCHED, ...NOT_VOUCHED]) {
      if (repository === REPOS.expiring) continue; // it carries the signature made elsewhere
      assert.equal(await fetchSignatureManifest(mixed.registry, repository, await digestOf(repository, tag)), undefined, `${repository}:${tag} has no signature yet`);
    }
  });

  it('signs the vouched tags; the spec-based check and openssl accept each signature, and the rest have none', async () => {
    const report = await migrate(['--key', keyId]);
    assert.deepEqual(report.counts, { signed: 3, 'already-signed': 0, planned: 0, failed: 0, cancelled: 0 });
    for (const [repository, tag] of VOUCHED) {
      const digest = await digestOf(repository, tag);
      const checked = await checkCosignSignatures({ registry: mixed.registry, repository, digest, identity: identity(repository), publicKeyFiles: [cosignPub, elsewhere.publicKeyFile], work });
      const ours = checked.filter((layer) => layer.verifiedBy === cosignPub);
      assert.equal(ours.length, 1, `${repository}:${tag} carries exactly one signature by the migration key`);
      assert.equal(ours[0]?.creator, 'Countersign');
      const result = report.results.find((r) => r.repository === repository && r.tag === tag);
      assert.equal(result?.layerDigest, ours[0]?.layerDigest);
    }
    for (const [repository, tag] of NOT_VOUCHED) {
      assert.equal(await fetchSignatureManifest(mixed.registry, repository, await digestOf(repository, tag)), undefined, `${repository}:${tag} must not be signed`);
    }
  });

  it('appends to a signature manifest made elsewhere, keeping that signature first and intact', async () => {
    const digest = await digestOf(REPOS.expiring, 'v1');
    const checked = await checkCosignSignatures({ registry: mixed.registry, repository: REPOS.expiring, digest, identity: identity(REPOS.expiring), publicKeyFiles: [cosignPub, elsewhere.publicKeyFile], work });
    assert.deepEqual(checked.map((layer) => layer.verifiedBy), [elsewhere.publicKeyFile, cosignPub]);
  });

  it('writes nothing on a second run: every tag is already signed and every signature manifest is unchanged', async () => {
    const before = await Promise.all(VOUCHED.map(async ([r, t]) => JSON.stringify(await fetchSignatureManifest(mixed.registry, r, await digestOf(r, t)))));
    const report = await migrate(['--key', keyId]);
    assert.deepEqual(report.counts, { signed: 0, 'already-signed': 3, planned: 0, failed: 0, cancelled: 0 });
    const afterwards = await Promise.all(VOUCHED.map(async ([r, t]) => JSON.stringify(await fetchSignatureManifest(mixed.registry, r, await digestOf(r, t)))));
    assert.deepEqual(afterwards, before);
  });

  it('is discovered by Debian\'s skopeo: exactly the signatures written, payloads byte for byte, none for the rest', async () => {
    for (const [repository, tag] of VOUCHED) {
      const digest = await digestOf(repository, tag);
      const manifest = await fetchSignatureManifest(mixed.registry, repository, digest);
      const layers = (manifest?.['layers'] ?? []) as { annotations: Record<string, string> }[];
      const discovered = await skopeoDiscoveredSignatures(mixed.registry, `${repository}:${tag}`, work);
      const written = await checkCosignSignatures({ registry: mixed.registry, repository, digest, identity: identity(repository), publicKeyFiles: [cosignPub, elsewhere.publicKeyFile], work });
      assert.equal(discovered.length, written.length, `${repository}:${tag}`);
      for (const [index, signature] of discovered.entries()) {
        assert.equal(signature.mimeType, 'application/vnd.dev.cosign.simplesigning.v1+json');
        assert.ok(signature.payload.equals(written[index]!.payload));
        assert.deepEqual(signature.annotations, layers[index]?.annotations);
      }
    }
    for (const [repository, tag] of [[REPOS.admin, 'v2'], [REPOS.plain, 'v1']] as const) {
      assert.deepEqual(await skopeoDiscoveredSignatures(mixed.registry, `${repository}:${tag}`, work), [], `${repository}:${tag}`);
    }
    // Asked to verify, it finds the layer and then refuses it, as Debian's patch makes it refuse every one.
    const verification = await skopeoVerification(mixed.registry, `${REPOS.admin}:v1`, cosignPub, work);
    assert.equal(verification.layersFound, 1);
    assert.notEqual(verification.code, 0);
    assert.match(verification.stderr, /Debian-local change: sigstore disabled/);
  });

  it('refuses to run without exactly one of --key and --new-key', async () => {
    const neither = await countersign(migrateArgs());
    assert.equal(neither.code, 1);
    assert.match(neither.stderr, /exactly one of --key KEYID and --new-key NAME/);
  });
});

describe('countersign audit --cosign-key', () => {
  const auditArgs = (key: string): string[] => ['audit', '--registry', mixed.registry.url, '--registry-ca', mixed.registry.caFile, ...global(), '--cosign-key', key];

  it('shows the DCT status and the cosign status side by side, and no signature tag as a tag', async () => {
    const result = await countersign([...auditArgs(cosignPub), '--json']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as AuditReport;
    const columns = Object.fromEntries(report.repositories.map((r) => [r.repository, Object.fromEntries(r.tags.map((t) => [t.tag, `${t.status}/${t.cosign?.state}`]))]));
    assert.deepEqual(columns, {
      [REPOS.admin]: { v1: 'signed/verified', v2: 'digest-mismatch/none', dev: 'unsigned/none' },
      [REPOS.team]: { v1: 'revoked-signer/none', v2: 'signed/verified' },
      [REPOS.plain]: { v1: 'unsigned/none' },
      [REPOS.expiring]: { v1: 'expiring-soon/verified' },
    });
    const table = await countersign(auditArgs(cosignPub));
    assert.match(table.stdout, /REPOSITORY\s+TAG\s+STATUS\s+COSIGN/);
    assert.match(table.stdout, /mixed\/admin\s+v2\s+digest-mismatch\s+none/);
  });

  it('reads and verifies a signature made elsewhere with that signer\'s key', async () => {
    const report = JSON.parse((await countersign([...auditArgs(elsewhere.publicKeyFile), '--json'])).stdout) as AuditReport;
    const tag = (repository: string, name: string) => report.repositories.find((r) => r.repository === repository)?.tags.find((t) => t.tag === name);
    assert.equal(tag(REPOS.expiring, 'v1')?.cosign?.state, 'verified');
    assert.equal(tag(REPOS.admin, 'v1')?.cosign?.state, 'not-verified');
    assert.equal(tag(REPOS.plain, 'v1')?.cosign?.state, 'none');
  });

  it('adds the cosign columns to the CSV', async () => {
    const csv = (await countersign([...auditArgs(cosignPub), '--csv'])).stdout.split('\r\n');
    assert.match(csv[0] ?? '', /,trust,unreadable,reason,cosign,cosign_detail$/);
    assert.ok(csv.some((line) => line.startsWith(`${REPOS.team},`) && line.includes(',v2,signed,') && line.includes(',verified,')));
  });

  it('--fail-on cosign requires a verified cosign signature on every tag, and needs the key', async () => {
    assert.equal((await countersign([...auditArgs(cosignPub), '--repo', REPOS.expiring, '--fail-on', 'cosign'])).code, 0);
    const failing = await countersign([...auditArgs(cosignPub), '--repo', REPOS.admin, '--fail-on', 'cosign']);
    assert.equal(failing.code, 1);
    assert.match(failing.stderr, /mixed\/admin:v2 \(cosign none\)/);
    const withoutKey = await countersign(['audit', '--registry', mixed.registry.url, '--registry-ca', mixed.registry.caFile, ...global(), '--fail-on', 'cosign']);
    assert.equal(withoutKey.code, 1);
    assert.match(withoutKey.stderr, /--fail-on cosign needs --cosign-key FILE/);
  });
});

describe('the evidence archive with cosign signatures', () => {
  let file: string;
  const guns = (): string[] => VOUCHED.map(([repository]) => identity(repository));

  it('keeps, per DCT-signed tag, the cosign signature that replaced it, and verify-archive checks it offline', async () => {
    file = join(work, 'evidence.tar');
    const made = await countersign(['archive', ...guns(), '--out', file, '--registry', mixed.registry.url, '--registry-ca', mixed.registry.caFile, '--cosign-key', cosignPub, ...global(), '--json']);
    assert.equal(made.code, 0, made.stderr);
    const created = JSON.parse(made.stdout) as { repositories: { gun: string; cosignSignatures?: number }[] };
    assert.deepEqual(created.repositories.map((r) => r.cosignSignatures), [1, 1, 1]);
    // verify-archive is given no server, no registry and no home: everything it needs is in the file.
    const verified = await countersign(['verify-archive', file, '--json']);
    assert.equal(verified.code, 0, verified.stderr);
    const result = JSON.parse(verified.stdout) as ArchiveVerification;
    for (const repository of result.repositories) {
      const cosign = repository.checks.find((check) => check.name === 'cosign');
      assert.equal(cosign?.ok, true, `${repository.gun}: ${cosign?.detail}`);
    }
  });

  it('fails the cosign check when a signature is moved to a tag whose DCT digest it does not cover', async () => {
    const decoded = decodeArchive(await readFile(file));
    const evidence = decoded.repositories.map((repository) => repository.evidence).filter((e): e is RepositoryEvidence => e !== undefined);
    const [admin, team] = evidence;
    assert.ok(admin?.cosign && team?.cosign);
    // The team's signature, claimed for admin:v1: it names another repository and another digest.
    admin.cosign = { ...admin.cosign, signatures: [{ ...team.cosign.signatures[0]!, tag: 'v1' }] };
    const result = await verifyEvidenceArchive(encodeArchive(evidence, new Date()));
    assert.equal(result.ok, false);
    const check = result.repositories[0]?.checks.find((c) => c.name === 'cosign');
    assert.equal(check?.ok, false);
    assert.match(check?.detail ?? '', /signs it for|signs sha256/);
  });
});
