// The verified view of a repository, kept beside its metadata so that a refresh which the signed
// timestamp proves unchanged is served without parsing and verifying every role again.
//
// Trust in it comes from two things: an HMAC-SHA256 over the view, its repository and the exact
// verified files it was built from (by hash), under a key that lives in the OS keychain, so a view
// edited or copied on disk is refused; and a window, the earliest expiry of every role and root
// certificate it rests on, outside which the full verification runs (and refuses what expired).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import type { RepositoryView } from '../../../shared/domain';
import { writeFileAtomic } from './atomic-file';
import { readSmallFile } from './small-files';

/** The MAC key, or undefined when there is none to be had (no keychain): then nothing is cached. */
export type ViewCacheKey = () => Promise<Uint8Array | undefined>;

export interface ViewBinding {
  /** Role -> sha256 (hex) of the verified file the view was built from: state.json's listing. */
  files: Record<string, string>;
  /** The view may be served only at or after this time (RFC 3339): when it was verified in full. */
  from: string;
  /** ... and before this one: the earliest expiry among its roles and root certificates. */
  until: string;
}

/** What a read gives: the view, and the text that was kept beside it, if any. */
export interface CachedView {
  view: RepositoryView;
  /** docker trust inspect's SignedTags of this view, as printed (trust/docker-inspect.ts). */
  signedTagsJson?: string;
}

/** What the file holds first: everything but the tag rows, which only some readers need. */
interface ViewHead {
  binding: ViewBinding;
  view: Omit<RepositoryView, 'signedTags' | 'unpulledTags' | 'trustAnchor'>;
  unpulled: boolean;
}
type ViewRows = Pick<RepositoryView, 'signedTags' | 'unpulledTags'>;

// v2: the file of three parts below (v1 was a view.json beside a view.mac); a file of another layout
// never authenticates as this one.
const MAC_CONTEXT = 'countersign verified view v2';

/**
 * One file: the MAC (hex) on the first line, then the view's head, its tag rows and the text kept
 * beside it, a line each (JSON.stringify without indentation writes no raw newline). One file is one
 * read and one atomic write: a crash leaves the old file or the new one, each with its own MAC.
 * The rows are parsed only when a reader asks for them: `countersign inspect` prints the kept text
 * instead, and a repository of 10,000 tags is then served without parsing 10,000 rows.
 */
const FILE_NAME = 'view.cache';
const MAC_HEX_LENGTH = 64;
const NEWLINE = 0x0a;

export class ViewCache {
  private readonly path: string;
  private authenticated: Promise<Buffer | undefined> | undefined;

  /** `dir` is the repository's cache folder (MetadataCache.dir); `server` and `gun` are bound into the MAC. */
  constructor(dir: string, private readonly server: string, private readonly gun: string, private readonly key: ViewCacheKey) {
    this.path = join(dir, FILE_NAME);
  }

  /**
   * The cached view when its MAC is good, it was built from exactly `files`, and `now` is inside
   * its window; otherwise undefined (and the caller verifies in full).
   */
  async read(files: Record<string, string>, now: Date): Promise<CachedView | undefined> {
    const body = await this.prefetch();
    if (body === undefined) return undefined;
    // Past the MAC, the file is what write() wrote: three lines.
    const headEnd = body.indexOf(NEWLINE);
    const rowsEnd = body.indexOf(NEWLINE, headEnd + 1);
    if (headEnd < 0 || rowsEnd < 0) return undefined;
    const { binding, view: head, unpulled } = JSON.parse(body.toString('utf8', 0, headEnd)) as ViewHead;
    if (!sameListing(binding.files, files)) return undefined;
    const time = now.getTime();
    if (!(time >= Date.parse(binding.from) && time < Date.parse(binding.until))) return undefined;
    if (head.gun !== this.gun || head.server !== this.server) return undefined;
    const view = withRowsOnDemand(head, () => JSON.parse(body.toString('utf8', headEnd + 1, rowsEnd)) as ViewRows, unpulled);
    const text = body.toString('utf8', rowsEnd + 1);
    return text === '' ? { view } : { view, signedTagsJson: text };
  }

  /**
   * Starts reading the file and the key and checking the MAC, so that this is done by the time
   * read() is called (e.g. while the timestamp is still on its way): the bytes after the MAC line
   * when the MAC is good, else undefined. What they say is read() to judge.
   */
  prefetch(): Promise<Buffer | undefined> {
    this.authenticated ??= Promise.all([readSmallFile(this.path).catch(() => undefined), this.key().catch(() => undefined)]).then(([bytes, key]) =>
      bytes === undefined || !key ? undefined : this.authenticate(bytes, key),
    );
    return this.authenticated;
  }

  private authenticate(bytes: Buffer, key: Uint8Array): Buffer | undefined {
    if (bytes.length <= MAC_HEX_LENGTH || bytes[MAC_HEX_LENGTH] !== NEWLINE) return undefined;
    const body = bytes.subarray(MAC_HEX_LENGTH + 1);
    const given = Buffer.from(bytes.toString('latin1', 0, MAC_HEX_LENGTH), 'hex');
    const expected = this.mac(key, body);
    return given.length === expected.length && timingSafeEqual(given, expected) ? body : undefined;
  }

  /**
   * Remembers a view verified in full, and `signedTagsJson` beside it when given. Never fails the
   * refresh: a cache that cannot be written is no cache.
   */
  async write(view: RepositoryView, binding: ViewBinding, signedTagsJson = ''): Promise<void> {
    try {
      const key = await this.key();
      if (!key) return;
      // The anchor is not kept: it can change without the server's data changing (acknowledged, or
      // no longer a first use), so a served view gets it as it is then (load-repository.ts).
      const { signedTags, unpulledTags, trustAnchor: _anchor, ...rest } = view;
      const head: ViewHead = { binding, view: rest, unpulled: unpulledTags !== undefined };
      const rows: ViewRows = unpulledTags === undefined ? { signedTags } : { signedTags, unpulledTags };
      // Encoded part by part: one 3 MB string made of them would be flattened before it is encoded.
      const body = [JSON.stringify(head), '\n', JSON.stringify(rows), '\n', signedTagsJson].map((part) => Buffer.from(part));
      const file = Buffer.concat([Buffer.from(`${this.mac(key, ...body).toString('hex')}\n`, 'latin1'), ...body]);
      await writeFileAtomic(this.path, file, 0o644, { durable: false });
    } catch {
      // e.g. a read-only home: the next refresh verifies in full, which is always correct.
    }
  }

  /** The MAC of the bytes that follow the MAC line, given whole or in their parts. */
  private mac(key: Uint8Array, ...body: Uint8Array[]): Buffer {
    const hmac = createHmac('sha256', key).update(`${MAC_CONTEXT}\n${this.server}\n${this.gun}\n`);
    for (const part of body) hmac.update(part);
    return hmac.digest();
  }
}

/**
 * The view with its tag rows parsed on first use (from bytes the MAC already covered). Reading a row
 * property parses them all once; setting one replaces it, as on any object.
 */
function withRowsOnDemand(head: ViewHead['view'], parseRows: () => ViewRows, unpulled: boolean): RepositoryView {
  const view = head as RepositoryView;
  let rows: ViewRows | undefined;
  const names: (keyof ViewRows)[] = unpulled ? ['signedTags', 'unpulledTags'] : ['signedTags'];
  for (const name of names) {
    Object.defineProperty(view, name, {
      enumerable: true,
      configurable: true,
      get: () => (rows ??= parseRows())[name],
      set: (value: unknown) => Object.defineProperty(view, name, { value, enumerable: true, configurable: true, writable: true }),
    });
  }
  return view;
}

function sameListing(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

/**
 * A view-cache key kept in a secret store (the OS keychain): made on first use, 32 random bytes.
 * Read once per process. A store that cannot be reached gives no key, so nothing is cached.
 */
export function storedViewCacheKey(store: { get(account: string): Promise<string | null>; set(account: string, secret: string): Promise<void> }): ViewCacheKey {
  let key: Promise<Uint8Array | undefined> | undefined;
  const fetchKey = async (): Promise<Uint8Array | undefined> => {
    try {
      const existing = await store.get(VIEW_CACHE_KEY_ACCOUNT);
      if (existing !== null && /^[0-9a-f]{64}$/.test(existing)) return Buffer.from(existing, 'hex');
      const made = randomBytes(32).toString('hex');
      await store.set(VIEW_CACHE_KEY_ACCOUNT, made);
      return Buffer.from(made, 'hex');
    } catch {
      return undefined;
    }
  };
  return () => (key ??= fetchKey());
}

export const VIEW_CACHE_KEY_ACCOUNT = 'verified-view-cache-key';
/** A keychain service of its own: the vault's service lists keys only. */
export const VIEW_CACHE_SERVICE = 'countersign-cache';
