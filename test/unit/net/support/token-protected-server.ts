// A small registry-shaped server guarded by bearer tokens, with its own token service (realm) on a
// second server, like a registry and its auth server. It records what it was sent.
import type http from 'node:http';
import { readBody, startServer, type RunningServer } from './servers';
import type { KeyPair } from './tls-fixture';

export interface TokenServiceOptions {
  /** username -> password accepted with Basic auth at the realm. */
  users?: Record<string, string>;
  /** Refresh tokens accepted by the OAuth2 POST flow. */
  refreshTokens?: string[];
  /** Whether anonymous token requests get a (pull-only, public-only) token. */
  anonymous?: boolean;
  /** Field name of the token in the realm's answer. */
  tokenField?: 'token' | 'access_token';
  /**
   * Issue JWT-shaped tokens whose claims say who signed in and what each user may do (actions of
   * every scope asked for, cut down to these), as Harbor's core does. Default: opaque tokens.
   */
  jwtRights?: Record<string, readonly string[]>;
  /** The token service is down behind its proxy: every token request gets this status (e.g. 503). */
  unavailable?: number;
}

export interface RecordedTokenRequest {
  method: string;
  query: URLSearchParams;
  authorization: string | undefined;
  form: URLSearchParams;
}

export interface TokenProtectedRegistry {
  registry: RunningServer;
  realm: RunningServer;
  tokenRequests: RecordedTokenRequest[];
  /** Authorization headers the registry saw, in order. */
  registryAuthorizations: Array<string | undefined>;
  /** Makes every token issued so far invalid, as a token service restart would. */
  revokeTokens(): void;
  close(): Promise<void>;
}

interface Grant {
  account: string | undefined;
  scopes: string[];
}

function repositoryOf(url: string): string {
  return new URL(url, 'http://x').pathname.split('/')[2] ?? '';
}

function basicCredentials(header: string | undefined): [string, string] | undefined {
  if (header === undefined || !header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

export async function startTokenProtectedRegistry(tls: KeyPair, options: TokenServiceOptions = {}): Promise<TokenProtectedRegistry> {
  const grants = new Map<string, Grant>();
  const tokenRequests: RecordedTokenRequest[] = [];
  const registryAuthorizations: Array<string | undefined> = [];
  let issued = 0;

  /** header.claims.signature, the claims in base64url JSON (the signature is not checked by clients). */
  const jwt = (grant: Grant): string => {
    const may = new Set(options.jwtRights?.[grant.account ?? ''] ?? []);
    const access = grant.scopes.map((scope) => {
      const [type = '', ...rest] = scope.split(':');
      const actions = (rest.pop() ?? '').split(',');
      return { type, name: rest.join(':'), actions: actions.filter((action) => may.has(action)) };
    });
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${encode({ alg: 'none' })}.${encode({ sub: grant.account ?? '', access })}.${++issued}`;
  };

  const issue = (response: http.ServerResponse, grant: Grant): void => {
    const token = options.jwtRights === undefined ? `token-${++issued}` : jwt(grant);
    grants.set(token, grant);
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ [options.tokenField ?? 'token']: token, expires_in: 300 }));
  };

  const realm = await startServer((request, response) => {
    void readBody(request).then((body) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const form = new URLSearchParams(request.method === 'POST' ? body : '');
      tokenRequests.push({ method: request.method ?? '', query: url.searchParams, authorization: request.headers.authorization, form });
      if (options.unavailable !== undefined) return response.writeHead(options.unavailable, { 'content-type': 'text/html' }).end('<html>Service Unavailable</html>');
      if (request.method === 'POST') {
        const refresh = form.get('refresh_token') ?? '';
        if (!(options.refreshTokens ?? []).includes(refresh)) return response.writeHead(401).end();
        return issue(response, { account: `refresh:${refresh}`, scopes: (form.get('scope') ?? '').split(' ') });
      }
      const login = basicCredentials(request.headers.authorization);
      if (login === undefined && options.anonymous !== true) return response.writeHead(401).end();
      if (login !== undefined && options.users?.[login[0]] !== login[1]) return response.writeHead(401).end();
      issue(response, { account: login?.[0], scopes: url.searchParams.getAll('scope') });
    });
  }, tls);

  const registry = await startServer((request, response) => {
    registryAuthorizations.push(request.headers.authorization);
    const repository = repositoryOf(request.url ?? '/');
    const scope = `repository:${repository}:pull`;
    const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
    const grant = grants.get(token);
    const allowed = grant !== undefined && grant.scopes.includes(scope) && (!repository.startsWith('private') || grant.account !== undefined);
    if (!allowed) {
      response.setHeader('www-authenticate', `Bearer realm="${realm.origin}/token",service="test-registry",scope="${scope}"`);
      return response.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    }
    response.end(`content of ${request.url}`);
  }, tls);

  return {
    registry,
    realm,
    tokenRequests,
    registryAuthorizations,
    revokeTokens: () => grants.clear(),
    close: async () => {
      await registry.close();
      await realm.close();
    },
  };
}
