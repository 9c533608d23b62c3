// Bearer tokens per realm + service + scope (+ account), reused until shortly before they expire.
// Concurrent requests that need the same token share one token request instead of stampeding the realm.
import type { BearerToken } from './token-endpoint';

interface Entry {
  token: Promise<BearerToken>;
  /** Known once the token arrived; until then the entry is an in-flight request. */
  reuseUntil?: number;
}

export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  static key(parts: { realm: string; service?: string; scope?: string; account?: string }): string {
    return JSON.stringify([parts.realm, parts.service ?? '', parts.scope ?? '', parts.account ?? '']);
  }

  get(key: string, fetch: () => Promise<BearerToken>, now = Date.now()): Promise<BearerToken> {
    const cached = this.entries.get(key);
    if (cached !== undefined && (cached.reuseUntil === undefined || cached.reuseUntil > now)) return cached.token;
    const entry: Entry = { token: fetch() };
    this.entries.set(key, entry);
    entry.token.then(
      (token) => {
        entry.reuseUntil = token.reuseUntil;
      },
      () => {
        // A failed request is not remembered: the next caller asks again.
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.token;
  }

  /** Drops a token the server no longer accepts, unless a newer one has replaced it meanwhile. */
  async forget(key: string, value: string): Promise<void> {
    const cached = this.entries.get(key);
    if (cached === undefined || cached.reuseUntil === undefined) return;
    if ((await cached.token).value === value && this.entries.get(key) === cached) this.entries.delete(key);
  }
}
