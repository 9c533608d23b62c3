// SIGTERM and SIGINT as a request to stop, not a kill. The running command's AbortSignal is aborted;
// the key vault then finishes or rolls back the step it is in (a keychain entry is never left without
// its index record, keys.json is never half-written) and releases its lock; only then does the
// process exit, with 128 + the signal's number and a line saying what it left. A second signal is
// answered with why it is still running; SIGKILL stops it at once, and the next run's recovery
// (vault-transaction.ts) finishes what it was doing.
import { CountersignError, type ErrorInfo } from '../../shared/errors';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The exit status a shell reports for a process the signal ended: 128 + its number. */
export const STOP_EXIT_CODES: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/** The abort reason: a `cancelled` error, so a command that passes it on reports a cancellation. */
export class StopRequested extends CountersignError {
  constructor(readonly signal: StopSignal) {
    super('cancelled', `Stopped by ${signal}.`);
  }
}

export interface ProcessSignals {
  on(signal: StopSignal, listener: () => void): unknown;
  off(signal: StopSignal, listener: () => void): unknown;
}

/** Turns the process's stop signals into `signal`; `dispose` gives them back to Node's defaults. */
export function listenForStop(target: ProcessSignals, say: (text: string) => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const listeners = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const listener = () => {
      if (controller.signal.aborted) {
        say(`countersign: ${name}: still finishing the current step so that nothing is left half-done; SIGKILL stops at once (the next run then recovers).\n`);
        return;
      }
      controller.abort(new StopRequested(name));
    };
    target.on(name, listener);
    return { name, listener };
  });
  return {
    signal: controller.signal,
    dispose: () => {
      for (const { name, listener } of listeners) target.off(name, listener);
    },
  };
}

/** The stop request behind an aborted signal, if a signal it was. */
export function stopOf(signal: AbortSignal | undefined): StopRequested | undefined {
  return signal?.aborted === true && signal.reason instanceof StopRequested ? signal.reason : undefined;
}

/**
 * The last line of a stopped run: what state the command left. `failure` is the error it ended with,
 * if it threw; `code` what it returned otherwise (a job that stops itself reports what it did).
 */
export function stoppedLine(stop: StopRequested, outcome: { code: number; failure?: ErrorInfo }): string {
  const { failure } = outcome;
  if (failure === undefined) {
    return outcome.code === 0
      ? `countersign: ${stop.signal} came after the command had finished; what it reported above is done.\n`
      : `countersign: stopped by ${stop.signal}; the report above says what was done.\n`;
  }
  if (failure.code !== 'cancelled') return `countersign: stopped by ${stop.signal}, which ended in the error above.\n`;
  return failure.message === stop.message ? `countersign: stopped by ${stop.signal}.\n` : `countersign: stopped by ${stop.signal}: ${failure.message}\n`;
}
