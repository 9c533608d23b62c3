// SIGTERM / SIGINT as a request to stop: the command's signal is aborted, the run ends with 128 + the
// signal's number, and the last line says what the command left.
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CountersignError } from '../../../shared/errors';
import { runCli } from '../../../electron/cli/main';
import type { Command } from '../../../electron/cli/command';
import { listenForStop, StopRequested, stoppedLine, type StopSignal } from '../../../electron/cli/stop-signals';

function signals() {
  const emitter = new EventEmitter();
  return { target: { on: (name: StopSignal, fn: () => void) => emitter.on(name, fn), off: (name: StopSignal, fn: () => void) => emitter.off(name, fn) }, emit: (name: StopSignal) => emitter.emit(name), count: (name: StopSignal) => emitter.listenerCount(name) };
}

describe('listenForStop', () => {
  it('aborts the signal with the stop request on the first SIGTERM, and says it is finishing on the second', () => {
    const said: string[] = [];
    const process = signals();
    const stop = listenForStop(process.target, (text) => said.push(text));
    process.emit('SIGTERM');
    assert.ok(stop.signal.aborted);
    assert.ok(stop.signal.reason instanceof StopRequested && stop.signal.reason.signal === 'SIGTERM');
    process.emit('SIGINT');
    assert.match(said.join(''), /still finishing the current step.*SIGKILL stops at once/);
    stop.dispose();
    assert.equal(process.count('SIGTERM') + process.count('SIGINT'), 0, 'the signals go back to Node');
  });
});

describe('stoppedLine', () => {
  const stop = new StopRequested('SIGTERM');
  it('says the command had finished when it returned 0', () => {
    assert.match(stoppedLine(stop, { code: 0 }), /SIGTERM came after the command had finished/);
  });
  it('carries the words of the cancellation, which say what was kept', () => {
    assert.equal(stoppedLine(stop, { code: 1, failure: { code: 'cancelled', message: 'The import was cancelled; nothing was imported.' } }), 'countersign: stopped by SIGTERM: The import was cancelled; nothing was imported.\n');
  });
  it('points at the error above when the command failed otherwise', () => {
    assert.match(stoppedLine(stop, { code: 1, failure: { code: 'keychain-unavailable', message: 'x' } }), /ended in the error above/);
  });
});

describe('runCli stopped by a signal', () => {
  const command = (run: Command['run']): Command => ({ name: 'work', usage: '', summary: 'works', run });
  const io = (controller: AbortController) => {
    const err: string[] = [];
    return { err, io: { out: { write: () => undefined }, err: { write: (text: string) => void err.push(text) }, env: {}, signal: controller.signal } };
  };

  it('exits 143 after SIGTERM, printing the cancellation once, in the stopped line', async () => {
    const controller = new AbortController();
    const { err, io: streams } = io(controller);
    const work = command(async (context) => {
      controller.abort(new StopRequested('SIGTERM'));
      if (context.signal.aborted) throw new CountersignError('cancelled', 'The generate was cancelled; no key was stored.');
      return 0;
    });
    assert.equal(await runCli(['work'], streams, [work]), 143);
    assert.deepEqual(err, ['countersign: stopped by SIGTERM: The generate was cancelled; no key was stored.\n']);
  });

  it('exits 130 after Ctrl-C even when the command had finished, and says so', async () => {
    const controller = new AbortController();
    const { err, io: streams } = io(controller);
    const work = command(async () => {
      controller.abort(new StopRequested('SIGINT'));
      return 0;
    });
    assert.equal(await runCli(['work'], streams, [work]), 130);
    assert.match(err.join(''), /SIGINT came after the command had finished/);
  });
});
