// The non-secret half of the vault: which keys exist, for which role and GUN, where they came from.
// It lives in the settings store (electron-store in the app, `conf` — its engine — in the CLI and
// tests) under one entry, validated on every read because the file can be edited by hand.
import Conf from 'conf';
import { z } from 'zod';
import { CountersignError } from '../../../shared/errors';

/** The part of electron-store's and conf's API the index needs. */
export interface KeyValueBackend {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

const ENTRY = 'keys';
const KEY_ID = /^[0-9a-f]{64}$/;

const rootCertificateSchema = z.object({
  gun: z.string(),
  /** The ID root.json lists for this certificate (differs from the key's canonical ID). */
  keyId: z.string().regex(KEY_ID),
  /** base64 of the PEM certificate, as in root.json's keyval.public. */
  certificate: z.string(),
  notAfter: z.string(),
});

export const keyRecordSchema = z.object({
  /** Canonical key ID: the bare public key's ID, as `notary key list` shows and key files are named. */
  id: z.string().regex(KEY_ID),
  keytype: z.enum(['ecdsa', 'ed25519', 'rsa']),
  /** base64 of the bare public key as TUF writes it (SPKI DER, or raw 32 bytes for ed25519). */
  publicKey: z.string().min(1),
  role: z.string().min(1),
  gun: z.string().min(1).optional(),
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

export class KeyIndex {
  constructor(private readonly backend: KeyValueBackend) {}

  all(): KeyRecord[] {
    const raw = this.backend.get(ENTRY);
    if (raw === undefined) return [];
    const parsed = indexSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CountersignError('config-invalid', `The key index is not valid (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'unknown problem'}). The keys themselves are still in the keychain.`);
    }
    return parsed.data;
  }

  find(id: string): KeyRecord | undefined {
    return this.all().find((record) => record.id === id);
  }

  get(id: string): KeyRecord {
    const record = this.find(id);
    if (record === undefined) throw new CountersignError('key-not-found', `No key ${id} in the vault.`);
    return record;
  }

  /** Reads, changes and writes the whole index in one step; an invalid result is never written. */
  update(change: (records: Map<string, KeyRecord>) => void): void {
    const records = new Map(this.all().map((record) => [record.id, record]));
    change(records);
    const next = indexSchema.parse([...records.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)));
    this.backend.set(ENTRY, next);
  }
}

/**
 * A conf store in the Countersign home dir: the same file ("settings.json") the app opens with
 * electron-store. Owner-only, and never silently cleared when it cannot be read.
 */
export function confBackend(homeDir: string, configName = 'settings'): KeyValueBackend {
  const unreadable = (cause: unknown) =>
    new CountersignError('config-invalid', `Cannot read ${configName}.json in ${homeDir}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
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
