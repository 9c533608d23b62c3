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
import { routerFor, servicesFor, untilAborted } from '../ipc/support';

const SERVER = { name: 'Team notary', url: 'https://notary.example.test' };

function installBridge(trust: TrustService | undefined) {
  const router = routerFor(servicesFor(trust === undefined ? {} : { trust }));
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
