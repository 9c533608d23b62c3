// HTTP client of a notary server's TUF endpoints (/v2/<GUN>/_trust/tuf/...). It knows URLs and
// status codes; what the bytes mean is the TUF layer's business.
import { CountersignError } from '../../../shared/errors';
import type { HttpClient, HttpResponse } from '../net/http';
import type { MetadataFetcher } from '../tuf/updater';

export class NotaryClient {
  readonly serverUrl: string;

  constructor(serverUrl: string, private readonly http: HttpClient) {
    const url = new URL(serverUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new CountersignError('invalid-input', `notary server URL must be https://…, got ${serverUrl}`);
    }
    this.serverUrl = url.origin + url.pathname.replace(/\/+$/, '');
  }

  tufUrl(gun: string, name: string): string {
    return `${this.serverUrl}/v2/${gun}/_trust/tuf/${name}`;
  }

  /** Reads one repository's metadata files; a 404 is "no such file", anything else unexpected is an error. */
  fetcher(gun: string): MetadataFetcher {
    return {
      fetch: async (name, maxBytes, signal) => {
        const response = await this.http.request(this.tufUrl(gun, name), {
          maxBytes,
          ...(signal ? { signal } : {}),
          authScope: `repository:${gun}:pull`,
        });
        if (response.status === 404) return null;
        expectOk(response, `GET ${name}`);
        return new Uint8Array(response.body);
      },
    };
  }

  /** GET /_notary_server/health: a cheap "is this a notary server and do we trust its TLS". */
  async health(signal?: AbortSignal): Promise<void> {
    const response = await this.http.request(`${this.serverUrl}/_notary_server/health`, { maxBytes: 64 * 1024, ...(signal ? { signal } : {}) });
    expectOk(response, 'health check');
  }
}

export function expectOk(response: HttpResponse, what: string): void {
  if (response.status >= 200 && response.status < 300) return;
  if (response.status === 401) throw new CountersignError('auth-required', `${what}: the server asks to sign in (401)`);
  if (response.status === 403) throw new CountersignError('auth-failed', `${what}: the server refused access (403)`);
  const detail = response.body.subarray(0, 300).toString('utf8').trim();
  throw new CountersignError('http-status', `${what}: the server answered ${response.status}${detail ? `: ${detail}` : ''}`);
}
