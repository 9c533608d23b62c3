import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CountersignError } from '../../../shared/errors';
import type { RepositoryView } from '../../../shared/domain';
import { recordingCaller, routerFor, SERVER, servicesFor, untilAborted } from './support';

const caller = recordingCaller();

function refusedWith(result: { ok: boolean; error?: { code: string; message: string } }, pattern: RegExp) {
  assert.equal(result.ok, false);
  assert.equal(result.error?.code, 'invalid-ipc-payload');
  assert.match(result.error?.message ?? '', pattern);
}

describe('the IPC router', () => {
  describe('when the message is not what the contract allows', () => {
    const router = routerFor(servicesFor());

    it('refuses a channel that is not in the contract', async () => {
      refusedWith(await router.dispatch('shell.exec', { request: {} }, caller), /unknown channel "shell.exec"/);
      refusedWith(await router.dispatch('__proto__', { request: {} }, caller), /unknown channel/);
    });

    it('refuses a message that is not an envelope', async () => {
      for (const envelope of [undefined, null, 'text', 42, [], { req: {} }]) {
        refusedWith(await router.dispatch('app.info', envelope, caller), /app\.info: the message/);
      }
    });

    it('refuses extra envelope fields and malformed operation ids', async () => {
      refusedWith(await router.dispatch('app.info', { request: {}, sender: 'x' }, caller), /unexpected fields: sender/);
      refusedWith(await router.dispatch('app.info', { request: {}, operationId: '../x' }, caller), /operationId/);
      refusedWith(await router.dispatch('app.info', { request: {}, operationId: 7 }, caller), /operationId/);
    });

    it('refuses a request that fails its schema, naming the field', async () => {
      refusedWith(await router.dispatch('settings.saveServer', { request: { server: { name: 'x' } } }, caller), /server\.url/);
      refusedWith(
        await router.dispatch('settings.saveServer', { request: { server: { name: 'x', url: 'http://plain.example' } } }, caller),
        /https/,
      );
      refusedWith(await router.dispatch('keys.remove', { request: { id: 'not-hex', confirm: true } }, caller), /id/);
    });

    it('refuses fields the contract does not know (strict objects)', async () => {
      refusedWith(await router.dispatch('app.info', { request: { debug: true } }, caller), /debug/);
    });

    it('refuses a CA bundle that contains a private key', async () => {
      const caPem = '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----';
      refusedWith(await router.dispatch('servers.check', { request: { server: { ...SERVER, caPem } } }, caller), /private key/);
    });
  });

  describe('when a handler fails', () => {
    it('passes a CountersignError through with its code and role', async () => {
      const router = routerFor(
        servicesFor({
          trust: {
            inspect: async () => {
              throw new CountersignError('expired', 'targets expired on 2020-01-01', { role: 'targets' });
            },
            acknowledgeRoot: async () => undefined, inspectCached: async () => {
              throw new CountersignError('not-found', 'nothing cached');
            },
          },
        }),
      );
      await router.dispatch('settings.saveServer', { request: { server: SERVER } }, caller);
      const result = await router.dispatch('repositories.inspect', { request: { gun: 'example.test/app', serverId: 'team-notary' } }, caller);
      assert.deepEqual(result, { ok: false, error: { code: 'expired', message: 'targets expired on 2020-01-01', role: 'targets' } });
    });

    it('turns anything else into an internal error and reports it, without crashing', async () => {
      const seen: unknown[] = [];
      const router = routerFor(
        servicesFor({
          keys: {
            list: async () => {
              throw new TypeError('boom');
            },
            generate: async () => assert.fail(),
            scanImport: async () => assert.fail(),
            importChosen: async () => assert.fail(),
            remove: async () => assert.fail(),
            label: async () => assert.fail(),
            get: async () => assert.fail(),
            exportKeys: async () => assert.fail(),
            notes: async () => assert.fail(),
            dismissNotes: () => assert.fail(),
          },
        }),
        { onInternalError: (_channel, error) => seen.push(error) },
      );
      const result = await router.dispatch('keys.list', { request: {} }, caller);
      assert.deepEqual(result, { ok: false, error: { code: 'internal', message: 'boom' } });
      assert.equal(seen.length, 1);
    });
  });

  describe('long operations', () => {
    const gun = 'example.test/app';
    function slowServices(seenSignals: AbortSignal[]) {
      return servicesFor({
        trust: {
          inspect: async (_input, { signal }) => {
            seenSignals.push(signal);
            return untilAborted(signal);
          },
          acknowledgeRoot: async () => undefined, inspectCached: async () => assert.fail(),
        },
      });
    }

    async function startRefresh(router: ReturnType<typeof routerFor>, session = recordingCaller()) {
      await router.dispatch('settings.saveServer', { request: { server: SERVER } }, session);
      await router.dispatch('settings.watch', { request: { gun, serverId: 'team-notary' } }, session);
      return router.dispatch('watch.refresh', { request: {}, operationId: 'op-1' }, session);
    }

    it('cancel aborts the signal the core sees, and the call answers "cancelled"', async () => {
      const signals: AbortSignal[] = [];
      const router = routerFor(slowServices(signals));
      const session = recordingCaller('w');
      const running = startRefresh(router, session);
      while (signals.length === 0) await new Promise((r) => setTimeout(r, 1));
      assert.equal(router.runningOperations(), 1);
      const cancel = await router.dispatch('operations.cancel', { request: { operationId: 'op-1' } }, session);
      assert.deepEqual(cancel, { ok: true, value: { cancelled: true } });
      const result = await running;
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.error.code, 'cancelled');
      assert.equal(signals[0]?.aborted, true);
      assert.equal(router.runningOperations(), 0);
    });

    it('another window cannot cancel an operation it did not start', async () => {
      const signals: AbortSignal[] = [];
      const router = routerFor(slowServices(signals));
      const owner = recordingCaller('owner');
      const running = startRefresh(router, owner);
      while (signals.length === 0) await new Promise((r) => setTimeout(r, 1));
      const foreign = await router.dispatch('operations.cancel', { request: { operationId: 'op-1' } }, recordingCaller('other'));
      assert.deepEqual(foreign, { ok: true, value: { cancelled: false } });
      assert.equal(signals[0]?.aborted, false);
      router.cancelSession('owner');
      assert.equal((await running).ok, false);
    });

    it('refuses a second operation under an id that is still running', async () => {
      const signals: AbortSignal[] = [];
      const router = routerFor(slowServices(signals));
      const session = recordingCaller('w');
      const running = startRefresh(router, session);
      while (signals.length === 0) await new Promise((r) => setTimeout(r, 1));
      const again = await router.dispatch('watch.refresh', { request: {}, operationId: 'op-1' }, session);
      refusedWith(again, /already running/);
      router.cancelSession('w');
      await running;
    });

    it('streams one progress event per repository to the operation that asked', async () => {
      const view: RepositoryView = {
        gun,
        server: SERVER.url,
        verifiedAt: '2026-01-01T00:00:00Z',
        source: 'server',
        roles: [
          { name: 'targets', status: 'verified', version: 3, expires: '2027-01-01T00:00:00Z' },
          { name: 'timestamp', status: 'verified', version: 9, expires: '2026-01-15T00:00:00Z' },
        ],
        keys: [],
        signedTags: [],
        signers: [],
        administrativeKeys: { root: [], repository: [] },
        warnings: [],
      };
      const router = routerFor(servicesFor({ trust: { inspect: async () => view, acknowledgeRoot: async () => undefined, inspectCached: async () => view } }));
      const session = recordingCaller('w');
      const result = await startRefresh(router, session);
      assert.equal(result.ok, true);
      assert.equal(session.progress.length, 1);
      assert.deepEqual(session.progress[0], {
        operationId: 'op-1',
        event: {
          done: 1,
          total: 1,
          status: {
            gun,
            serverId: 'team-notary',
            state: 'verified',
            checkedAt: '2026-01-01T00:00:00Z',
            signedTagCount: 0,
            nearestExpiry: { role: 'timestamp', expires: '2026-01-15T00:00:00Z' },
          },
        },
      });
    });
  });
});
