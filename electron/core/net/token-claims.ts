// What a bearer token says it grants: the subject and the `access` claim of the registry token
// specification. Read only to explain a refusal in words ("signed in as bob, who may pull but not
// push"); the servers verify tokens, we never rely on these claims for any decision.
import { z } from 'zod';
import { parseScope } from './scope';

const accessSchema = z.array(z.looseObject({ type: z.string(), name: z.string(), actions: z.array(z.string()) }));
const claimsSchema = z.looseObject({ sub: z.string().optional(), access: accessSchema.optional() });

export interface TokenGrant {
  subject?: string;
  access: { type: string; name: string; actions: string[] }[];
}

/** The claims of a JWT, or undefined for an opaque token (nothing to explain with). */
export function tokenGrant(token: string): TokenGrant | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = claimsSchema.safeParse(json);
  if (!parsed.success) return undefined;
  return { ...(parsed.data.sub ? { subject: parsed.data.sub } : {}), access: parsed.data.access ?? [] };
}

function words(actions: readonly string[]): string {
  return actions.map((action) => (action === '*' ? 'manage (delete, rotate server keys)' : action)).join(' or ');
}

/**
 * "signed in as bob, who may pull but not push to team/app": what the token held against what the
 * request needed. Undefined when the scope or the token says nothing we can put in words.
 */
export function describeMissingAccess(scope: string | undefined, grant: TokenGrant | undefined, account: string | undefined): string | undefined {
  const needed = scope === undefined ? undefined : parseScope(scope.split(' ')[0] ?? '');
  if (needed === undefined || grant === undefined) return undefined;
  const granted = new Set(grant.access.filter((a) => a.type === needed.type && a.name === needed.name).flatMap((a) => a.actions));
  const missing = granted.has('*') ? [] : needed.actions.filter((action) => !granted.has(action));
  if (missing.length === 0) return undefined;
  const who = account === undefined ? 'not signed in, and anonymous users may' : `signed in as ${grant.subject || account}, who may`;
  const held = [...granted].filter((action) => action !== '*');
  const may = held.length > 0 ? `${words(held)} but not ${words(missing)}` : `not ${words(missing)}`;
  const preposition = missing[0] === 'push' ? 'to' : missing[0] === 'pull' ? 'from' : 'in';
  return `${who} ${may} ${preposition} ${needed.name}`;
}
