// The compromised key, as a person gives it: the 64-digit ID, or the 12 characters every screen shows
// (docker trust inspect shows them too), resolved against the keys Countersign knows of.
export interface KnownKey {
  id: string;
  /** Who holds it: signer names, roles, "in this keychain". */
  names: string[];
}

export type KeyIdResolution =
  | { kind: 'empty' }
  | { kind: 'resolved'; id: string; key?: KnownKey }
  | { kind: 'ambiguous'; matches: KnownKey[] }
  | { kind: 'unknown'; message: string }
  | { kind: 'invalid'; message: string };

export function resolveKeyId(text: string, known: readonly KnownKey[]): KeyIdResolution {
  const wanted = text.trim().toLowerCase();
  if (wanted === '') return { kind: 'empty' };
  if (!/^[0-9a-f]+$/.test(wanted) || wanted.length > 64) return { kind: 'invalid', message: 'A key ID is made of hex digits (0-9, a-f), 64 at most.' };
  const matches = known.filter((k) => k.id.startsWith(wanted));
  if (wanted.length === 64) {
    const key = matches[0];
    return key === undefined ? { kind: 'resolved', id: wanted } : { kind: 'resolved', id: wanted, key };
  }
  if (matches.length === 1) return { kind: 'resolved', id: matches[0]!.id, key: matches[0]! };
  if (matches.length > 1) return { kind: 'ambiguous', matches };
  return {
    kind: 'unknown',
    message: `No key of the chosen repositories or of this keychain starts with ${wanted}. Choose the repositories first, or paste the full 64-digit ID.`,
  };
}

/** Every key ID the given sources name, each once, with everyone who holds it. */
export function knownKeys(sources: readonly { id: string; name: string }[]): KnownKey[] {
  const byId = new Map<string, KnownKey>();
  for (const { id, name } of sources) {
    const entry = byId.get(id) ?? { id, names: [] };
    if (!entry.names.includes(name)) entry.names.push(name);
    byId.set(id, entry);
  }
  return [...byId.values()];
}
