// The one generic router over the IPC contract. Every message from a renderer is untrusted: it is
// checked against the contract before any handler sees it, and whatever happens the caller gets a
// Result — a bad payload, an unknown channel or a handler that throws never crashes the process.
// No 'electron' import: the Electron main process and the loopback test host both drive this.
import { CountersignError, toErrorInfo, type ErrorInfo } from '../../shared/errors';
import {
  contract,
  isChannelName,
  OPERATION_ID_PATTERN,
  type ChannelName,
  type ParsedRequestOf,
  type ProgressMessage,
  type ProgressOf,
  type ResponseOf,
  type Result,
} from '../../shared/contract';

export interface HandlerContext<Progress> {
  /** Aborted when the caller cancels, or its window goes away. */
  signal: AbortSignal;
  /** Streams one progress event to the caller (dropped once cancelled). */
  progress: (event: Progress) => void;
}

export type Handler<C extends ChannelName> = (
  request: ParsedRequestOf<C>,
  context: HandlerContext<ProgressOf<C>>,
) => Promise<ResponseOf<C>> | ResponseOf<C>;

/** Channels the router answers itself rather than through a handler. */
type BuiltInChannel = 'operations.cancel';
export type HandledChannel = Exclude<ChannelName, BuiltInChannel>;

export type Handlers = { [C in HandledChannel]: Handler<C> };

/** The handlers of one domain: `DomainHandlers<'keys'>` is every 'keys.*' channel. */
export type DomainHandlers<D extends string> = Pick<Handlers, Extract<HandledChannel, `${D}.${string}`>>;

/** Who is calling: operations are scoped to a session (one window, one test-host page). */
export interface Caller {
  session: string;
  emitProgress: (message: ProgressMessage) => void;
}

export interface RouterOptions {
  /** Sees every failure that is not the caller's fault (internal errors), for logging. */
  onInternalError?: (channel: string, error: unknown) => void;
}

export interface Router {
  dispatch(channel: string, envelope: unknown, caller: Caller): Promise<Result<unknown>>;
  /** Cancels everything a session started (its window closed or its page went away). */
  cancelSession(session: string): void;
  runningOperations(): number;
}

type AnyHandler = (request: unknown, context: HandlerContext<unknown>) => unknown;

function refuse(message: string): Result<never> {
  return { ok: false, error: { code: 'invalid-ipc-payload', message } };
}

function describeEnvelopeProblem(envelope: unknown): string | undefined {
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) return 'the message is not an object';
  const keys = Object.keys(envelope);
  if (!keys.includes('request')) return 'the message has no request';
  const extra = keys.filter((k) => k !== 'request' && k !== 'operationId');
  if (extra.length > 0) return `the message has unexpected fields: ${extra.join(', ')}`;
  const { operationId } = envelope as { operationId?: unknown };
  if (operationId !== undefined && (typeof operationId !== 'string' || !OPERATION_ID_PATTERN.test(operationId))) {
    return 'operationId must be 1-64 letters, digits, dashes or underscores';
  }
  return undefined;
}

function summariseIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export function createRouter(handlers: Handlers, options: RouterOptions = {}): Router {
  const running = new Map<string, AbortController>();
  const operationKey = (session: string, operationId: string) => `${session}\u0000${operationId}`;

  function cancel(session: string, operationId: string): boolean {
    const controller = running.get(operationKey(session, operationId));
    if (controller === undefined) return false;
    controller.abort(new CountersignError('cancelled', 'Cancelled by the user.'));
    return true;
  }

  async function run(channel: HandledChannel, request: unknown, operationId: string | undefined, caller: Caller) {
    const controller = new AbortController();
    const key = operationId === undefined ? undefined : operationKey(caller.session, operationId);
    if (key !== undefined) {
      if (running.has(key)) return refuse(`operation ${operationId} is already running`);
      running.set(key, controller);
    }
    const { signal } = controller;
    const progress = (event: unknown) => {
      if (operationId !== undefined && !signal.aborted) caller.emitProgress({ operationId, event });
    };
    try {
      const handler = handlers[channel] as AnyHandler;
      const value = await handler(request, { signal, progress });
      // A handler that finished after a cancel answers with what it found: a write job that was
      // cancelled mid-upload reports what the server then had, which the caller must see.
      return { ok: true as const, value };
    } catch (error) {
      const info: ErrorInfo = signal.aborted ? toErrorInfo(signal.reason) : toErrorInfo(error);
      if (info.code === 'internal') options.onInternalError?.(channel, error);
      return { ok: false as const, error: info };
    } finally {
      if (key !== undefined) running.delete(key);
    }
  }

  return {
    async dispatch(channel, envelope, caller) {
      if (!isChannelName(channel)) return refuse(`unknown channel "${channel.slice(0, 80)}"`);
      const problem = describeEnvelopeProblem(envelope);
      if (problem !== undefined) return refuse(`${channel}: ${problem}`);
      const { request, operationId } = envelope as { request: unknown; operationId?: string };
      const parsed = contract[channel].request.safeParse(request);
      if (!parsed.success) return refuse(`${channel}: ${summariseIssues(parsed.error.issues)}`);
      if (channel === 'operations.cancel') {
        const { operationId: target } = parsed.data as ParsedRequestOf<'operations.cancel'>;
        return { ok: true, value: { cancelled: cancel(caller.session, target) } };
      }
      return run(channel, parsed.data, operationId, caller);
    },
    cancelSession(session) {
      const prefix = `${session}\u0000`;
      for (const [key, controller] of running) {
        if (key.startsWith(prefix)) controller.abort(new CountersignError('cancelled', 'The window was closed.'));
      }
    },
    runningOperations: () => running.size,
  };
}
