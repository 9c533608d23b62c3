// Where a sign-in comes from, in docker's order and then ours:
//   1. docker's config (credHelpers, credsStore, auths; identity tokens too). For a notary server
//      that is the entry of the registry host the GUN names: docker signs in to notary with the
//      registry's login (`docker login <notary host>` does not even work), then the notary host's own.
//   2. the sign-in configured for exactly this endpoint (the app's saved server and its password).
//   3. the keychain's sign-in for the host (`countersign login`), shared by the app and the CLI.
//   4. for notary servers, $NOTARY_AUTH (base64 of user:password), as the notary client reads it.
// Every source answers only for the endpoint's own host: credentials never follow a redirect.
import { CountersignError } from '../../../shared/errors';
import type { CredentialLookup, CredentialRequest, Credentials } from '../net/http';
import { repositoryOfScope } from '../net/scope';
import type { LoginStore } from './login-store';

import { NOTARY_AUTH_ENV } from './constants';
export { NOTARY_AUTH_ENV };

/** An endpoint's own sign-in: a user name and a password read when the server asks for it. */
export interface Account {
  /** Identifies the account among the clients kept for reuse (e.g. the saved server's id). */
  id: string;
  username: string;
  password(): Promise<string | undefined>;
}

/** $NOTARY_AUTH: base64 of "user:password", as `notary` reads it. */
export function notaryAuthFromEnv(env: NodeJS.ProcessEnv): Credentials | undefined {
  const value = env[NOTARY_AUTH_ENV];
  if (value === undefined || value === '') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new CountersignError('config-invalid', `${NOTARY_AUTH_ENV} must be base64 of user:password`);
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The registry host a GUN names ("localhost:5000/team/app" -> "localhost:5000"). */
export function registryHostOfGun(gun: string): string | undefined {
  const slash = gun.indexOf('/');
  return slash > 0 ? gun.slice(0, slash) : undefined;
}

export interface SourceOptions {
  /** Endpoint host ("host:port"): the only host any source answers for. */
  host: string;
  docker: CredentialLookup;
  account?: Account;
  logins?: LoginStore;
  env: NodeJS.ProcessEnv;
}

type Source = (request: CredentialRequest) => Promise<Credentials | undefined>;

function first(sources: readonly Source[], host: string): CredentialLookup {
  return async (asked, request = {}) => {
    if (asked.toLowerCase() !== host.toLowerCase()) return undefined;
    for (const source of sources) {
      const found = await source(request);
      if (found !== undefined) return found;
    }
    return undefined;
  };
}

function accountSource(account: Account | undefined): Source {
  return async () => {
    if (account === undefined) return undefined;
    const password = await account.password();
    return password === undefined ? undefined : { username: account.username, password };
  };
}

/** Read once per client: every token request asks, and a keychain call is a round trip to the OS. */
function keychainSource(logins: LoginStore | undefined, host: string): Source {
  let answer: Promise<Credentials | undefined> | undefined;
  const read = async (): Promise<Credentials | undefined> => {
    if (logins === undefined) return undefined;
    try {
      return await logins.get(host);
    } catch (error) {
      // No keychain on this machine (a CI runner) means no keychain sign-in, not a failed read:
      // the server's refusal then says that no credentials were found.
      if (error instanceof CountersignError && error.code === 'keychain-unavailable') return undefined;
      throw error;
    }
  };
  return () => {
    answer ??= read();
    return answer;
  };
}

export function notaryCredentials(options: SourceOptions): CredentialLookup {
  const { host, docker } = options;
  const ofGunRegistry: Source = async ({ scope }) => {
    const registry = registryHostOfGun(repositoryOfScope(scope) ?? '');
    return registry === undefined || registry.toLowerCase() === host.toLowerCase() ? undefined : docker(registry);
  };
  return first(
    [ofGunRegistry, () => docker(host), accountSource(options.account), keychainSource(options.logins, host), async () => notaryAuthFromEnv(options.env)],
    host,
  );
}

export function registryCredentials(options: SourceOptions): CredentialLookup {
  const { host, docker } = options;
  return first([() => docker(host), accountSource(options.account), keychainSource(options.logins, host)], host);
}
