// The repository screen's registry check through the real handlers, on the audit's mixed fixture: a
// real registry with images pushed over its API and a real notary-server with trust data the real
// notary client signed. A tag re-pushed after signing is served with another digest than signed, a
// signed tag deleted from the registry is not served, and a registry that cannot be reached is said
// so — each through the same rule the audit uses, and none of them as a match.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Result } from '../../../shared/contract';
import type { RepositoryView } from '../../../shared/domain';
import { tagRegistryState, type ServedDigests } from '../../../shared/registry-digests';
import type { Settings } from '../../../shared/schemas/settings';
import { memoryBackend } from '../../../electron/ipc/settings-store';
import { createServices, type RunningServices } from '../../../electron/ipc/wire-services';
import { makeTempDir, removeTempDir } from '../../stack';
import { memorySecretStore, recordingCaller, routerFor } from '../../unit/ipc/support';
import { REPOS, startMixedRegistry, type MixedRegistry } from '../audit/support/mixed-registry';

let mixed: MixedRegistry;
let home: string;
let services: RunningServices;
let router: ReturnType<typeof routerFor>;
let serverId: string;
let gun: string;
const caller = recordingCaller();
let operations = 0;

async function dispatch<T>(channel: string, request: unknown, operationId = `op-${++operations}`): Promise<Result<T>> {
  return (await router.dispatch(channel, { request, operationId }, caller)) as Result<T>;
}

async function call<T>(channel: string, request: unknown): Promise<T> {
  const result = await dispatch<T>(channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

before(async () => {
  mixed = await startMixedRegistry();
  home = makeTempDir('served-digests-home');
  services = createServices({
    runtime: 'test-host',
    version: '0.0.0-test',
    homeDir: home,
    dockerConfigDir: makeTempDir('served-digests-docker'),
    settingsBackend: memoryBackend(),
    serverSecrets: memorySecretStore(),
    registrySecrets: memorySecretStore(),
    loginSecrets: memorySecretStore(),
  });
  router = routerFor(services);
  const settings = await call<Settings>('settings.saveServer', { server: { name: 'Notary', url: mixed.notary.url, caPem: mixed.notary.caPem } });
  serverId = settings.servers[0]!.id;
  gun = `${mixed.registry.host}/${REPOS.admin}`;
});

after(async () => {
  services?.close();
  await mixed?.stop();
  if (home) await removeTempDir(home);
});

describe('repositories.servedDigests', () => {
  it('finds the re-pushed tag served with another digest than signed, and the deleted one not served', async () => {
    const view = await call<RepositoryView>('repositories.inspect', { serverId, gun });
    const tags = view.signedTags.map((t) => t.tag).sort();
    assert.deepEqual(tags, ['v1', 'v2', 'v3']);
    const found = await call<ServedDigests>('repositories.servedDigests', { serverId, gun, tags });
    assert.equal(found.registry, mixed.registry.url.replace(/\/$/, ''));
    assert.equal(found.repository, REPOS.admin);
    const states = Object.fromEntries(view.signedTags.map((t) => [t.tag, tagRegistryState(t.tag, t.digest, found)]));
    assert.equal(states['v1']?.state, 'match');
    assert.equal(states['v3']?.state, 'absent');
    const v2 = states['v2'];
    assert.equal(v2?.state, 'mismatch');
    const signedV2 = view.signedTags.find((t) => t.tag === 'v2')!;
    assert.deepEqual(v2, { state: 'mismatch', registryDigest: await mixed.registry.manifestDigest(REPOS.admin, 'v2'), signedDigest: `sha256:${signedV2.digest}` });
  });

  it('streams one progress event per tag, ending at the total', async () => {
    const operationId = 'progress-of-served-digests';
    const result = await dispatch<ServedDigests>('repositories.servedDigests', { serverId, gun, tags: ['v1', 'v2', 'v3'] }, operationId);
    assert.equal(result.ok, true);
    const events = caller.progress.filter((m) => m.operationId === operationId).map((m) => m.event as { done: number; total: number });
    assert.deepEqual(events.at(-1), { done: 3, total: 3 });
  });

  it('answers a registry that cannot be reached with its error, so no tag is taken as a match', async () => {
    const unreachableGun = `127.0.0.1:9/${REPOS.admin}`;
    const found = await call<ServedDigests>('repositories.servedDigests', { serverId, gun: unreachableGun, tags: ['v1'] });
    assert.equal(found.error?.code, 'server-unreachable');
    assert.deepEqual(found.served, {});
    assert.equal(tagRegistryState('v1', 'ab'.repeat(32), found).state, 'unreachable');
  });

  it('refuses a server that is not in the settings', async () => {
    const result = await dispatch('repositories.servedDigests', { serverId: 'no-such-server', gun, tags: ['v1'] });
    assert.deepEqual(result.ok ? undefined : result.error.code, 'not-found');
  });
});
