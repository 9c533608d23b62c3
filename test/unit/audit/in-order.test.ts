// The streamed audit's ordering: repositories are reported in catalog order whatever order they finish
// in, and no repository starts while it would have to wait a whole window behind an unfinished one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InOrder } from '../../../electron/core/audit/in-order';

describe('results handed on in input order', () => {
  it('holds a result back until every earlier one is there, then hands them all on', () => {
    const emitted: string[] = [];
    const order = new InOrder<string>(8, (value) => emitted.push(value));
    order.finished(2, 'c');
    order.finished(1, 'b');
    assert.deepEqual(emitted, []);
    order.finished(0, 'a');
    assert.deepEqual(emitted, ['a', 'b', 'c']);
    order.finished(3, 'd');
    assert.deepEqual(emitted, ['a', 'b', 'c', 'd']);
  });

  it('lets an item start at once inside the window, and makes one a window ahead wait for the first', async () => {
    const order = new InOrder<number>(2, () => undefined);
    const signal = new AbortController().signal;
    await order.turn(0, signal);
    await order.turn(1, signal);
    let started = false;
    const third = order.turn(2, signal).then(() => (started = true));
    order.finished(1, 1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(started, false, 'item 0 is still running: item 2 would wait behind it');
    order.finished(0, 0);
    await third;
    assert.equal(started, true);
  });

  it('gives up waiting when the audit is cancelled', async () => {
    const order = new InOrder<number>(1, () => undefined);
    const cancel = new AbortController();
    const waiting = order.turn(1, cancel.signal);
    cancel.abort();
    await assert.rejects(waiting, { code: 'cancelled' });
  });
});
