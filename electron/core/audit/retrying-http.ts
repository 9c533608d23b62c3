// An HttpClient that asks again when a server is briefly overloaded. An audit makes thousands of
// requests; one 503 from a busy registry must not turn a repository into an error. Only reads are
// repeated (they change nothing), only on answers that mean "try later", and never past a cancel.
import { CountersignError, type ErrorCode } from '../../../shared/errors';
import { HttpClient, type HttpClientOptions, type HttpResponse, type RequestOptions } from '../net/http';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** The wait before the second try; it doubles for each further one, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 150, maxDelayMs: 2_000 };

/** Statuses that say the server is (briefly) unable to answer, not that the request is wrong. */
const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);
const RETRIED_FAILURES = new Set<ErrorCode>(['server-unreachable', 'timeout']);

export interface RetryingHttpClientOptions extends HttpClientOptions {
  retry?: Partial<RetryPolicy>;
}

export class RetryingHttpClient extends HttpClient {
  private readonly policy: RetryPolicy;

  constructor(options: RetryingHttpClientOptions = {}) {
    super(options);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  override async request(url: string | URL, options: RequestOptions): Promise<HttpResponse> {
    const method = options.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return super.request(url, options);
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.policy.attempts;
      let response: HttpResponse;
      try {
        response = await super.request(url, options);
      } catch (error) {
        if (last || !(error instanceof CountersignError) || !RETRIED_FAILURES.has(error.code)) throw error;
        await pause(this.delay(attempt), options.signal);
        continue;
      }
      if (last || !RETRIED_STATUSES.has(response.status)) return response;
      await pause(this.delay(attempt, response), options.signal);
    }
  }

  private delay(attempt: number, response?: HttpResponse): number {
    const backoff = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    // A server that says when to come back is believed, within our own ceiling.
    const retryAfter = Number(response?.headers['retry-after']);
    return Number.isFinite(retryAfter) && retryAfter >= 0 ? Math.min(this.policy.maxDelayMs, retryAfter * 1000) : backoff;
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CountersignError('cancelled', 'the request was cancelled while waiting to retry'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CountersignError('cancelled', 'the request was cancelled while waiting to retry'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
