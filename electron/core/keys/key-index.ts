// The non-secret half of the vault: which keys exist, for which role and GUN, where they came from.
// It lives in <home>/keys.json, validated on every read because the file can be edited by hand, and
// is changed only by the vault's transactions (vault-transaction.ts), under the vault lock.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Conf from 'conf';
import { z } from 'zod';
import { CountersignError } from '../../../shared/errors';
import { isKeyRoleName, isValidGun, KEY_ID_PATTERN } from '../../../shared/names';
import { writeFileAtomic } from '../state/atomic-file';
import { fileSystemError } from '../state/fs-errors';

/** The part of electron-store's and conf's API the index needs. */
export interface KeyValueBackend {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** Where versions before keys.json kept the index: the settings store's "keys" entry. */
const LEGACY_ENTRY = 'keys';

const rootCertificateSchema = z.object({
  gun: z.string(),
  /** The ID root.json lists for this certificate (differs from the key's canonical ID). */
  keyId: z.string().regex(KEY_ID_PATTERN),
  /** base64 of the PEM certificate, as in root.json's keyval.public. */
  certificate: z.string(),
  notAfter: z.string(),
});

export const keyRecordSchema = z.object({
  /** Canonical key ID: the bare public key's ID, as `notary key list` shows and key files are named. */
  id: z.string().regex(KEY_ID_PATTERN),
  keytype: z.enum(['ecdsa', 'ed25519', 'rsa']),
  /** base64 of the bare public key as TUF writes it (SPKI DER, or raw 32 bytes for ed25519). */
  publicKey: z.string().min(1),
  role: z.string().min(1).refine(isKeyRoleName, 'a role name without control characters or ".."'),
  gun: z.string().min(1).refine(isValidGun, 'a GUN').optional(),
  label: z.string().optional(),
  createdAt: z.string(),
  origin: z.enum(['generated', 'imported']),
  /** The file an imported key was read from. */
  importedFrom: z.string().optional(),
  /** 'offline': exported to offlineFile and removed from the keychain (an offline root key). */
  location: z.enum(['keychain', 'offline']),
  offlineFile: z.string().optional(),
  /** Root keys: the certificates made for them, one per GUN. */
  certificates: z.array(rootCertificateSchema).optional(),
});

export type KeyRecord = z.infer<typeof keyRecordSchema>;
export type RootCertificateRecord = z.infer<typeof rootCertificateSchema>;

const indexSchema = z.array(keyRecordSchema);

/** The index's own file in the home: written whole and atomically, only under the vault lock. */
export const INDEX_FILE = 'keys.json';
const FORMAT = 'countersign-key-index';
const indexFileSchema = z.object({ format: z.literal(FORMAT), version: z.literal(1), keys: indexSchema });

/**
 * The key index of one home. Earlier versions kept it as the "keys" entry of settings.json, which the
 * app's settings writes rewrite whole: a settings change in the app could drop a key the CLI had just
 * indexed. It now has its own file; the settings entry is read once, when keys.json does not exist
 * yet (the migration), and never written again.
 */
export class KeyIndex {
  readonly file: string;

  constructor(
    readonly homeDir: string,
    private readonly legacy?: KeyValueBackend,
  ) {
    this.file = join(homeDir, INDEX_FILE);
  }

  async all(): Promise<KeyRecord[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.legacyRecords();
      throw fileSystemError(error, this.file);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw invalid(`${this.file} is not JSON`);
    }
    const parsed = indexFileSchema.safeParse(json);
    if (!parsed.success) throw invalid(describeIssue(this.file, parsed.error.issues[0]));
    return parsed.data.keys;
  }

  async find(id: string): Promise<KeyRecord | undefined> {
    return (await this.all()).find((record) => record.id === id);
  }

  async get(id: string): Promise<KeyRecord> {
    const record = await this.find(id);
    if (record === undefined) throw new CountersignError('key-not-found', `No key ${id} in the vault.`);
    return record;
  }

  /** Writes the whole index atomically (temp file, fsync, rename). Call only while holding the vault lock. */
  async write(records: Iterable<KeyRecord>): Promise<void> {
    const keys = indexSchema.parse([...records].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)));
    await writeFileAtomic(this.file, `${JSON.stringify({ format: FORMAT, version: 1, keys }, null, 2)}\n`, 0o600);
  }

  private legacyRecords(): KeyRecord[] {
    const raw = this.legacy?.get(LEGACY_ENTRY);
    if (raw === undefined) return [];
    const parsed = indexSchema.safeParse(raw);
    if (!parsed.success) throw invalid(describeIssue('the "keys" entry of settings.json', parsed.error.issues[0]));
    return parsed.data;
  }
}

function invalid(detail: string): CountersignError {
  return new CountersignError('config-invalid', `The key index is not valid (${detail}). The keys themselves are still in the keychain.`);
}

function describeIssue(where: string, issue: { path: readonly PropertyKey[]; message: string } | undefined): string {
  return `${where}: ${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'unknown problem'}`;
}

/**
 * A conf store in the Countersign home dir: the same file ("settings.json") the app opens with
 * electron-store. Owner-only, and never silently cleared when it cannot be read.
 */
export function confBackend(homeDir: string, configName = 'settings'): KeyValueBackend {
  const unreadable = (cause: unknown) => {
    // A full disk, a read-only home or a permission problem says so, rather than "cannot read".
    const mapped = fileSystemError(cause, join(homeDir, `${configName}.json`));
    if (mapped instanceof CountersignError) return mapped;
    return new CountersignError('config-invalid', `Cannot read ${configName}.json in ${homeDir}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  };
  const guarded = <T>(operation: () => T): T => {
    try {
      return operation();
    } catch (cause) {
      throw unreadable(cause);
    }
  };
  // conf reads the file on every access, so a CLI run and the app see each other's changes.
  const store = guarded(() => new Conf<Record<string, unknown>>({ cwd: homeDir, configName, clearInvalidConfig: false, configFileMode: 0o600 }));
  return {
    get: (key) => guarded(() => store.get(key)),
    set: (key, value) => guarded(() => store.set(key, value)),
  };
}
