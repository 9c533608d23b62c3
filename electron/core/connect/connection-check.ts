// The connection check of a notary server, step by step: DNS, TCP, TLS, an HTTP answer, a notary
// server's health, the sign-in token (when asked for one), reading a repository's root. It runs on a
// client of its own (never a pooled socket, which would hide a broken DNS, TCP or TLS), follows what
// each exchange gets through (net/trace.ts), and so can say at which step a failure, and above all a
// timeout, happened: a server that accepts TCP and never answers is "no HTTP answer", not "wrong
// address"; a TLS server that stalls mid-handshake is "TLS", not "HTTP".
import { isIP } from 'node:net';
import { CountersignError, toErrorInfo, type ErrorCode, type ErrorInfo } from '../../../shared/errors';
import { CONNECTION_STEPS, type ConnectionStep, type SignInReport } from '../../../shared/schemas/views';
import type { NetEvent } from '../net/trace';
import type { NotaryClient } from '../notary/notary-client';
import type { Connections, Endpoint } from './connections';

/**
 * A repository name nobody uses: asking for its root makes a server with sign-in name its token
 * service (the 401 challenge) and shows whether it lets us in at all; no right is granted for it.
 */
export const CHECK_GUN = 'countersign.invalid/connection-check';

export interface CheckedStep {
  step: ConnectionStep;
  /** `not-applicable`: plain http has no TLS; a server that asked for no sign-in needs no token. */
  status: 'passed' | 'failed' | 'not-reached' | 'not-applicable';
}

export interface ConnectionOutcome {
  steps: CheckedStep[];
  /** The step that failed and why; absent when every step passed. */
  failure?: { step: ConnectionStep; error: ErrorInfo; timedOut: boolean };
  /** With a token service (Harbor, notary-server with token auth): who is signed in, and their rights. */
  signIn?: SignInReport;
}

/**
 * Follows one check's exchanges and knows the step it is at. Pure bookkeeping (no IO), so its
 * rules are unit-tested on their own:
 * - the caller's request goes address → connect → tls (https only) → http; its answer is `http`;
 * - a token request (what a 401 led to) is the `token` step, whatever connection it needs itself;
 * - the step in progress when a failure or the deadline comes is the step that failed.
 */
export class StepTracker {
  private readonly passed = new Set<ConnectionStep>();
  private readonly notApplicable = new Set<ConnectionStep>();
  private currentStep: ConnectionStep = 'address';
  private tokenAsked = false;

  constructor(url: URL, private readonly onStep?: (step: ConnectionStep) => void) {
    if (url.protocol !== 'https:') this.notApplicable.add('tls');
    // An address given as an IP needs no DNS lookup, and Node reports none.
    if (isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0) this.pass('address');
  }

  get current(): ConnectionStep {
    return this.currentStep;
  }

  observe(event: NetEvent): void {
    if (event.purpose === 'token') {
      this.tokenEvent(event);
      return;
    }
    // The caller's requests after the health check (the root read) reuse what was proven already.
    if (this.passed.has('http')) return;
    switch (event.phase) {
      case 'started':
        return;
      case 'resolved':
        this.pass('address');
        return;
      case 'connected':
        this.pass('address', 'connect');
        return;
      case 'secured':
        this.pass('address', 'connect', 'tls');
        return;
      case 'answered':
        this.pass('address', 'connect', 'tls', 'http');
        return;
    }
  }

  /** The check itself says a step passed (the health answer was a notary's; the root read was allowed). */
  pass(...steps: ConnectionStep[]): void {
    for (const step of steps) if (!this.notApplicable.has(step)) this.passed.add(step);
    this.advance();
  }

  /** Every step and its status, after the check ended (with `failed` for the step it stopped at, if any). */
  outcome(failed?: ConnectionStep): CheckedStep[] {
    return CONNECTION_STEPS.map((step): CheckedStep => {
      if (step === failed) return { step, status: 'failed' };
      if (this.passed.has(step)) return { step, status: 'passed' };
      if (this.notApplicable.has(step)) return { step, status: 'not-applicable' };
      // Without a 401 no token was needed: once reading passed, the token step did not apply.
      if (step === 'token' && !this.tokenAsked && this.passed.has('auth')) return { step, status: 'not-applicable' };
      return { step, status: 'not-reached' };
    });
  }

  /** A token service answered with a token (a refusal, 401 or 403, leaves the check at the token step). */
  get tokenGranted(): boolean {
    return this.passed.has('token');
  }

  private tokenEvent(event: NetEvent): void {
    this.tokenAsked = true;
    if (event.phase === 'answered' && event.status !== undefined && event.status >= 200 && event.status < 300) this.pass('token');
    else if (!this.passed.has('token')) this.moveTo('token');
  }

  private advance(): void {
    const next = CONNECTION_STEPS.find((step) => !this.passed.has(step) && !this.notApplicable.has(step) && step !== 'token');
    // The token step is entered only when a 401 asks for one; until then reading (auth) is next.
    if (next !== undefined && !(this.currentStep === 'token' && !this.passed.has('token'))) this.moveTo(next);
  }

  private moveTo(step: ConnectionStep): void {
    if (step === this.currentStep) return;
    this.currentStep = step;
    this.onStep?.(step);
  }
}

/**
 * The step a failure belongs to. Certificates fail at TLS and refusals at sign-in or reading, wherever
 * they surface; everything else (unreachable, closed, timed out, not a notary server) at the step in
 * progress when it came.
 */
export function failedStep(code: ErrorCode, current: ConnectionStep): ConnectionStep {
  switch (code) {
    case 'tls-failed':
      return 'tls';
    case 'auth-required':
    case 'auth-failed':
    case 'access-denied':
      return current === 'token' ? 'token' : 'auth';
    case 'http-status':
    case 'not-notary-server':
    case 'not-found':
    case 'repository-not-found':
      return current === 'http' ? 'notary' : current;
    default:
      return current;
  }
}

export interface CheckOptions {
  /** The user's cancel: ends the check at once with a `cancelled` error (no outcome). */
  signal: AbortSignal;
  /** The check gives up after this long and names the step it was at. */
  deadlineMs: number;
  /** Told each step the check moves on to, to show it while waiting. */
  onStep?: (step: ConnectionStep) => void;
  /** Repositories whose rights the check asks the token service about (one token request each). */
  guns?: readonly string[];
}

/**
 * Whether a refused read of CHECK_GUN still proves the sign-in good. Nobody uses that name, so a token
 * service (Harbor's core) grants nothing for it, and the server refuses the read with that token:
 * - signed in (`access-denied`): the token service accepted the login;
 * - anonymous (`auth-required`): good only when the token service gave an anonymous token (Harbor
 *   does, for its public projects); one that refused to (401/403, a server that demands a sign-in)
 *   left no token, and the check fails at the token step.
 * Anything else (a wrong password, no token service and no credentials) is a failure.
 */
export function refusalProvesSignIn(code: ErrorCode, tokenGranted: boolean): boolean {
  if (code === 'access-denied') return true;
  return code === 'auth-required' && tokenGranted;
}

/** Checks a notary server step by step. Resolves with the outcome; rejects only when cancelled. */
export async function checkConnection(connections: Connections, server: Endpoint, options: CheckOptions): Promise<ConnectionOutcome> {
  const { signal, deadlineMs } = options;
  if (signal.aborted) throw new CountersignError('cancelled', 'the connection check was cancelled');
  const tracker = new StepTracker(new URL(server.url), options.onStep);
  const deadline = AbortSignal.timeout(deadlineMs);
  let close = (): void => undefined;
  try {
    // Inside the try: a CA that cannot be read is a failed check too, not an error of the call.
    const checked = connections.checkedNotary(server, (event) => tracker.observe(event));
    close = checked.close;
    const signIn = await probe(checked.notary, tracker, AbortSignal.any([signal, deadline]), options.guns ?? []);
    return { steps: tracker.outcome(), ...(signIn === undefined ? {} : { signIn }) };
  } catch (error) {
    if (signal.aborted) throw new CountersignError('cancelled', 'the connection check was cancelled', { cause: error });
    const timedOut = deadline.aborted;
    const info: ErrorInfo = timedOut ? { code: 'timeout', message: `no answer within ${Math.round(deadlineMs / 1000)} s` } : toErrorInfo(error);
    const step = timedOut ? tracker.current : failedStep(info.code, tracker.current);
    return { steps: tracker.outcome(step), failure: { step, error: info, timedOut } };
  } finally {
    close();
  }
}

async function probe(notary: NotaryClient, tracker: StepTracker, signal: AbortSignal, guns: readonly string[]): Promise<SignInReport | undefined> {
  await notary.health(signal);
  tracker.pass('notary');
  try {
    // 404 (no such repository) means reading is allowed; 401/403 surface as sign-in errors.
    await notary.fetcher(CHECK_GUN).fetch('root.json', 64 * 1024, signal);
  } catch (error) {
    // The sign-in is good, the rights are per repository (asked below).
    if (!(error instanceof CountersignError && refusalProvesSignIn(error.code, tracker.tokenGranted))) throw error;
  }
  tracker.pass('auth');
  const who = await notary.access(CHECK_GUN, signal);
  if (who === undefined) return undefined;
  // One token request per repository, side by side: they are independent, and all inside the deadline.
  const access = await Promise.all(
    guns.map(async (gun) => {
      const rights = await notary.access(gun, signal);
      return { gun, pull: rights?.pull ?? false, push: rights?.push ?? false };
    }),
  );
  return { ...(who.subject === undefined || who.subject === '' ? {} : { account: who.subject }), access };
}
