// The key vault: private keys in the OS keychain, a non-secret index beside them, and every way in
// and out that notary and docker users need. Private key material stays inside this module: callers
// get records (public facts) and Signers (a sign function), never the key.
//
// Invariants:
// - Every change runs as a transaction under the home's vault lock (vault-transaction.ts): the app
//   and CLI processes never lose each other's index updates, and a crash is rolled forward next time.
// - A key is in the keychain before the index names it; a failed operation removes only the keychain
//   entries it created itself (nothing half-imported, nothing of another operation's deleted).
// - Importing a key the vault holds changes nothing and says so.
// - A key leaves the keychain only after a copy that was read back and decrypted exists (offline).
// - Keychain entries are this home's own (home-keychain.ts): another home's keys are never touched.
// - Nothing here writes a private key to disk unencrypted.
import { readFile } from 'node:fs/promises';
import { CountersignError, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { isKeyIdPrefix, isKeyRoleName, isValidGun } from '../../../shared/names';
import { truncateForMessage } from '../../../shared/visible-text';
import { certificateInfo, createRootCertificateKey, type RootCertificateOptions } from '../crypto/certificate';
import { encodeEncryptedPrivateKey, readPrivateKeyBlocks, decryptPrivateKeyBlock, roleHasGun } from '../crypto/key-file';
import { certificatePemOf, keyId } from '../crypto/key-id';
import { privateKeyToPkcs8 } from '../crypto/pkcs8';
import { generatePrivateKey, publicKeyOf, signWith } from '../crypto/private-key';
import type { KeyAlgorithm, PrivateKeyMaterial, Signature, TufPublicKey } from '../crypto/types';
import { decryptCosignKey, encryptCosignKey } from '../migrate/cosign-private-key';
import { writeFileAtomic } from '../state/atomic-file';
import { checkLocalPath, isInsideFolder } from '../state/local-path';
import { homeKeychain, type HomeKeychain, type OtherHome } from './home-keychain';
import { confBackend, KeyIndex, type KeyRecord, type KeyValueBackend } from './key-index';
import { alreadyPresent, findKeys, NOT_CHOSEN, outcomeOf, unlockChosen, type KeyChoice, type KeyImportOutcome, type KeyScan, type KeySource } from './key-import';
import { keyCandidatesOfFile, keyFilesOfTrustDir, type KeyCandidate } from './key-sources';
import type { PassphraseProvider } from './passphrase';
import { keychainSecretStore, type SecretStore } from './secret-store';
import { decodeStoredKey, encodeStoredKey } from './stored-key';
import { UnlockSession } from './unlock';
import { holdsKey, VaultTransactions, type RecoveryEvent } from './vault-transaction';

export type { RecoveryEvent } from './vault-transaction';

/** notary's role for imported keys that name none (notary.DefaultImportRole). */
export const DEFAULT_IMPORT_ROLE = 'delegation';

export interface GenerateOptions {
  role: string;
  /** The repository: required for targets and snapshot keys; for a root key, the certificate's CN. */
  gun?: string;
  algorithm?: KeyAlgorithm;
  label?: string;
  /** Cancels before the key reaches the keychain (while waiting for the vault, too); once it is there, the generate completes. */
  signal?: AbortSignal;
}

export interface ImportOptions {
  /** Used for keys whose file names no role (notary: --role); default "delegation". */
  role?: string;
  /** Used for targets/snapshot keys whose file names no GUN (notary: --gun). */
  gun?: string;
  /** Tried first on encrypted keys; the PassphraseProvider is asked when it does not fit. */
  passphrase?: string;
  /** Several to try on every key (docker uses one for root keys and one for repository keys). */
  passphrases?: readonly string[];
  signal?: AbortSignal;
  progress?: (event: { done: number; total: number; file: string }) => void;
}

export interface ImportReport {
  imported: KeyRecord[];
  /** Keys (and unreadable folders) that were not imported and why: key-exists for a key already here. */
  skipped: { file: string; id?: string; reason: ErrorInfo }[];
}

export interface RemoveReport {
  id: string;
  /** Other homes that still hold or list this key (their copies stay). */
  otherHomes: OtherHome[];
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
  /** This home's own view of the keychain (see home-keychain.ts). */
  secrets: HomeKeychain;
  index: KeyIndex;
  passphrases: PassphraseProvider;
  now?: () => Date;
  /** Told what a recovery after a crash found and did (the CLI prints it, the app logs it). */
  onRecovery?: (events: readonly RecoveryEvent[]) => void;
  /** How long to wait for another process holding the vault (default 30 s). */
  lockWaitMs?: number;
}

interface PreparedKey {
  record: KeyRecord;
  secret: string;
  file?: string;
}

export class KeyVault {
  private readonly secrets: HomeKeychain;
  private readonly index: KeyIndex;
  private readonly passphrases: PassphraseProvider;
  private readonly now: () => Date;
  private readonly transactions: VaultTransactions;

  constructor(options: KeyVaultOptions) {
    this.secrets = options.secrets;
    this.index = options.index;
    this.passphrases = options.passphrases;
    this.now = options.now ?? (() => new Date());
    this.transactions = new VaultTransactions(options.index, options.secrets, options.onRecovery, options.lockWaitMs);
  }

  /** The keys of this home. Finishes an interrupted operation first, when the keychain can be reached. */
  async list(): Promise<KeyRecord[]> {
    await this.recover().catch((error: unknown) => {
      if (!(error instanceof CountersignError && error.code === 'keychain-unavailable')) throw error;
    });
    return this.index.all();
  }

  /** Rolls an interrupted operation forward and compares keychain and index; what it found, in words. */
  async recover(): Promise<RecoveryEvent[]> {
    return this.transactions.recover();
  }

  /** Other Countersign homes that hold or list this key (read-only; their copies are theirs). */
  otherHomesWith(id: string): Promise<OtherHome[]> {
    return this.secrets.otherHomesWith(id);
  }

  /** A key by its full ID or an unambiguous prefix (as `notary key list` shows them). */
  async get(idOrPrefix: string): Promise<KeyRecord> {
    return recordOf(await this.index.all(), idOrPrefix);
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
    await this.store('generate', [{ record, secret: encodeStoredKey(material, record) }], { existing: 'refuse', ...(options.signal === undefined ? {} : { signal: options.signal }) });
    return record;
  }

  /** Imports every key in the given files, all or nothing; a key already in the vault is skipped and reported. */
  async importFiles(files: readonly string[], options: ImportOptions = {}): Promise<ImportReport> {
    const candidates: KeyCandidate[] = [];
    for (const file of files) candidates.push(...(await keyCandidatesOfFile(checkLocalPath(file, 'key file'))));
    return this.importCandidates(candidates, options, []);
  }

  /**
   * Imports a whole notary/docker trust dir (or its private/ folder), all or nothing. Keys already
   * in the vault are skipped, so importing the same dir again is harmless; unreadable subfolders
   * are reported and the rest imported.
   */
  async importTrustDir(dir: string, options: ImportOptions = {}): Promise<ImportReport> {
    const candidates: KeyCandidate[] = [];
    const unreadable: { path: string; reason: ErrorInfo }[] = [];
    for (const { file, legacy } of await keyFilesOfTrustDir(checkLocalPath(dir, 'trust folder'), unreadable)) {
      throwIfCancelled(options.signal);
      try {
        candidates.push(...(await keyCandidatesOfFile(file, legacy)));
      } catch (error) {
        unreadable.push({ path: file, reason: toErrorInfo(error) });
      }
    }
    return this.importCandidates(candidates, options, unreadable.map((u) => ({ file: u.path, reason: u.reason })));
  }

  /**
   * What a trust dir or key files hold, key by key, without a passphrase: IDs (when the file names
   * them or they are not encrypted), roles, GUNs, whether each is encrypted and whether the vault has
   * it already. Unreadable files are rows with their error. Nothing is changed.
   */
  async scanKeys(source: KeySource, options: { signal?: AbortSignal } = {}): Promise<KeyScan> {
    const present = await this.presentIds();
    const found = await findKeys(source, (id) => present.has(id), options.signal);
    return { keys: found.map((key) => key.scanned) };
  }

  /**
   * Imports the chosen keys of a source, each with its own passphrases; never all or nothing. Every
   * key found gets an outcome: imported, skipped (not chosen, or no passphrase), already present,
   * wrong passphrase, or unreadable with its code. The keys that could be unlocked are stored in
   * one vault transaction (a keychain failure there still fails the whole call, and leaves nothing).
   */
  async importChosen(
    source: KeySource,
    choices: readonly KeyChoice[],
    options: Pick<ImportOptions, 'signal' | 'progress'> & { defaults?: { role?: string | undefined; gun?: string | undefined } } = {},
  ): Promise<KeyImportOutcome[]> {
    const present = await this.presentIds();
    const found = await findKeys(source, (id) => present.has(id), options.signal);
    const chosen = new Map(choices.map((choice) => [choice.entry, choice]));
    const outcomes: KeyImportOutcome[] = [];
    const prepared: { key: PreparedKey; at: number }[] = [];
    for (const [done, key] of found.entries()) {
      throwIfCancelled(options.signal);
      options.progress?.({ done, total: found.length, file: key.scanned.file });
      const { scanned } = key;
      const choice = chosen.get(scanned.entry);
      if (scanned.problem !== undefined) outcomes.push(outcomeOf(scanned, 'unreadable', scanned.problem));
      else if (scanned.present) outcomes.push(outcomeOf(scanned, 'already-present', alreadyPresent(scanned.keyId ?? scanned.entry)));
      else if (choice === undefined) outcomes.push(outcomeOf(scanned, 'skipped', NOT_CHOSEN));
      else {
        const unlocked = await unlockChosen(key, choice, this.passphrases);
        if ('outcome' in unlocked) {
          outcomes.push(unlocked.outcome);
          continue;
        }
        const id = keyId(publicKeyOf(unlocked.material));
        if (scanned.keyId !== undefined && scanned.keyId !== id) {
          outcomes.push(outcomeOf(scanned, 'unreadable', { code: 'key-id-mismatch', message: `${scanned.file} is named for key ${scanned.keyId} but holds key ${id}; it was not imported.` }));
        } else if (present.has(id) || prepared.some((p) => p.key.record.id === id)) {
          outcomes.push(outcomeOf(scanned, 'already-present', alreadyPresent(id), id));
        } else {
          try {
            const record = this.newRecord(unlocked.material, scanned.role ?? options.defaults?.role ?? DEFAULT_IMPORT_ROLE, scanned.gun ?? options.defaults?.gun, { origin: 'imported', importedFrom: scanned.file });
            prepared.push({ key: { record, secret: encodeStoredKey(unlocked.material, record), file: scanned.file }, at: outcomes.length });
            outcomes.push(outcomeOf(scanned, 'imported', undefined, id));
          } catch (error) {
            outcomes.push(outcomeOf(scanned, 'unreadable', toErrorInfo(error), id));
          }
        }
      }
    }
    throwIfCancelled(options.signal);
    options.progress?.({ done: found.length, total: found.length, file: '' });
    if (prepared.length > 0) {
      // Another process may have imported one of them meanwhile: the transaction says which.
      const { existing } = await this.store('import', prepared.map((p) => p.key), { existing: 'skip', signal: options.signal });
      for (const { key, at } of prepared) {
        if (existing.includes(key)) outcomes[at] = { ...outcomes[at]!, status: 'already-present', reason: alreadyPresent(key.record.id) };
      }
    }
    return outcomes;
  }

  /**
   * The keys as one PEM bundle that `notary key import` and `docker trust key load` accept:
   * encrypted PKCS#8 (PBKDF2-HMAC-SHA1, AES-256-CBC) with role, gun and path headers.
   */
  async exportKeys(ids: readonly string[], options: { passphrase?: string } = {}): Promise<string> {
    if (ids.length === 0) throw new CountersignError('invalid-input', 'Name at least one key to export.');
    const all = await this.index.all();
    const records = ids.map((id) => recordOf(all, id));
    const materials: PrivateKeyMaterial[] = [];
    for (const record of records) materials.push(await this.loadMaterial(record));
    const passphrase = options.passphrase ?? (await this.newPassphrase(records.length === 1 ? records[0] : undefined));
    return records.map((record, i) => encodeEncryptedPrivateKey(materials[i]!, passphrase, { role: record.role, gun: record.gun, path: record.id })).join('');
  }

  /**
   * The key as `cosign.key`, which `cosign sign --key` reads (scrypt + NaCl secretbox; see
   * migrate/cosign-private-key.ts): ECDSA P-256 keys only, always under a passphrase. The text is
   * decrypted again before it is handed out, so a file CI will depend on is known to open.
   */
  async exportCosignKey(idOrPrefix: string, options: { passphrase?: string } = {}): Promise<string> {
    const record = await this.get(idOrPrefix);
    // Said before the keychain or the passphrase prompt is touched: nothing else can become a cosign key here.
    if (record.keytype !== 'ecdsa') throw new CountersignError('key-unsupported', `Key ${record.id} is a ${record.keytype} key; cosign keys here are ECDSA P-256.`);
    const material = await this.loadMaterial(record);
    const passphrase = options.passphrase ?? (await this.newPassphrase(record));
    const text = encryptCosignKey(privateKeyToPkcs8(material), passphrase);
    if (keyId(publicKeyOf(decryptCosignKey(text, passphrase))) !== record.id) {
      throw new CountersignError('internal', `The cosign key written for ${record.id} does not open to the same key; nothing was exported.`);
    }
    return text;
  }

  /**
   * Moves a key (typically root) out of the keychain into an encrypted file. The file is written,
   * read back and decrypted before the keychain copy is deleted.
   */
  async takeOffline(idOrPrefix: string, file: string, options: { passphrase?: string } = {}): Promise<KeyRecord> {
    const path = checkLocalPath(file, 'offline key file');
    // Refused, not only warned about: a copy beside the vault's own data is not offline at all.
    if (isInsideFolder(path, this.index.homeDir)) {
      throw new CountersignError(
        'offline-path-inside-app-data',
        `${path} is inside Countersign's data folder (${this.index.homeDir}); an offline key must be kept apart from it. Choose a file elsewhere, e.g. on a USB stick or in your Documents.`,
      );
    }
    const first = await this.get(idOrPrefix);
    if (first.location === 'offline') throw new CountersignError('invalid-input', `Key ${first.id} is already offline (in ${first.offlineFile ?? 'a file'}).`);
    const passphrase = options.passphrase ?? (await this.newPassphrase(first, path));
    return this.transactions.run(async (tx) => {
      const record = tx.records.get(first.id);
      if (record === undefined) throw new CountersignError('key-not-found', `Key ${first.id} was removed meanwhile.`);
      if (record.location === 'offline') throw new CountersignError('invalid-input', `Key ${record.id} is already offline (in ${record.offlineFile ?? 'a file'}).`);
      const material = await this.loadMaterial(record);
      const text = encodeEncryptedPrivateKey(material, passphrase, { role: record.role, gun: record.gun, path: record.id });
      await writeFileAtomic(path, text, 0o600);
      const [written] = readPrivateKeyBlocks(await readFile(path, 'utf8'));
      if (written === undefined || keyId(publicKeyOf(decryptPrivateKeyBlock(written, passphrase))) !== record.id) {
        throw new CountersignError('internal', `The offline copy in ${path} could not be read back; the key stays in the keychain.`);
      }
      const offline: KeyRecord = { ...record, location: 'offline', offlineFile: path };
      await tx.intend({ operation: 'take-offline', put: [offline], drop: [], deleteSecrets: [record.id] });
      tx.records.set(record.id, offline);
      await tx.commit();
      try {
        await this.secrets.delete(record.id);
      } catch (error) {
        tx.records.set(record.id, record);
        await tx.commit();
        throw error;
      }
      return offline;
    });
  }

  /** Brings an offline key back into the keychain, from its file (or another copy). */
  async bringOnline(idOrPrefix: string, options: { file?: string; passphrase?: string } = {}): Promise<KeyRecord> {
    const record = await this.get(idOrPrefix);
    if (record.location === 'keychain') throw new CountersignError('invalid-input', `Key ${record.id} is already in the keychain.`);
    const file = options.file ?? record.offlineFile;
    if (file === undefined) throw new CountersignError('invalid-input', `Where is the offline copy of key ${record.id}? Name its file.`);
    const candidates = await keyCandidatesOfFile(checkLocalPath(file, 'key file'));
    const session = new UnlockSession(this.passphrases, options.passphrase);
    const ordered = [...candidates.filter((c) => c.claimedId === record.id), ...candidates.filter((c) => c.claimedId !== record.id)];
    for (const candidate of ordered) {
      const material = await session.unlock(candidate);
      if (keyId(publicKeyOf(material)) !== record.id) continue;
      const online: KeyRecord = { ...record, location: 'keychain' };
      delete online.offlineFile;
      await this.store('bring-online', [{ record: online, secret: encodeStoredKey(material, online) }], { existing: 'replace' });
      return online;
    }
    throw new CountersignError('key-not-found', `${file} does not hold key ${record.id}.`);
  }

  /**
   * Deletes a key from this home's keychain entries and index. Other homes keep their own copies;
   * the report names them. Callers warn first if published metadata trusts it.
   */
  async remove(idOrPrefix: string, options: { signal?: AbortSignal } = {}): Promise<RemoveReport> {
    return this.transactions.run(async (tx) => {
      throwIfCancelled(options.signal, 'remove');
      const id = resolveId([...tx.records.values()], idOrPrefix, { allowUnindexed: true });
      const record = tx.records.get(id);
      const held = record?.location !== 'offline' && (await this.secrets.get(id)) !== null;
      const otherHomes = await this.secrets.otherHomesWith(id);
      const legacy = otherHomes.length === 0 && (await this.secrets.legacy(id)) !== null;
      if (record === undefined && !held && !legacy) throw new CountersignError('key-not-found', `No key ${id} in the vault.`);
      await tx.intend({ operation: 'remove', put: [], drop: [id], deleteSecrets: held ? [id] : [] });
      if (held) await this.secrets.delete(id);
      // The entry an earlier version shared between homes goes only when no other home lists the key.
      if (legacy) await this.secrets.deleteLegacy(id);
      tx.records.delete(id);
      await tx.commit();
      return { id, otherHomes };
    }, options.signal);
  }

  async setLabel(idOrPrefix: string, label: string | undefined): Promise<KeyRecord> {
    return this.transactions.run(async (tx) => {
      const labelled: KeyRecord = { ...recordOf([...tx.records.values()], idOrPrefix) };
      if (label === undefined || label.trim() === '') delete labelled.label;
      else labelled.label = label.trim();
      tx.records.set(labelled.id, labelled);
      await tx.commit();
      return labelled;
    });
  }

  async getSigner(idOrPrefix: string): Promise<Signer> {
    const record = await this.get(idOrPrefix);
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

  /** IDs the vault lists (in the keychain or offline), after finishing an interrupted operation. */
  private async presentIds(): Promise<Set<string>> {
    return new Set((await this.list()).map((record) => record.id));
  }

  private async importCandidates(candidates: KeyCandidate[], options: ImportOptions, skipped: ImportReport['skipped']): Promise<ImportReport> {
    const session = new UnlockSession(this.passphrases, [...(options.passphrase === undefined ? [] : [options.passphrase]), ...(options.passphrases ?? [])]);
    const prepared = new Map<string, PreparedKey>();
    for (const [done, candidate] of candidates.entries()) {
      throwIfCancelled(options.signal);
      options.progress?.({ done, total: candidates.length, file: candidate.file });
      const material = await session.unlock(candidate);
      const id = keyId(publicKeyOf(material));
      if (candidate.claimedId !== undefined && candidate.claimedId !== id) {
        throw new CountersignError('key-id-mismatch', `${candidate.file} is named for key ${candidate.claimedId} but holds key ${id}; nothing was imported.`);
      }
      if (prepared.has(id)) continue;
      const record = this.newRecord(material, candidate.role ?? options.role ?? DEFAULT_IMPORT_ROLE, candidate.gun ?? options.gun, {
        origin: 'imported',
        importedFrom: candidate.file,
      });
      prepared.set(id, { record, secret: encodeStoredKey(material, record), file: candidate.file });
    }
    throwIfCancelled(options.signal);
    options.progress?.({ done: candidates.length, total: candidates.length, file: '' });
    const { stored, existing } = await this.store('import', [...prepared.values()], { existing: 'skip', signal: options.signal });
    for (const key of existing) {
      skipped.push({ file: key.file ?? '', id: key.record.id, reason: { code: 'key-exists', message: `Key ${key.record.id} is already in the vault; nothing changed.` } });
    }
    return { imported: stored.map((p) => p.record), skipped };
  }

  /**
   * Keychain first, then the index, in one transaction. Keys the index already lists are refused
   * ('refuse'), left as they are ('skip') or replaced ('replace', bringing a key online). On any
   * failure, exactly the keychain entries this call created are deleted again.
   */
  private async store(
    operation: string,
    keys: PreparedKey[],
    options: { existing: 'refuse' | 'skip' | 'replace'; signal?: AbortSignal },
  ): Promise<{ stored: PreparedKey[]; existing: PreparedKey[] }> {
    return this.transactions.run(async (tx) => {
      const existing = options.existing === 'replace' ? [] : keys.filter((key) => tx.records.has(key.record.id));
      if (existing.length > 0 && options.existing === 'refuse') throw new CountersignError('key-exists', `Key ${existing[0]!.record.id} is already in the vault.`);
      const fresh = keys.filter((key) => !existing.includes(key));
      if (fresh.length === 0) return { stored: [], existing };
      await tx.intend({ operation, put: fresh.map((key) => key.record), drop: [], deleteSecrets: [] });
      const created: string[] = [];
      try {
        for (const { record, secret } of fresh) {
          throwIfCancelled(options.signal, operation);
          const before = await this.secrets.get(record.id);
          // An entry nobody indexes that holds this very key (left by a crash) is reused, not "created".
          if (before !== null && holdsKey(before, record.id) && options.existing !== 'replace') continue;
          await this.secrets.set(record.id, secret);
          if (before === null) created.push(record.id);
        }
        for (const { record } of fresh) tx.records.set(record.id, record);
        await tx.commit();
        await this.secrets.register();
      } catch (error) {
        await Promise.allSettled(created.map((id) => this.secrets.delete(id)));
        throw error;
      }
      return { stored: fresh, existing };
    }, options.signal);
  }

  private newRecord(
    material: PrivateKeyMaterial,
    role: string,
    gun: string | undefined,
    facts: { origin: KeyRecord['origin']; label?: string; importedFrom?: string },
  ): KeyRecord {
    const publicKey = publicKeyOf(material);
    if (role.trim() === '') throw new CountersignError('invalid-input', 'A key needs a role.');
    // Role and GUN come from key files and the renderer: they become PEM headers, file names and table cells.
    if (!isKeyRoleName(role)) throw new CountersignError('invalid-input', `"${truncateForMessage(role)}" is not a role name: letters, digits, ".", "_", "-" and "/", no "..".`);
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
      if (!isValidGun(gun)) throw new CountersignError('invalid-input', `"${truncateForMessage(gun)}" is not a GUN (host[:port]/name).`);
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
    const secret = (await this.secrets.get(record.id)) ?? (await this.migrateLegacy(record.id));
    if (secret === null) throw new CountersignError('key-not-found', `The keychain no longer holds key ${record.id} (${record.role}).`);
    const material = decodeStoredKey(secret, record.id);
    if (keyId(publicKeyOf(material)) !== record.id) throw new CountersignError('internal', `The keychain entry for key ${record.id} holds another key.`);
    return material;
  }

  /** A key an earlier version stored under its bare ID: copied into this home's entries on first use. */
  private async migrateLegacy(id: string): Promise<string | null> {
    const legacy = await this.secrets.legacy(id);
    if (legacy === null || !holdsKey(legacy, id)) return null;
    await this.secrets.set(id, legacy);
    return legacy;
  }

  private async newPassphrase(record?: KeyRecord, file?: string): Promise<string> {
    const passphrase = await this.passphrases.passphrase({ kind: 'new', keyId: record?.id, role: record?.role, gun: record?.gun, file, attempt: 1 });
    if (passphrase === undefined || passphrase === '') throw new CountersignError('passphrase-required', 'Exported keys are always encrypted: a passphrase is needed.');
    return passphrase;
  }
}

function resolveId(records: readonly KeyRecord[], idOrPrefix: string, options: { allowUnindexed?: boolean } = {}): string {
  const wanted = idOrPrefix.trim().toLowerCase();
  if (!isKeyIdPrefix(wanted)) throw new CountersignError('invalid-input', `"${truncateForMessage(idOrPrefix)}" is not a key ID.`);
  const matches = records.filter((record) => record.id.startsWith(wanted));
  if (matches.length === 1) return matches[0]!.id;
  if (matches.length > 1) throw new CountersignError('invalid-input', `"${idOrPrefix}" matches ${matches.length} keys; give more of the ID.`);
  if (options.allowUnindexed && wanted.length === 64) return wanted;
  throw new CountersignError('key-not-found', `No key ${idOrPrefix} in the vault.`);
}

function recordOf(records: readonly KeyRecord[], idOrPrefix: string): KeyRecord {
  const id = resolveId(records, idOrPrefix);
  return records.find((record) => record.id === id)!;
}

/**
 * Stops an operation between two steps. Said in the words a stopped run reports: nothing of it is
 * kept (a store rolls back the keychain entries it made), and the vault is left unlocked.
 */
function throwIfCancelled(signal: AbortSignal | undefined, operation = 'import'): void {
  if (!signal?.aborted) return;
  const nothing = operation === 'import' ? 'nothing was imported' : operation === 'remove' ? 'the key was not removed' : 'no key was stored';
  throw new CountersignError('cancelled', `The ${operation} was cancelled; ${nothing}. The key vault is as it was before, and unlocked.`);
}

function certificateRecord(key: TufPublicKey, gun: string): NonNullable<KeyRecord['certificates']>[number] {
  return { gun, keyId: keyId(key), certificate: key.keyval.public, notAfter: certificateInfo(certificatePemOf(key)).notAfter.toISOString() };
}

/**
 * The vault as the CLI and the app open it: the OS keychain under this home's namespace, the index
 * in <home>/keys.json (migrated from the "keys" entry of the settings store on first use).
 */
export function openKeyVault(options: {
  homeDir: string;
  passphrases: PassphraseProvider;
  /** The settings store earlier versions kept the index in (default: <home>/settings.json via conf). */
  backend?: KeyValueBackend;
  secrets?: SecretStore;
  onRecovery?: (events: readonly RecoveryEvent[]) => void;
  lockWaitMs?: number;
}): KeyVault {
  return new KeyVault({
    secrets: homeKeychain(options.secrets ?? keychainSecretStore(), options.homeDir),
    index: new KeyIndex(options.homeDir, options.backend ?? lazyLegacyBackend(options.homeDir)),
    passphrases: options.passphrases,
    ...(options.onRecovery === undefined ? {} : { onRecovery: options.onRecovery }),
    ...(options.lockWaitMs === undefined ? {} : { lockWaitMs: options.lockWaitMs }),
  });
}

/** settings.json opened only if keys.json is missing (a home of an earlier version). */
function lazyLegacyBackend(homeDir: string): KeyValueBackend {
  let backend: KeyValueBackend | undefined;
  const open = () => (backend ??= confBackend(homeDir));
  return { get: (key) => open().get(key), set: (key, value) => open().set(key, value) };
}
