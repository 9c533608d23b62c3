// The renderer's store against the real router and handlers, joined in-process by the same
// api-builder the preload uses: store -> window.countersign -> router -> handlers -> services.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RepositoryView } from '../../../shared/domain';
import { CountersignError } from '../../../shared/errors';
import type { ProgressMessage } from '../../../shared/contract';
import { buildApi } from '../../../electron/preload/api-builder';
import { createAppState, type AppState } from '../../../renderer/src/store';
import type { TrustService } from '../../../electron/ipc/services';
import type { SecretStore } from '../../../electron/core/keys';
import { memorySecretStore, routerFor, servicesFor, untilAborted } from '../ipc/support';

const SERVER = { name: 'Team notary', url: 'https://notary.example.test' };

function installBridge(trust: TrustService | undefined, serverSecrets: SecretStore = memorySecretStore()) {
  const router = routerFor(servicesFor(trust === undefined ? {} : { trust }, undefined, serverSecrets));
  let deliver: ((message: ProgressMessage) => void) | undefined;
  const api = buildApi({
    invoke: (channel, envelope) =>
      // JSON round trip: what reaches the page is data, as over IPC or HTTP.
      router.dispatch(channel, JSON.parse(JSON.stringify(envelope)), { session: 'test', emitProgress: (m) => deliver?.(m) }),
    onProgress: (listener) => {
      deliver = listener;
    },
  });
  Object.assign(globalThis, { window: { countersign: api, location: { hash: '' }, history: { pushState() {} } } });
}

function view(gun: string): RepositoryView {
  return {
    gun,
    server: SERVER.url,
    verifiedAt: '2026-01-01T00:00:00Z',
    source: 'server',
    roles: [{ name: 'targets', status: 'verified', version: 1, expires: '2027-01-01T00:00:00Z' }],
    keys: [],
    signedTags: [{ tag: 'v1', digest: 'ab', size: 1, signers: ['Repo Admin'], roles: ['targets'] }],
    signers: [],
    administrativeKeys: { root: [], repository: [] },
    warnings: [],
  };
}

async function withWatched(store: StoreApi<AppState>, guns: string[]) {
  await store.getState().loadSettings();
  assert.equal((await store.getState().saveServer(SERVER)).ok, true);
  for (const gun of guns) assert.equal((await store.getState().watch({ gun, serverId: 'team-notary' })).ok, true);
  await store.getState().loadStatuses();
}

/** Waits (briefly) until the store shows what `shown` looks for. */
async function until(store: StoreApi<AppState>, shown: (state: AppState) => boolean): Promise<void> {
  for (let waited = 0; !shown(store.getState()); waited++) {
    if (waited > 2000) assert.fail('the store never showed it');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

const stateOf = (store: StoreApi<AppState>) => Object.fromEntries((store.getState().statuses.value ?? []).map((s) => [`${s.serverId} ${s.gun}`, s.state]));

describe('the renderer store after a sign-in is fixed', () => {
  const HARBOR = { name: 'Harbor', url: 'https://harbor.example.test', username: 'alice' };
  const OTHER = { name: 'Other', url: 'https://other.example.test' };
  let store: StoreApi<AppState>;
  let secrets: ReturnType<typeof memorySecretStore>;
  let reads: string[];
  /** While set, every read waits for it (a refresh still running). */
  let hold: Promise<void> | undefined;

  beforeEach(async () => {
    store = createStore<AppState>()(createAppState);
    secrets = memorySecretStore();
    reads = [];
    hold = undefined;
    // The server as a token service judges it: Harbor takes "<user>-password" for its user, the other needs no sign-in.
    installBridge(
      {
        inspect: async ({ gun, server }) => {
          reads.push(`${server.id} ${gun}`);
          await hold;
          const password = await secrets.get(server.id);
          if (server.username !== undefined && password !== `${server.username}-password`) throw new CountersignError('auth-failed', `sign-in refused for ${server.username}`);
          return view(gun);
        },
        acknowledgeRoot: async () => undefined,
        inspectCached: async () => assert.fail(),
      },
      secrets,
    );
    await store.getState().loadSettings();
    for (const server of [HARBOR, OTHER]) assert.equal((await store.getState().saveServer(server)).ok, true);
    for (const serverId of ['harbor', 'other']) assert.equal((await store.getState().watch({ gun: 'example.test/app', serverId })).ok, true);
    await store.getState().loadStatuses();
    assert.equal((await store.getState().setServerPassword('harbor', 'mistyped')).ok, true);
    await until(store, (state) => state.refresh === undefined && stateOf(store)['harbor example.test/app'] === 'failed');
    reads = [];
  });

  it('reads the server\'s watched repositories again once a new password is stored, and shows what that read found', async () => {
    assert.equal((await store.getState().setServerPassword('harbor', 'alice-password')).ok, true);
    await until(store, (state) => state.refresh === undefined && stateOf(store)['harbor example.test/app'] === 'verified');
    assert.deepEqual(reads, ['harbor example.test/app'], 'only the repositories watched on that server');
    assert.equal(stateOf(store)['other example.test/app'], 'not-checked', 'the other server\'s repository is not read or assumed');
  });

  it('shows a still-wrong password as refused again, from the new read, never as verified', async () => {
    assert.equal((await store.getState().setServerPassword('harbor', 'mistyped-again')).ok, true);
    await until(store, (state) => state.refresh === undefined && reads.length === 1);
    assert.equal(stateOf(store)['harbor example.test/app'], 'failed');
    assert.equal(store.getState().statuses.value?.find((s) => s.serverId === 'harbor')?.error?.code, 'auth-failed');
  });

  it('reads again after an edit of the user name, not after a rename', async () => {
    await secrets.set('harbor', 'bob-password');
    assert.equal((await store.getState().saveServer({ ...HARBOR, id: 'harbor', name: 'Harbor (team)' })).ok, true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(reads, [], 'a new name changes nothing the server sees');
    assert.equal((await store.getState().saveServer({ ...HARBOR, id: 'harbor', username: 'bob' })).ok, true);
    await until(store, (state) => state.refresh === undefined && stateOf(store)['harbor example.test/app'] === 'verified');
    assert.deepEqual(reads, ['harbor example.test/app']);
  });

  it('waits for a refresh already running (it may have read with the old password), then reads again', async () => {
    let release = (): void => undefined;
    hold = new Promise((resolve) => (release = resolve));
    const refreshing = store.getState().refreshWatched();
    await until(store, () => reads.length === 2);
    assert.equal((await store.getState().setServerPassword('harbor', 'alice-password')).ok, true);
    release();
    await refreshing;
    await until(store, (state) => state.refresh === undefined && reads.length === 3);
    assert.deepEqual(reads.slice(2), ['harbor example.test/app']);
    await until(store, () => stateOf(store)['harbor example.test/app'] === 'verified');
  });

  it('reads nothing again when the password was not stored', async () => {
    const refused = await store.getState().setServerPassword('no-such-server', 'alice-password');
    assert.equal(refused.ok, false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(reads, []);
  });
});

describe('the renderer store', () => {
  let store: StoreApi<AppState>;
  beforeEach(() => {
    store = createStore<AppState>()(createAppState);
  });

  it('keeps the settings the main process answered with', async () => {
    installBridge(undefined);
    await withWatched(store, ['example.test/a']);
    assert.deepEqual(store.getState().settings.value?.watched, [{ gun: 'example.test/a', serverId: 'team-notary' }]);
    assert.deepEqual(store.getState().statuses.value?.map((s) => s.state), ['not-checked']);
  });

  it('shows a refused change as the call result, leaving the settings as they were', async () => {
    installBridge(undefined);
    await withWatched(store, []);
    const result = await store.getState().watch({ gun: 'example.test/a', serverId: 'no-such-server' });
    assert.equal(!result.ok && result.error.code, 'not-found');
    assert.deepEqual(store.getState().settings.value?.watched, []);
  });

  it('streams refresh progress into the watch list, then clears the operation', async () => {
    installBridge({ inspect: async ({ gun }) => view(gun), acknowledgeRoot: async () => undefined, inspectCached: async () => assert.fail() });
    await withWatched(store, ['example.test/a', 'example.test/b']);
    const seen: number[] = [];
    const unsubscribe = store.subscribe((state) => {
      if (state.refresh !== undefined) seen.push(state.refresh.done);
    });
    await store.getState().refreshWatched();
    unsubscribe();
    assert.deepEqual([...new Set(seen)], [0, 1, 2]);
    assert.equal(store.getState().refresh, undefined);
    assert.deepEqual(store.getState().statuses.value?.map((s) => s.state), ['verified', 'verified']);
  });

  it('cancels a running refresh', async () => {
    let started = 0;
    installBridge({
      inspect: async (_input, { signal }) => {
        started++;
        return untilAborted(signal);
      },
      acknowledgeRoot: async () => undefined, inspectCached: async () => assert.fail(),
    });
    await withWatched(store, ['example.test/a']);
    const running = store.getState().refreshWatched();
    while (started === 0) await new Promise((r) => setTimeout(r, 1));
    await store.getState().cancelRefresh();
    await running;
    assert.equal(store.getState().refresh, undefined);
    assert.equal(store.getState().statuses.status, 'ready', 'a cancel is not an error');
  });

  it('keeps a repository that failed verification as an error, with no data', async () => {
    installBridge({
      inspect: async () => {
        throw new CountersignError('signature-threshold', 'targets is not signed by its key', { role: 'targets' });
      },
      acknowledgeRoot: async () => undefined, inspectCached: async () => assert.fail(),
    });
    await withWatched(store, ['example.test/a']);
    await store.getState().openRepository({ gun: 'example.test/a', serverId: 'team-notary' });
    const shown = store.getState().views['team-notary example.test/a'];
    assert.equal(shown?.status, 'error');
    assert.equal(shown?.status === 'error' && shown.error.role, 'targets');
    assert.equal(shown?.value, undefined);
  });
});
