// Private key files as notary and docker trust keep them (~/.notary/private, ~/.docker/trust/private,
// `notary key export` bundles): one or more PEM blocks, PKCS#8 encrypted or not, or the older
// "EC PRIVATE KEY" / "RSA PRIVATE KEY" forms, with `role:`, `gun:` and `path:` header lines; and
// cosign's own encrypted key (`cosign.key`, see migrate/cosign-private-key.ts), which names no role.
import { isKeyId, isKeyRoleName, isValidGun } from '../../../shared/names';
import { createPrivateKey } from 'node:crypto';
import { CountersignError } from '../../../shared/errors';
import { encodePemBlock, parsePemBlocks, type PemBlock } from './pem';
import { decryptPkcs8, ed25519FromNotaryBytes, encryptPkcs8, parseWithNode, privateKeyFromPkcs8, privateKeyToPkcs8 } from './pkcs8';
import { privateKeyFromKeyObject } from './private-key';
import { decryptCosignEnvelope, isCosignPrivateKeyPemType } from '../migrate/cosign-private-key';
import type { PrivateKeyMaterial } from './types';

const PRIVATE_KEY_TYPES = new Set(['ENCRYPTED PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY', 'ED25519 PRIVATE KEY']);
const isPrivateKeyType = (type: string) => PRIVATE_KEY_TYPES.has(type) || isCosignPrivateKeyPemType(type);
/** Roles whose key files carry a `gun:` header; notary drops it for root and delegation keys. */
const ROLES_WITH_GUN = new Set(['targets', 'snapshot', 'timestamp']);

export interface PrivateKeyBlock {
  block: PemBlock;
  role: string | undefined;
  gun: string | undefined;
  /** notary's `path:` header: the key ID (older clients wrote a path ending in `<id>_<role>`). */
  path: string | undefined;
  encrypted: boolean;
  /**
   * Whether the empty passphrase is worth trying first: cosign lets a key be sealed under ""
   * (COSIGN_PASSWORD=""), and such keys are common in CI and examples.
   */
  triesEmptyPassphrase: boolean;
}

/** The private key blocks of a key file; `pem-invalid` when the text holds none. */
export function readPrivateKeyBlocks(text: string): PrivateKeyBlock[] {
  const blocks = parsePemBlocks(text).filter((block) => isPrivateKeyType(block.type));
  if (blocks.length === 0) throw new CountersignError('pem-invalid', 'the file holds no private key');
  return blocks.map((block) => ({
    block,
    role: nonEmpty(block.headers['role']),
    gun: nonEmpty(block.headers['gun']),
    path: nonEmpty(block.headers['path']),
    encrypted: block.type === 'ENCRYPTED PRIVATE KEY' || isCosignPrivateKeyPemType(block.type) || block.headers['Proc-Type']?.includes('ENCRYPTED') === true,
    triesEmptyPassphrase: isCosignPrivateKeyPemType(block.type),
  }));
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The key in one block. Encrypted blocks need the passphrase: `passphrase-required` without one,
 * `passphrase-wrong` when it does not fit.
 */
export function decryptPrivateKeyBlock(key: PrivateKeyBlock, passphrase?: string): PrivateKeyMaterial {
  if (key.encrypted && (passphrase === undefined || (passphrase === '' && !key.triesEmptyPassphrase))) {
    throw new CountersignError('passphrase-required', 'this key is encrypted: a passphrase is needed');
  }
  const { block } = key;
  if (isCosignPrivateKeyPemType(block.type)) return decryptCosignEnvelope(block.bytes, passphrase ?? '');
  switch (block.type) {
    case 'ENCRYPTED PRIVATE KEY':
      return privateKeyFromPkcs8(decryptPkcs8(block.bytes, passphrase ?? ''));
    case 'PRIVATE KEY':
      return privateKeyFromPkcs8(block.bytes);
    case 'ED25519 PRIVATE KEY':
      if (key.encrypted) throw new CountersignError('key-unsupported', 'legacy encrypted ed25519 key files are not supported');
      return ed25519FromNotaryBytes(block.bytes);
    default: {
      // SEC1 / PKCS#1, possibly with OpenSSL's legacy Proc-Type/DEK-Info encryption, which node
      // handles itself as long as the other (notary) headers are gone.
      const legacyHeaders: Record<string, string> = {};
      for (const name of ['Proc-Type', 'DEK-Info']) {
        const value = block.headers[name];
        if (value !== undefined) legacyHeaders[name] = value;
      }
      const pem = encodePemBlock({ type: block.type, headers: legacyHeaders, bytes: block.bytes });
      return privateKeyFromKeyObject(parseWithNode(() => createPrivateKey(passphrase === undefined ? { key: pem } : { key: pem, passphrase })));
    }
  }
}

export interface KeyFileHeaders {
  role: string;
  gun?: string;
  /** The key's canonical ID: `notary key import` needs it to file an encrypted key. */
  path?: string;
}

/**
 * One encrypted PKCS#8 PEM block that `notary key import` and `docker trust key load` accept.
 * A GUN is written only for roles whose key files carry one (targets, snapshot, timestamp).
 */
export function encodeEncryptedPrivateKey(material: PrivateKeyMaterial, passphrase: string, headers: KeyFileHeaders, iterations?: number): string {
  if (passphrase === '') throw new CountersignError('passphrase-required', 'an exported key must be encrypted with a passphrase');
  // The headers are what notary files the key under: only names that are names get written.
  if (!isKeyRoleName(headers.role)) throw new CountersignError('invalid-input', 'the key\'s role is not a role name, so it cannot be exported');
  if (headers.gun !== undefined && headers.gun !== '' && ROLES_WITH_GUN.has(headers.role) && !isValidGun(headers.gun)) throw new CountersignError('invalid-input', 'the key\'s GUN is not a GUN, so it cannot be exported');
  if (headers.path !== undefined && !isKeyId(headers.path)) throw new CountersignError('invalid-input', 'the key file path header must be a key ID');
  const pemHeaders: Record<string, string> = { role: headers.role };
  if (headers.gun !== undefined && headers.gun !== '' && ROLES_WITH_GUN.has(headers.role)) pemHeaders['gun'] = headers.gun;
  if (headers.path !== undefined) pemHeaders['path'] = headers.path;
  return encodePemBlock({
    type: 'ENCRYPTED PRIVATE KEY',
    headers: pemHeaders,
    bytes: encryptPkcs8(privateKeyToPkcs8(material), passphrase, iterations),
  });
}

/** Whether a role's key files carry a GUN (notary keeps GUNs only for the repository's own roles). */
export function roleHasGun(role: string): boolean {
  return ROLES_WITH_GUN.has(role);
}
