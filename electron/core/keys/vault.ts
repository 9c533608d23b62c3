// The key vault: private keys in the OS keychain, a non-secret index beside them, and every way in
// and out that notary and docker users need. Private key material stays inside this module: callers
// get records (public facts) and Signers (a sign function), never the key.
//
// Invariants:
// - A key is in the keychain before the index names it; a failed operation removes what it added
//   (nothing half-imported).
// - A key leaves the keychain only after a copy that was read back and decrypted exists (offline).
// - Nothing here writes a private key to disk unencrypted.
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { CountersignError, type ErrorInfo } from '../../../shared/errors';
import { certificateInfo, createRootCertificateKey, type RootCertificateOptions } from '../crypto/certificate';
import { encodeEncryptedPrivateKey, readPrivateKeyBlocks, decryptPrivateKeyBlock, roleHasGun } from '../crypto/key-file';
import { certificatePemOf, keyId } from '../crypto/key-id';
import { generatePrivateKey, publicKeyOf, signWith } from '../crypto/private-key';
import type { KeyAlgorithm, PrivateKeyMaterial, Signature, TufPublicKey } from '../crypto/types';
import { writeFileAtomic } from '../state/atomic-file';
import { confBackend, KeyIndex, type KeyRecord, type KeyValueBackend } from './key-index';
import { keyCandidatesOfFile, keyFilesOfTrustDir, type KeyCandidate } from './key-sources';
import type { PassphraseProvider } from './passphrase';
import { keychainSecretStore, type SecretStore } from './secret-store';
import { decodeStoredKey, encodeStoredKey } from './stored-key';
import { UnlockSession } from './unlock';

/** notary's role for imported keys that name none (notary.DefaultImportRole). */
export const DEFAULT_IMPORT_ROLE = 'delegation';

export interface GenerateOptions {
  role: string;
  /** The repository: required for targets and snapshot keys; for a root key, the certificate's CN. */
  gun?: string;
  algorithm?: KeyAlgorithm;
  label?: string;
}

export interface ImportOptions {
  /** Used for keys whose file names no role (notary: --role); default "delegation". */
  role?: string;
  /** Used for targets/snapshot keys whose file names no GUN (notary: --gun). */
  gun?: string;
  /** Tried first on encrypted keys; the PassphraseProvider is asked when it does not fit. */
  passphrase?: string;
  signal?: AbortSignal;
  progress?: (event: { done: number; total: number; file: string }) => void;
}

export interface ImportReport {
  imported: KeyRecord[];
  /** Keys that were not imported and why (e.g. key-exists when re-importing a trust dir). */
  skipped: { file: string; id?: string; reason: ErrorInfo }[];
}

/** Signs in this process with a key from the keychain; the key itself is not reachable from it. */
export interface Signer {
  readonly id: string;
  readonly role: string;
  /** The bare public key (for root keys, certificateKey gives the x509 form root.json lists). */
  readonly publicKey: TufPublicKey;
  sign(data: Uint8Array): Signature;
  /** A new self-signed certificate for `gun` around this key, as `notary init` makes for root. */
  certificateKey(gun: string, options?: RootCertificateOptions): TufPublicKey;
}

export interface KeyVaultOptions {
  secrets: SecretStore;
  index: KeyIndex;
  passphrases: PassphraseProvider;
  now?: () => Date;
}

interface PreparedKey {
  record: KeyRecord;
  secret: string;
}

export class KeyVault {
  private readonly secrets: SecretStore;
  private readonly index: KeyIndex;
  private readonly passphrases: PassphraseProvider;
  private readonly now: () => Date;

  constructor(options: KeyVaultOptions) {
    this.secrets = options.secrets;
    this.index = options.index;
    this.passphrases = options.passphrases;
    this.now = options.now ?? (() => new Date());
  }

  async list(): Promise<KeyRecord[]> {
    return this.index.all();
  }

  /** A key by its full ID or an unambiguous prefix (as `notary key list` shows them). */
  async get(idOrPrefix: string): Promise<KeyRecord> {
    return this.index.get(this.resolveId(idOrPrefix));
  }

  async generate(options: GenerateOptions): Promise<KeyRecord> {
    const algorithm = options.algorithm ?? 'ecdsa';
    if (options.role === 'root' && algorithm !== 'ecdsa') {
      throw new CountersignError('key-unsupported', 'Root keys must be ECDSA: notary puts root keys in x509 certificates, which cannot hold ed25519 keys.');
    }
    const material = generatePrivateKey(algorithm);
    const record = this.newRecord(material, options.role, options.gun, { origin: 'generated', label: options.label });
    if (options.role === 'root' && options.gun !== undefined) {
      record.certificates = [certificateRecord(createRootCertificateKey(material, options.gun, { notBefore: this.now() }), options.gun)];
    }
    await this.store([{ record, secret: encodeStoredKey(material) }]);
    return record;
  }

  /** Imports every key in the given files, all or nothing; a key already in the vault is an error. */
  async importFiles(files: readonly string[], options: ImportOptions = {}): Promise<ImportReport> {
    const candidates: KeyCandidate[] = [];
    for (const file of files) candidates.push(...(await keyCandidatesOfFile(resolvePath(file))));
    return this.importCandidates(candidates, options, 'refuse-existing');
  }

  /**
   * Imports a whole notary/docker trust dir (or its private/ folder), all or nothing. Keys already
   * in the vault are skipped, so importing the same dir again is harmless.
   */
  async importTrustDir(dir: string, options: ImportOptions = {}): Promise<ImportReport> {
    const candidates: KeyCandidate[] = [];
    for (const { file, legacy } of await keyFilesOfTrustDir(resolvePath(dir))) candidates.push(...(await keyCandidatesOfFile(file, legacy)));
    return this.importCandidates(candidates, options, 'skip-existing');
  }

  /**
   * The keys as one PEM bundle that `notary key import` and `docker trust key load` accept:
   * encrypted PKCS#8 (PBKDF2-HMAC-SHA1, AES-256-CBC) with role, gun and path headers.
   */
  async exportKeys(ids: readonly string[], options: { passphrase?: string } = {}): Promise<string> {
    if (ids.length === 0) throw new CountersignError('invalid-input', 'Name at least one key to export.');
    const records = ids.map((id) => this.index.get(this.resolveId(id)));
    const materials: PrivateKeyMaterial[] = [];
    for (const record of records) materials.push(await this.loadMaterial(record));
    const passphrase = options.passphrase ?? (await this.newPassphrase(records.length === 1 ? records[0] : undefined));
    return records.map((record, i) => encodeEncryptedPrivateKey(materials[i]!, passphrase, { role: record.role, gun: record.gun, path: record.id })).join('');
  }

  /**
   * Moves a key (typically root) out of the keychain into an encrypted file. The file is written,
   * read back and decrypted before the keychain copy is deleted.
   */
  async takeOffline(idOrPrefix: string, file: string, options: { passphrase?: string } = {}): Promise<KeyRecord> {
    const record = this.index.get(this.resolveId(idOrPrefix));
    if (record.location === 'offline') throw new CountersignError('invalid-input', `Key ${record.id} is already offline (in ${record.offlineFile ?? 'a file'}).`);
    const material = await this.loadMaterial(record);
    const passphrase = options.passphrase ?? (await this.newPassphrase(record, file));
    const text = encodeEncryptedPrivateKey(material, passphrase, { role: record.role, gun: record.gun, path: record.id });
    const path = resolvePath(file);
    await writeFileAtomic(path, text, 0o600);
    const [written] = readPrivateKeyBlocks(await readFile(path, 'utf8'));
    if (written === undefined || keyId(publicKeyOf(decryptPrivateKeyBlock(written, passphrase))) !== record.id) {
      throw new CountersignError('internal', `The offline copy in ${path} could not be read back; the key stays in the keychain.`);
    }
    const offline: KeyRecord = { ...record, location: 'offline', offlineFile: path };
    this.index.update((records) => void records.set(record.id, offline));
    try {
      await this.secrets.delete(record.id);
    } catch (error) {
      this.index.update((records) => void records.set(record.id, record));
      throw error;
    }
    return offline;
  }

  /** Brings an offline key back into the keychain, from its file (or another copy). */
  async bringOnline(idOrPrefix: string, options: { file?: string; passphrase?: string } = {}): Promise<KeyRecord> {
    const record = this.index.get(this.resolveId(idOrPrefix));
    if (record.location === 'keychain') throw new CountersignError('invalid-input', `Key ${record.id} is already in the keychain.`);
    const file = options.file ?? record.offlineFile;
    if (file === undefined) throw new CountersignError('invalid-input', `Where is the offline copy of key ${record.id}? Name its file.`);
    const candidates = await keyCandidatesOfFile(resolvePath(file));
    const session = new UnlockSession(this.passphrases, options.passphrase);
    const ordered = [...candidates.filter((c) => c.claimedId === record.id), ...candidates.filter((c) => c.claimedId !== record.id)];
    for (const candidate of ordered) {
      const material = await session.unlock(candidate);
      if (keyId(publicKeyOf(material)) !== record.id) continue;
      const online: KeyRecord = { ...record, location: 'keychain' };
      await this.store([{ record: online, secret: encodeStoredKey(material) }], { replaceRecords: true });
      return online;
    }
    throw new CountersignError('key-not-found', `${file} does not hold key ${record.id}.`);
  }

  /** Deletes a key from the keychain and the index. Callers warn first if published metadata trusts it. */
  async remove(idOrPrefix: string): Promise<void> {
    const id = this.resolveId(idOrPrefix, { allowUnindexed: true });
    const record = this.index.find(id);
    const deleted = record?.location === 'offline' ? false : await this.secrets.delete(id);
    if (record === undefined && !deleted) throw new CountersignError('key-not-found', `No key ${id} in the vault.`);
    this.index.update((records) => void records.delete(id));
  }

  async setLabel(idOrPrefix: string, label: string | undefined): Promise<KeyRecord> {
    const record = this.index.get(this.resolveId(idOrPrefix));
    const labelled: KeyRecord = { ...record };
    if (label === undefined || label.trim() === '') delete labelled.label;
    else labelled.label = label.trim();
    this.index.update((records) => void records.set(record.id, labelled));
    return labelled;
  }

  async getSigner(idOrPrefix: string): Promise<Signer> {
    const record = this.index.get(this.resolveId(idOrPrefix));
    const material = await this.loadMaterial(record);
    return Object.freeze({
      id: record.id,
      role: record.role,
      publicKey: publicKeyOf(material),
      sign: (data: Uint8Array) => signWith(material, data),
      certificateKey: (gun: string, options?: RootCertificateOptions) => createRootCertificateKey(material, gun, options),
    });
  }

  // ---- internals ----

  private async importCandidates(candidates: KeyCandidate[], options: ImportOptions, existing: 'refuse-existing' | 'skip-existing'): Promise<ImportReport> {
    const session = new UnlockSession(this.passphrases, options.passphrase);
    const known = new Set(this.index.all().map((record) => record.id));
    const prepared = new Map<string, PreparedKey>();
    const skipped: ImportReport['skipped'] = [];
    for (const [done, candidate] of candidates.entries()) {
      if (options.signal?.aborted) throw new CountersignError('cancelled', 'The import was cancelled; nothing was imported.');
      options.progress?.({ done, total: candidates.length, file: candidate.file });
      const material = await session.unlock(candidate);
      const id = keyId(publicKeyOf(material));
      if (candidate.claimedId !== undefined && candidate.claimedId !== id) {
        throw new CountersignError('key-id-mismatch', `${candidate.file} is named for key ${candidate.claimedId} but holds key ${id}; nothing was imported.`);
      }
      if (known.has(id)) {
        const reason = new CountersignError('key-exists', `Key ${id} is already in the vault.`);
        if (existing === 'refuse-existing') throw reason;
        skipped.push({ file: candidate.file, id, reason: reason.toInfo() });
        continue;
      }
      if (prepared.has(id)) continue;
      const record = this.newRecord(material, candidate.role ?? options.role ?? DEFAULT_IMPORT_ROLE, candidate.gun ?? options.gun, {
        origin: 'imported',
        importedFrom: candidate.file,
      });
      prepared.set(id, { record, secret: encodeStoredKey(material) });
    }
    options.progress?.({ done: candidates.length, total: candidates.length, file: '' });
    const records = [...prepared.values()];
    await this.store(records);
    return { imported: records.map((p) => p.record), skipped };
  }

  /** Keychain first, then the index; on any failure the keychain entries this call created go again. */
  private async store(keys: PreparedKey[], options: { replaceRecords?: boolean } = {}): Promise<void> {
    const created: string[] = [];
    try {
      for (const { record, secret } of keys) {
        const before = await this.secrets.get(record.id);
        await this.secrets.set(record.id, secret);
        if (before === null) created.push(record.id);
      }
      this.index.update((records) => {
        for (const { record } of keys) {
          if (records.has(record.id) && !options.replaceRecords) throw new CountersignError('key-exists', `Key ${record.id} is already in the vault.`);
          records.set(record.id, record);
        }
      });
    } catch (error) {
      await Promise.allSettled(created.map((id) => this.secrets.delete(id)));
      throw error;
    }
  }

  private newRecord(
    material: PrivateKeyMaterial,
    role: string,
    gun: string | undefined,
    facts: { origin: KeyRecord['origin']; label?: string; importedFrom?: string },
  ): KeyRecord {
    const publicKey = publicKeyOf(material);
    if (role.trim() === '') throw new CountersignError('invalid-input', 'A key needs a role.');
    const record: KeyRecord = {
      id: keyId(publicKey),
      keytype: material.algorithm,
      publicKey: publicKey.keyval.public,
      role,
      createdAt: this.now().toISOString(),
      origin: facts.origin,
      location: 'keychain',
    };
    // notary files targets and snapshot keys under their repository and drops the GUN of others.
    if (roleHasGun(role)) {
      if (gun === undefined || gun === '') throw new CountersignError('invalid-input', `A ${role} key belongs to one repository: give its GUN.`);
      record.gun = gun;
    }
    if (facts.label !== undefined && facts.label.trim() !== '') record.label = facts.label.trim();
    if (facts.importedFrom !== undefined) record.importedFrom = facts.importedFrom;
    return record;
  }

  private async loadMaterial(record: KeyRecord): Promise<PrivateKeyMaterial> {
    if (record.location === 'offline') {
      throw new CountersignError('key-not-found', `Key ${record.id} (${record.role}) is offline in ${record.offlineFile ?? 'a file'}; bring it back into the keychain first.`);
    }
    const secret = await this.secrets.get(record.id);
    if (secret === null) throw new CountersignError('key-not-found', `The keychain no longer holds key ${record.id} (${record.role}).`);
    const material = decodeStoredKey(secret, record.id);
    if (keyId(publicKeyOf(material)) !== record.id) throw new CountersignError('internal', `The keychain entry for key ${record.id} holds another key.`);
    return material;
  }

  private async newPassphrase(record?: KeyRecord, file?: string): Promise<string> {
    const passphrase = await this.passphrases.passphrase({ kind: 'new', keyId: record?.id, role: record?.role, gun: record?.gun, file, attempt: 1 });
    if (passphrase === undefined || passphrase === '') throw new CountersignError('passphrase-required', 'Exported keys are always encrypted: a passphrase is needed.');
    return passphrase;
  }

  private resolveId(idOrPrefix: string, options: { allowUnindexed?: boolean } = {}): string {
    const wanted = idOrPrefix.trim().toLowerCase();
    if (!/^[0-9a-f]{1,64}$/.test(wanted)) throw new CountersignError('invalid-input', `"${idOrPrefix}" is not a key ID.`);
    const matches = this.index.all().filter((record) => record.id.startsWith(wanted));
    if (matches.length === 1) return matches[0]!.id;
    if (matches.length > 1) throw new CountersignError('invalid-input', `"${idOrPrefix}" matches ${matches.length} keys; give more of the ID.`);
    if (options.allowUnindexed && wanted.length === 64) return wanted;
    throw new CountersignError('key-not-found', `No key ${idOrPrefix} in the vault.`);
  }
}

function certificateRecord(key: TufPublicKey, gun: string): NonNullable<KeyRecord['certificates']>[number] {
  return { gun, keyId: keyId(key), certificate: key.keyval.public, notAfter: certificateInfo(certificatePemOf(key)).notAfter.toISOString() };
}

/** The vault as the CLI and the app open it: OS keychain, index in the home dir's settings store. */
export function openKeyVault(options: {
  homeDir: string;
  passphrases: PassphraseProvider;
  backend?: KeyValueBackend;
  secrets?: SecretStore;
}): KeyVault {
  return new KeyVault({
    secrets: options.secrets ?? keychainSecretStore(),
    index: new KeyIndex(options.backend ?? confBackend(options.homeDir)),
    passphrases: options.passphrases,
  });
}
