// A migration that is cancelled says which images it signed and which never ran, and a second run
// finishes the rest without writing anything twice. Real registry and notary-server (the audit's
// mixed fixture); the key is in memory, since the keychain is not what this is about.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MigrationPlan } from '../../../shared/migrate';
import { auditRegistry, RetryingHttpClient } from '../../../electron/core/audit';
import { cosignPublicKeyPem, planMigration, runMigration } from '../../../electron/core/migrate';
import { NotaryClient } from '../../../electron/core/notary/notary-client';
import { RegistryClient } from '../../../electron/core/registry';
import { memorySigner } from '../../helpers/memory-signer';
import { makeTempDir, removeTempDir } from '../../stack';
import { startMixedRegistry, type MixedRegistry } from '../audit/support/mixed-registry';
import { fetchSignatureManifest } from './support/cosign-spec-check';

let mixed: MixedRegistry;
let home: string;
let http: RetryingHttpClient;
let registry: RegistryClient;
let plan: MigrationPlan;
const signer = memorySigner('cancel-test');

before(async () => {
  mixed = await startMixedRegistry();
  home = makeTempDir('migrate-cancel-home');
  http = new RetryingHttpClient({ ca: mixed.notary.caPem });
  registry = new RegistryClient({ url: mixed.registry.url, http });
  const report = await auditRegistry({ registry, notary: new NotaryClient(mixed.notary.url, http), home });
  plan = planMigration(report, { keyId: signer.id, publicKeyPem: cosignPublicKeyPem(signer.publicKey) });
});

after(async () => {
  http?.close();
  await mixed?.stop();
  if (home) await removeTempDir(home);
});

describe('a cancelled migration', () => {
  it('writes nothing when cancelled before it starts, and says every image was cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const report = await runMigration({ plan, registry, signer, signal: controller.signal });
    assert.equal(report.cancelled, true);
    assert.equal(report.counts.cancelled, plan.sign.length);
    for (const tag of plan.sign) assert.equal(await fetchSignatureManifest(mixed.registry, tag.repository, tag.digest), undefined);
  });

  it('stops after the image in flight, reports the rest cancelled, and a second run finishes them', async () => {
    const controller = new AbortController();
    const report = await runMigration({
      plan,
      registry,
      signer,
      concurrency: 1,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.done === 1) controller.abort();
      },
    });
    assert.equal(report.cancelled, true);
    assert.equal(report.counts.signed, 1);
    assert.equal(report.counts.cancelled, plan.sign.length - 1);
    const again = await runMigration({ plan, registry, signer });
    assert.deepEqual(again.counts, { signed: plan.sign.length - 1, 'already-signed': 1, planned: 0, failed: 0, cancelled: 0 });
  });

  it('refuses to run a plan made for another key', async () => {
    await assert.rejects(runMigration({ plan, registry, signer: memorySigner('other') }), { code: 'invalid-input' });
  });
});
