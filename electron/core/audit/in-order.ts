// Results of parallel work handed on in the order of their inputs, with a bounded wait: the streamed
// audit writes repositories in catalog order however they finish, and keeps only a window of them.
import { CountersignError } from '../../../shared/errors';

/**
 * Hands results on in index order, whatever order they finish in. `turn(i)` waits while i is a
 * window or more ahead of the first result not yet handed on, which bounds what waits here.
 */
export class InOrder<T> {
  private next = 0;
  private readonly waiting = new Map<number, T>();
  private readonly blocked: { index: number; resume: () => void }[] = [];

  constructor(private readonly window: number, private readonly emit: (value: T) => void) {}

  turn(index: number, signal: AbortSignal): Promise<void> {
    if (index < this.next + this.window) return Promise.resolve();
    if (signal.aborted) return Promise.reject(new CountersignError('cancelled', 'the audit was cancelled'));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(new CountersignError('cancelled', 'the audit was cancelled'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.blocked.push({
        index,
        resume: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      });
    });
  }

  finished(index: number, value: T): void {
    this.waiting.set(index, value);
    for (let ready = this.waiting.get(this.next); ready !== undefined; ready = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.next += 1;
      this.emit(ready);
    }
    for (let i = this.blocked.length - 1; i >= 0; i--) {
      const entry = this.blocked[i]!;
      if (entry.index < this.next + this.window) {
        this.blocked.splice(i, 1);
        entry.resume();
      }
    }
  }
}
