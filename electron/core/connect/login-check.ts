// `countersign login`'s check, as `docker login` makes it: GET /v2/ with exactly the credentials
// given (and no others), so that only a sign-in the server accepted is kept in the keychain.
import { CountersignError } from '../../../shared/errors';
import { HttpClient, type Credentials } from '../net/http';
import { registryOrigin } from '../registry/registry-client';
import { loginHost } from './login-store';
import { trustedCertificates, type TlsRootOptions } from './tls-roots';

export interface LoginCheck extends TlsRootOptions {
  /** A CA the user named, beside docker's for the host. */
  caPem?: string;
  signal?: AbortSignal;
}

/** "notary.example.com:4443" or a URL -> the https origin to sign in to. */
export function loginOrigin(server: string): string {
  return registryOrigin(server).origin;
}

/** Resolves when the server accepts the credentials; throws auth-failed (or the connection's error) when not. */
export async function checkLogin(server: string, credentials: Credentials, options: LoginCheck): Promise<void> {
  const origin = loginOrigin(server);
  const host = loginHost(server);
  // Notary servers and registries share the docker tls/ directory; certs.d/ adds the registry's CAs.
  const ca = trustedCertificates('registry', host, options.caPem, options);
  const http = new HttpClient({ ...(ca === undefined ? {} : { ca }), credentials: async (asked) => (asked === host ? credentials : undefined) });
  try {
    let response;
    try {
      response = await http.request(`${origin}/v2/`, { maxBytes: 64 * 1024, ...(options.signal ? { signal: options.signal } : {}) });
    } catch (error) {
      // The token service accepted the login and issued a token; the server only wants more rights
      // at /v2/ than this user has (notary-server asks registry:catalog:*). The sign-in is good.
      if (error instanceof CountersignError && error.code === 'access-denied') return;
      throw error;
    }
    if (response.status === 401 || response.status === 403) {
      throw new CountersignError('auth-failed', `${host} refused the sign-in of ${credentials.username} (HTTP ${response.status})`);
    }
    if (response.status !== 200) {
      throw new CountersignError('http-status', `${origin}/v2/ answered ${response.status}: neither a registry nor a notary server answered there`);
    }
  } finally {
    http.close();
  }
}
