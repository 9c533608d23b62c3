// The store's flow runs: progress as it streams, the outcome of each repository kept as it finishes
// (so a cancelled run still shows what was published), one run of a kind at a time.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FlowProgress, FlowSummary, RepositoryOutcome } from '../../../../shared/schemas/flows';
import type { OperationOptions, Result } from '../../../../shared/contract';
import { createAppState, type AppState } from '../../../../renderer/src/store';

const outcome = (gun: string): RepositoryOutcome => ({ gun, serverId: 'team', status: 'published', changes: [`sign v1 in ${gun}`], versions: { targets: 2 }, serverSigned: ['timestamp'], notes: [], stillStaged: [] });

/** A run the test drives: it streams what the test sends and ends when the test says so. */
function controlledRun() {
  let options: OperationOptions<FlowProgress> | undefined;
  let finish: ((result: Result<FlowSummary>) => void) | undefined;
  const start = (given: OperationOptions<FlowProgress>) => {
    options = given;
    return new Promise<Result<FlowSummary>>((resolve) => (finish = resolve));
  };
  return {
    start,
    progress: (event: FlowProgress) => options?.onProgress?.(event),
    end: (result: Result<FlowSummary>) => finish?.(result),
    operationId: () => options?.operationId,
  };
}

describe('flow runs in the store', () => {
  let store: StoreApi<AppState>;
  const cancelled: string[] = [];
  beforeEach(() => {
    store = createStore<AppState>()(createAppState);
    cancelled.length = 0;
    const operations = { cancel: async ({ operationId }: { operationId: string }) => (cancelled.push(operationId), { ok: true, value: { cancelled: true } }) };
    Object.assign(globalThis, { window: { countersign: { operations } } });
  });

  it('streams progress, keeps each finished repository, then the result', async () => {
    const run = controlledRun();
    const done = store.getState().runFlow('publish', run.start);
    run.progress({ done: 0, total: 2, current: { gun: 'a', serverId: 'team', step: 'publishing' } });
    assert.equal(store.getState().flowRuns.publish?.status, 'running');
    run.progress({ done: 1, total: 2, finished: outcome('a') });
    const running = store.getState().flowRuns.publish;
    assert.ok(running?.status === 'running');
    assert.deepEqual(running.finished.map((o) => o.gun), ['a']);
    run.end({ ok: true, value: { outcomes: [outcome('a'), outcome('b')] } });
    assert.deepEqual(await done, { ok: true, value: { outcomes: [outcome('a'), outcome('b')] } });
    const finished = store.getState().flowRuns.publish;
    assert.ok(finished?.status === 'done');
    assert.equal(finished.value.outcomes.length, 2);
  });

  it('after a cancel keeps what finished before it, with the cancelled error', async () => {
    const run = controlledRun();
    const done = store.getState().runFlow('expiryResign', run.start);
    run.progress({ done: 1, total: 3, finished: outcome('a') });
    await store.getState().cancelFlow('expiryResign');
    assert.deepEqual(cancelled, [run.operationId()]);
    run.end({ ok: false, error: { code: 'cancelled', message: 'Cancelled by the user.' } });
    await done;
    const stopped = store.getState().flowRuns.expiryResign;
    assert.ok(stopped?.status === 'failed');
    assert.equal(stopped.error.code, 'cancelled');
    assert.deepEqual(stopped.finished.map((o) => o.gun), ['a']);
  });

  it('runs one flow of a kind at a time, and forgets a run when cleared', async () => {
    const run = controlledRun();
    const first = store.getState().runFlow('sign', run.start);
    const second = await store.getState().runFlow('sign', controlledRun().start);
    assert.equal(second.ok, false);
    run.end({ ok: true, value: { outcomes: [] } });
    await first;
    store.getState().clearFlow('sign');
    assert.equal(store.getState().flowRuns.sign, undefined);
  });

  it('turns a bridge that throws into a failed run', async () => {
    const result = await store.getState().runFlow('publish', () => Promise.reject(new Error('the bridge is gone')));
    assert.equal(result.ok, false);
    assert.equal(store.getState().flowRuns.publish?.status, 'failed');
  });
});
