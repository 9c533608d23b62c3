// A guarded docker-registry over the storage of a stack registry, with token authentication
// (auth.token) and the stack's token issuer: users may pull everything, anonymous users what lies
// under one prefix.
import type { Registry } from '../../../stack/registry';
import { guardRegistry } from '../../../stack/registry';
import { startTokenIssuer, tokenAuthOf } from '../../../stack/token-issuer';

export const TOKEN_SERVICE = 'countersign-test-registry';

export interface TokenAuthOptions {
  /** username -> password the token service accepts. */
  users: Record<string, string>;
  /** Refresh (identity) token -> the user it stands for. */
  refreshTokens?: Record<string, string>;
  /** Anonymous requests get pull access to repositories under this prefix only. */
  publicPrefix: string;
}

export interface TokenAuthRegistry {
  url: string;
  host: string;
  /** Token requests the service answered, in order (any status). */
  tokenRequests(): number;
  stop(): Promise<void>;
}

export async function startTokenAuthRegistry(registry: Registry, options: TokenAuthOptions): Promise<TokenAuthRegistry> {
  const users = Object.fromEntries(
    Object.entries(options.users).map(([name, password]) => [name, { password, rights: { '': ['pull'] }, catalog: true }]),
  );
  const issuer = await startTokenIssuer({
    ca: registry.ca,
    dir: registry.dir,
    users,
    anonymous: { [options.publicPrefix]: ['pull'] },
    ...(options.refreshTokens === undefined ? {} : { refreshTokens: options.refreshTokens }),
    lifetimeSeconds: 300,
  });
  try {
    const guarded = await guardRegistry(registry, { token: tokenAuthOf(issuer, TOKEN_SERVICE) });
    return {
      ...guarded,
      tokenRequests: () => issuer.requests().length,
      stop: async () => {
        await guarded.stop();
        await issuer.stop();
      },
    };
  } catch (error) {
    await issuer.stop();
    throw error;
  }
}
