// The scope grammar of the registry token specification ("repository:host/team/app:push,pull"),
// apart from the token claims: credential lookups read it, while the claims and the token
// endpoint (authenticator.ts loads them on first use) matter only once a server asks for a sign-in.
export interface ScopeParts {
  type: string;
  name: string;
  actions: string[];
}

/** "repository:host/team/app:push,pull" -> its parts (names may hold colons: a port). */
export function parseScope(scope: string): ScopeParts | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last <= first) return undefined;
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',').filter(Boolean) };
}

/** The repository a scope (or the first of several, space-separated) is about. */
export function repositoryOfScope(scope: string | undefined): string | undefined {
  for (const one of (scope ?? '').split(' ')) {
    const parts = parseScope(one);
    if (parts?.type === 'repository') return parts.name;
  }
  return undefined;
}
