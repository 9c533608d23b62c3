import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { mapLimit } from '../../../electron/core/net/map-limit';
import { rejectsWith } from './support/assertions';

describe('mapLimit', () => {
  it('returns results in input order whatever order they finish in', async () => {
    const results = await mapLimit([30, 10, 20, 0], 2, async (delay, index) => {
      await sleep(delay);
      return `${index}:${delay}`;
    });
    assert.deepEqual(results, ['0:30', '1:10', '2:20', '3:0']);
  });

  it('never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    await mapLimit(Array.from({ length: 40 }, (_, i) => i), 5, async () => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(2);
      running -= 1;
    });
    assert.equal(peak, 5);
  });

  it('reports progress after each finished item', async () => {
    const seen: string[] = [];
    await mapLimit(['a', 'b', 'c'], 2, async (item) => item, { onProgress: (done, total) => seen.push(`${done}/${total}`) });
    assert.deepEqual(seen, ['1/3', '2/3', '3/3']);
  });

  it('handles an empty list', async () => {
    assert.deepEqual(await mapLimit([], 4, async () => 1), []);
  });

  it('stops starting items after a failure, tells running ones, and throws the first failure', async () => {
    const started: number[] = [];
    let siblingSawAbort = false;
    const failing = mapLimit(Array.from({ length: 20 }, (_, i) => i), 2, async (item, _, signal) => {
      started.push(item);
      if (item === 0) throw new Error('first failure');
      await sleep(20);
      siblingSawAbort ||= signal.aborted;
      return item;
    });
    await assert.rejects(failing, /first failure/);
    assert.ok(started.length <= 3, `started ${started.length}`);
    assert.ok(siblingSawAbort);
  });

  it('stops on cancel and says so', async () => {
    const controller = new AbortController();
    let finished = 0;
    const run = mapLimit(Array.from({ length: 100 }, (_, i) => i), 4, async () => {
      await sleep(5);
      finished += 1;
    }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await rejectsWith(run, 'cancelled');
    assert.ok(finished < 100);
  });

  it('starts nothing when the signal is already aborted', async () => {
    let calls = 0;
    await rejectsWith(mapLimit([1, 2], 2, async () => void calls++, { signal: AbortSignal.abort() }), 'cancelled');
    assert.equal(calls, 0);
  });

  it('refuses a limit below one', async () => {
    await rejectsWith(mapLimit([1], 0, async () => 1), 'invalid-input');
  });
});
