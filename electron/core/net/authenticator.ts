// Answers 401 challenges (Bearer through a token realm, or Basic) and remembers what each origin asked
// for, so later requests carry the right Authorization from the start instead of collecting a 401 each.
import { CountersignError } from '../../../shared/errors';
import { abortable } from './abortable';
import { basicAuthorization, mayCarryCredentials } from './credential-policy';
import type { TokenGrant } from './token-claims';
import { TokenCache } from './token-cache';
import type { SendRaw } from './token-endpoint';
import { IDENTITY_TOKEN_USERNAME, type CredentialLookup, type Credentials } from './types';
import { parseChallenges, type Challenge } from './www-authenticate';

export interface Authorization {
  header: string;
  /** Set for bearer tokens, so that a token the server rejects can be dropped from the cache. */
  tokenKey?: string;
  /** Bearer tokens: the scope asked for and what the token says it grants, to explain a refusal. */
  scope?: string;
  grant?: TokenGrant;
}

// Scopes learnt per URL directory (…/manifests/, …/_trust/tuf/): bounded, because an audit visits
// thousands of repositories and the map only saves a round trip.
const MAX_REMEMBERED_DIRECTORIES = 10_000;

// The token endpoint and the claims are loaded when a server first asks for a sign-in: a run
// against a server that never does (a warm `inspect` of a lab server) does not evaluate their schemas.
const tokenEndpoint = () => import('./token-endpoint');
const tokenClaims = () => import('./token-claims');

function directoryOf(url: URL): string {
  return url.origin + url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1);
}

export class Authenticator {
  private readonly challengeByOrigin = new Map<string, Challenge>();
  private readonly scopeByDirectory = new Map<string, string>();
  private readonly tokens = new TokenCache();

  constructor(
    private readonly lookup: CredentialLookup | undefined,
    private readonly send: SendRaw,
  ) {}

  /** The Authorization a first attempt should carry, judged from earlier challenges of the same origin. */
  async preemptive(url: URL, authScope: string | undefined, signal: AbortSignal | undefined): Promise<Authorization | undefined> {
    const challenge = this.challengeByOrigin.get(url.origin);
    if (challenge === undefined) return undefined;
    if (challenge.scheme === 'basic') {
      const credentials = await this.basicCredentials(url, authScope);
      return credentials === undefined ? undefined : { header: basicAuthorization(credentials.username, credentials.password) };
    }
    const scope = authScope ?? this.scopeByDirectory.get(directoryOf(url));
    return scope === undefined ? undefined : this.bearer(url, challenge, scope, signal);
  }

  /**
   * What a token for `scope` would grant at this origin (subject and access), for a connection check
   * to say who is signed in and with which rights. Undefined when the origin asked for no bearer token
   * (no sign-in, or Basic), or has not been asked yet. A refused login throws, as for any request.
   */
  async grant(url: URL, scope: string, signal: AbortSignal | undefined): Promise<TokenGrant | undefined> {
    const challenge = this.challengeByOrigin.get(url.origin);
    if (challenge?.scheme !== 'bearer') return undefined;
    return (await this.bearer(url, challenge, scope, signal)).grant;
  }

  /**
   * The Authorization that answers a 401's challenge, or undefined when there is no challenge we speak.
   * `previous` is what the refused attempt carried: a refused token is dropped, refused Basic is final.
   */
  async answer(
    url: URL,
    header: string | string[] | undefined,
    previous: Authorization | undefined,
    signal: AbortSignal | undefined,
    authScope?: string,
  ): Promise<Authorization | undefined> {
    const challenges = parseChallenges(header);
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm !== undefined);
    if (bearer !== undefined) {
      this.learn(url, bearer);
      return this.bearer(url, bearer, bearer.params.scope, signal, previous);
    }
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (basic === undefined) return undefined;
    this.challengeByOrigin.set(url.origin, basic);
    if (previous !== undefined && previous.tokenKey === undefined) throw await this.rejection(url, previous, authScope);
    const credentials = await this.basicCredentials(url, authScope);
    if (credentials === undefined) throw await this.rejection(url, undefined, authScope);
    return { header: basicAuthorization(credentials.username, credentials.password) };
  }

  /**
   * The error for a request still refused after we answered the challenge. When the token says what
   * it grants, the error says what was missing ("signed in as bob, who may pull but not push to …").
   */
  async rejection(url: URL, refused?: Authorization, authScope?: string): Promise<CountersignError> {
    const scope = refused?.scope ?? authScope;
    const credentials = await this.credentialsFor(url, scope);
    const what = `${url.host} refused access to ${url.pathname}`;
    const { describeMissingAccess } = await tokenClaims();
    const missing = describeMissingAccess(scope, refused?.grant, credentials?.username === IDENTITY_TOKEN_USERNAME ? 'the identity token\'s user' : credentials?.username);
    if (credentials === undefined) {
      const reason = missing ?? 'it needs a login (or does not exist)';
      return new CountersignError('auth-required', `${what}: ${reason}; no credentials are stored for ${url.host} (docker login, countersign login, or NOTARY_AUTH)`);
    }
    return missing === undefined
      ? new CountersignError('auth-failed', `${what} with the credentials found for ${url.host}`)
      : new CountersignError('access-denied', `${what}: ${missing}`);
  }

  private learn(url: URL, challenge: Challenge): void {
    this.challengeByOrigin.set(url.origin, challenge);
    const scope = challenge.params.scope;
    if (scope === undefined) return;
    if (this.scopeByDirectory.size >= MAX_REMEMBERED_DIRECTORIES) this.scopeByDirectory.clear();
    this.scopeByDirectory.set(directoryOf(url), scope);
  }

  private async bearer(
    url: URL,
    challenge: Challenge,
    scope: string | undefined,
    signal: AbortSignal | undefined,
    refused?: Authorization,
  ): Promise<Authorization> {
    const credentials = await this.credentialsFor(url, scope);
    const { realm = '', service } = challenge.params;
    const tokenKey = TokenCache.key({ realm, service, scope, account: credentials?.username });
    // Only a token refused for the very scope it was issued for is dead; one that was merely the
    // wrong guess for this URL stays good for its own scope.
    if (refused?.tokenKey === tokenKey) await this.tokens.forget(tokenKey, refused.header.slice('Bearer '.length));
    // The token request is shared by every caller that needs it, so it must not die with one caller's signal.
    const shared = this.tokens.get(tokenKey, async () =>
      (await tokenEndpoint()).requestToken(this.send, { realm, service, scope, host: url.host, credentials, signal: undefined }),
    );
    const token = await abortable(shared, signal, `the token request for ${url.host}`);
    const grant = (await tokenClaims()).tokenGrant(token.value);
    return { header: `Bearer ${token.value}`, tokenKey, ...(scope === undefined ? {} : { scope }), ...(grant === undefined ? {} : { grant }) };
  }

  private async basicCredentials(url: URL, scope: string | undefined): Promise<Credentials | undefined> {
    const credentials = await this.credentialsFor(url, scope);
    if (credentials === undefined || credentials.username === IDENTITY_TOKEN_USERNAME) return undefined;
    if (!mayCarryCredentials(url)) {
      throw new CountersignError('auth-failed', `refusing to send the credentials for ${url.host} over plain http`);
    }
    return credentials;
  }

  private async credentialsFor(url: URL, scope: string | undefined): Promise<Credentials | undefined> {
    return this.lookup === undefined ? undefined : this.lookup(url.host, scope === undefined ? {} : { scope });
  }
}
