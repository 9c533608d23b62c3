// The Migrate screen's channels on the real stack: the real handlers and router over real services
// (the key vault in the real keychain, the audit and the migration of electron/core), the audit's
// mixed registry behind a real notary-server. A plan is made by id from a fresh audit, and only that
// plan runs. Run under scripts/with-keyring.sh.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Result } from '../../../shared/contract';
import type { MigrationReport } from '../../../shared/migrate';
import type { MigrationPlanRun } from '../../../shared/schemas/migrate';
import type { Settings } from '../../../shared/schemas/settings';
import type { KeySummary } from '../../../shared/schemas/views';
import { memoryBackend } from '../../../electron/ipc/settings-store';
import { createServices, type RunningServices } from '../../../electron/ipc/wire-services';
import { makeTempDir, removeTempDir } from '../../stack';
import { memorySecretStore, recordingCaller, routerFor } from '../../unit/ipc/support';
import { REPOS, startMixedRegistry, type MixedRegistry } from '../audit/support/mixed-registry';

let mixed: MixedRegistry;
let home: string;
let services: RunningServices;
let router: ReturnType<typeof routerFor>;
let registryId: string;
let keyId: string;
const caller = recordingCaller();

let operations = 0;

async function call<T>(channel: string, request: unknown): Promise<T> {
  // An operation id, so that progress is streamed back as the renderer would receive it.
  const result = (await router.dispatch(channel, { request, operationId: `op-${++operations}` }, caller)) as Result<T>;
  if (!result.ok) throw Object.assign(new Error(`${channel}: ${result.error.code}: ${result.error.message}`), { code: result.error.code });
  return result.value;
}

before(async () => {
  mixed = await startMixedRegistry();
  home = makeTempDir('migrate-ipc-home');
  services = createServices({
    runtime: 'test-host',
    version: '0.0.0-test',
    homeDir: home,
    dockerConfigDir: makeTempDir('migrate-ipc-docker'),
    settingsBackend: memoryBackend(),
    serverSecrets: memorySecretStore(),
    registrySecrets: memorySecretStore(),
  });
  router = routerFor(services);
  const withServer = await call<Settings>('settings.saveServer', { server: { name: 'Notary', url: mixed.notary.url, caPem: mixed.notary.caPem } });
  const serverId = withServer.servers[0]!.id;
  const withRegistry = await call<Settings>('registries.save', { registry: { name: 'Registry', url: mixed.registry.url, caPem: mixed.registry.caPem, serverId } });
  registryId = withRegistry.registries[0]!.id;
  keyId = (await call<KeySummary>('keys.generate', { role: 'cosign', label: 'cosign' })).id;
});

after(async () => {
  services?.close();
  await mixed?.stop();
  if (home) await removeTempDir(home);
});

describe('migrate.plan and migrate.run', () => {
  it('plans the vouched tags with the key\'s public half only, and runs exactly that plan', async () => {
    const planned = await call<MigrationPlanRun>('migrate.plan', { registryId, keyId });
    assert.deepEqual(planned.plan.sign.map((t) => `${t.repository}:${t.tag}`).sort(), [`${REPOS.admin}:v1`, `${REPOS.expiring}:v1`, `${REPOS.team}:v2`]);
    assert.match(planned.plan.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
    assert.doesNotMatch(JSON.stringify(planned), /PRIVATE/);
    assert.ok(caller.progress.some((message) => (message.event as { phase?: string }).phase === 'auditing'));

    const dry = await call<MigrationReport>('migrate.run', { planId: planned.planId, dryRun: true });
    assert.equal(dry.counts.planned, 3);
    const report = await call<MigrationReport>('migrate.run', { planId: planned.planId });
    assert.deepEqual(report.counts, { signed: 3, 'already-signed': 0, planned: 0, failed: 0, cancelled: 0 });
    assert.ok(caller.progress.some((message) => (message.event as { phase?: string }).phase === 'signing'));
  });

  it('writes nothing the second time', async () => {
    const planned = await call<MigrationPlanRun>('migrate.plan', { registryId, keyId });
    const report = await call<MigrationReport>('migrate.run', { planId: planned.planId });
    assert.equal(report.counts['already-signed'], 3);
    assert.equal(report.counts.signed, 0);
  });

  it('runs only plans it made: an unknown plan id is not found', async () => {
    await assert.rejects(call('migrate.run', { planId: '00000000-0000-4000-8000-000000000000' }), { code: 'not-found' });
  });
});
