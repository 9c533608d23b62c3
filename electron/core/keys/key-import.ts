// Importing keys one by one: a scan that lists what a file or trust dir holds without any passphrase,
// then an import that takes a passphrase (or none) per key. Rules (each one a unit test):
// - A key that cannot be unlocked never fails the others: it is reported (wrong passphrase,
//   unreadable with its code) and the rest are imported. Leaving root out is the normal case.
// - A key the vault holds already is not decrypted and not touched: "already in the keychain".
// - A key nobody chose, or chose without a passphrase, is skipped and reported as such.
// - Only public facts leave this module (key IDs, roles, GUNs, files); the key material goes straight
//   into the vault's transaction (vault.ts), which keeps the lock and journal rules.
import { createHash } from 'node:crypto';
import { CountersignError, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import type { KeyImportOutcome, KeyImportStatus, ScannedKey } from '../../../shared/schemas/views';
import { decryptPrivateKeyBlock } from '../crypto/key-file';
import { keyId } from '../crypto/key-id';
import { publicKeyOf } from '../crypto/private-key';
import type { PrivateKeyMaterial } from '../crypto/types';
import { checkLocalPath } from '../state/local-path';
import { keyCandidatesOfFile, keyFilesOfTrustDir, type KeyCandidate } from './key-sources';
import type { PassphraseProvider } from './passphrase';
import { MAX_PASSPHRASE_ATTEMPTS, withFile } from './unlock';

/** Where keys are imported from: one trust dir (or its private/ folder), or key files. */
export type KeySource = { kind: 'dir'; path: string } | { kind: 'files'; paths: readonly string[] };

export type { KeyImportOutcome, KeyImportStatus, ScannedKey } from '../../../shared/schemas/views';

export interface KeyScan {
  keys: ScannedKey[];
}

/** The user's choice for one scanned key; a key without one is skipped. */
export interface KeyChoice {
  entry: string;
  /** Tried in turn on an encrypted key (the app sends one; the CLI the role's variables). */
  passphrases?: readonly string[];
  /** Ask the vault's passphrase provider (the terminal) when none of `passphrases` fits. */
  ask?: boolean;
}

/** A scanned key with what is needed to unlock it; stays in the main process. */
export interface FoundKey {
  scanned: ScannedKey;
  candidate?: KeyCandidate;
  /** A key that is not encrypted, already read during the scan. */
  material?: PrivateKeyMaterial;
}

/** Every key of the source, each once, in a stable order; unreadable files are rows of their own. */
export async function findKeys(source: KeySource, isPresent: (id: string) => boolean, signal?: AbortSignal): Promise<FoundKey[]> {
  const files: { file: string; legacy?: { role?: string; gun?: string } }[] = [];
  const found: FoundKey[] = [];
  if (source.kind === 'dir') {
    const unreadableDirs: { path: string; reason: ErrorInfo }[] = [];
    files.push(...(await keyFilesOfTrustDir(checkLocalPath(source.path, 'trust folder'), unreadableDirs)));
    for (const dir of unreadableDirs) found.push({ scanned: unreadableRow(dir.path, dir.reason) });
  } else {
    files.push(...source.paths.map((path) => ({ file: checkLocalPath(path, 'key file') })));
  }
  const seen = new Set<string>();
  for (const { file, legacy } of files) {
    if (signal?.aborted) throw new CountersignError('cancelled', 'The scan was cancelled; nothing was imported.');
    let candidates: KeyCandidate[];
    try {
      candidates = await keyCandidatesOfFile(file, legacy);
    } catch (error) {
      found.push({ scanned: unreadableRow(file, toErrorInfo(error)) });
      continue;
    }
    for (const candidate of candidates) {
      const key = describeCandidate(candidate, isPresent);
      if (seen.has(key.scanned.entry)) continue;
      seen.add(key.scanned.entry);
      found.push(key);
    }
  }
  return found;
}

function describeCandidate(candidate: KeyCandidate, isPresent: (id: string) => boolean): FoundKey {
  const facts = { file: candidate.file, encrypted: candidate.block.encrypted, ...optional('role', candidate.role), ...optional('gun', candidate.gun) };
  if (!candidate.block.encrypted) {
    // A plain key's ID is read here, in the main process; only the ID goes anywhere.
    try {
      const material = withFile(candidate.file, () => decryptPrivateKeyBlock(candidate.block));
      const id = keyId(publicKeyOf(material));
      return { scanned: { entry: id, keyId: id, ...facts, present: isPresent(id) }, candidate, material };
    } catch (error) {
      return { scanned: { entry: blockEntry(candidate), ...facts, present: false, problem: toErrorInfo(error) } };
    }
  }
  if (candidate.claimedId !== undefined) {
    // The ID the file's name claims; checked against the key itself once it is unlocked.
    return { scanned: { entry: candidate.claimedId, keyId: candidate.claimedId, ...facts, present: isPresent(candidate.claimedId) }, candidate };
  }
  return { scanned: { entry: blockEntry(candidate), ...facts, present: false }, candidate };
}

function unreadableRow(file: string, reason: ErrorInfo): ScannedKey {
  return { entry: `file-${sha256Hex(file).slice(0, 32)}`, file, encrypted: false, present: false, problem: reason };
}

function blockEntry(candidate: KeyCandidate): string {
  return `block-${sha256Hex(candidate.block.block.bytes).slice(0, 32)}`;
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function optional<K extends string>(name: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [name]: value } as Record<K, string>);
}

/** What unlocking one chosen key gave: the material, or the outcome to report instead. */
export type Unlocked = { material: PrivateKeyMaterial } | { outcome: KeyImportOutcome };

/**
 * Unlocks one chosen key with its own passphrases, then (if `ask`) with what the provider answers
 * (the role's variables, the terminal) for up to MAX_PASSPHRASE_ATTEMPTS tries. Every failure
 * becomes this key's outcome, never an exception, except a cancel.
 */
export async function unlockChosen(found: FoundKey, choice: KeyChoice, provider: PassphraseProvider | undefined): Promise<Unlocked> {
  const { scanned, candidate } = found;
  const outcome = (status: KeyImportStatus, reason: ErrorInfo): Unlocked => ({ outcome: outcomeOf(scanned, status, reason) });
  if (found.material !== undefined) return { material: found.material };
  if (candidate === undefined) return outcome('unreadable', scanned.problem ?? { code: 'pem-invalid', message: `${scanned.file} holds no readable key` });
  const given = (choice.passphrases ?? []).filter((p) => p !== '');
  const attempt = (passphrase: string): PrivateKeyMaterial | ErrorInfo | undefined => {
    try {
      return withFile(candidate.file, () => decryptPrivateKeyBlock(candidate.block, passphrase));
    } catch (error) {
      return error instanceof CountersignError && error.code === 'passphrase-wrong' ? undefined : toErrorInfo(error);
    }
  };
  let answered = given.length > 0;
  for (const passphrase of [...(candidate.block.triesEmptyPassphrase ? [''] : []), ...given]) {
    const result = attempt(passphrase);
    if (result !== undefined) return 'code' in result ? outcome('unreadable', result) : { material: result };
  }
  if (choice.ask === true && provider !== undefined) {
    for (let tries = 1; tries <= MAX_PASSPHRASE_ATTEMPTS; tries++) {
      const passphrase = await provider.passphrase({ kind: 'unlock', attempt: tries, file: scanned.file, ...optional('keyId', scanned.keyId), ...optional('role', scanned.role), ...optional('gun', scanned.gun) });
      if (passphrase === undefined || passphrase === '') break;
      answered = true;
      const result = attempt(passphrase);
      if (result !== undefined) return 'code' in result ? outcome('unreadable', result) : { material: result };
    }
  }
  return answered ? outcome('passphrase-wrong', wrongPassphrase(scanned)) : outcome('skipped', noPassphrase(scanned));
}

export function outcomeOf(scanned: ScannedKey, status: KeyImportStatus, reason?: ErrorInfo, keyIdKnown?: string): KeyImportOutcome {
  const id = keyIdKnown ?? scanned.keyId;
  return {
    entry: scanned.entry,
    file: scanned.file,
    status,
    ...optional('keyId', id),
    ...optional('role', scanned.role),
    ...optional('gun', scanned.gun),
    ...(reason === undefined ? {} : { reason }),
  };
}

function theKey(scanned: ScannedKey): string {
  return `${scanned.role === undefined ? 'the key' : `the ${scanned.role} key`}${scanned.keyId === undefined ? '' : ` ${scanned.keyId.slice(0, 12)}`}`;
}

function wrongPassphrase(scanned: ScannedKey): ErrorInfo {
  return { code: 'passphrase-wrong', message: `${scanned.file}: the passphrase does not decrypt ${theKey(scanned)}; it was not imported.` };
}

function noPassphrase(scanned: ScannedKey): ErrorInfo {
  return { code: 'passphrase-required', message: `No passphrase was given for ${theKey(scanned)}; it was left out.` };
}

export const NOT_CHOSEN: ErrorInfo = { code: 'confirmation-required', message: 'Not chosen for import; left where it is.' };

export function alreadyPresent(id: string): ErrorInfo {
  return { code: 'key-exists', message: `Key ${id} is already in the keychain; nothing changed.` };
}
