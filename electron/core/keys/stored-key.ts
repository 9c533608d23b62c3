// The form a private key takes inside the keychain: unencrypted PKCS#8 (the keychain is the
// protection), notary's own ed25519 flavour included, wrapped in a small tagged JSON object so a
// foreign or damaged entry is recognised instead of misread.
import { CountersignError } from '../../../shared/errors';
import { privateKeyFromPkcs8, privateKeyToPkcs8 } from '../crypto/pkcs8';
import type { PrivateKeyMaterial } from '../crypto/types';
import { keyRecordSchema, type KeyRecord } from './key-index';

const KIND = 'countersign-private-key';

/**
 * `facts` (the key's index record, nothing secret) ride along so an entry orphaned by a crash
 * between the keychain write and the index write can be adopted with its role and GUN.
 */
export function encodeStoredKey(material: PrivateKeyMaterial, facts?: KeyRecord): string {
  const pkcs8 = Buffer.from(privateKeyToPkcs8(material)).toString('base64');
  return JSON.stringify(facts === undefined ? { kind: KIND, version: 1, pkcs8 } : { kind: KIND, version: 1, pkcs8, facts });
}

/** The index record stored beside the key, when the entry has a valid one. */
export function storedKeyFacts(secret: string): KeyRecord | undefined {
  try {
    const parsed = keyRecordSchema.safeParse((JSON.parse(secret) as { facts?: unknown }).facts);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function decodeStoredKey(secret: string, id: string): PrivateKeyMaterial {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    parsed = undefined;
  }
  const entry = parsed as { kind?: unknown; version?: unknown; pkcs8?: unknown } | undefined;
  if (entry?.kind !== KIND || entry.version !== 1 || typeof entry.pkcs8 !== 'string') {
    throw new CountersignError('internal', `The keychain entry for key ${id} is not a Countersign key.`);
  }
  return privateKeyFromPkcs8(Buffer.from(entry.pkcs8, 'base64'));
}
