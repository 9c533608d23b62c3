// PKCS#8 the way notary reads and writes it (tuf/utils/pkcs8.go).
// - Encryption: PBES2 with PBKDF2-HMAC-SHA1 and AES-256-CBC is the only scheme notary decrypts.
//   Node's own encrypted export uses HMAC-SHA256 as the PRF (notary then fails with "could not
//   find necessary signing keys"), so the EncryptedPrivateKeyInfo is built here.
// - ed25519: notary uses its own OID (1.3.6.1.4.1.11591.15.1) holding public||seed||public
//   (96 bytes); RFC 8410 keys (1.3.101.112) are read too, but exports use notary's form.
// - ECDSA: notary writes version 1 PrivateKeyInfo; we read either version.
import { createCipheriv, createDecipheriv, createPrivateKey, pbkdf2Sync, randomBytes } from 'node:crypto';
import { CountersignError } from '../../../shared/errors';
import * as der from './der';
import { ED25519_PUBLIC_KEY_LENGTH, ED25519_SEED_LENGTH, ed25519PublicKey } from './ed25519';
import { privateKeyFromKeyObject } from './private-key';
import type { PrivateKeyMaterial } from './types';

const OID = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  ecPublicKey: '1.2.840.10045.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ed25519: '1.3.101.112',
  notaryEd25519: '1.3.6.1.4.1.11591.15.1',
} as const;

const CIPHERS: Record<string, { name: string; keyLength: number }> = {
  [OID.aes128Cbc]: { name: 'aes-128-cbc', keyLength: 16 },
  [OID.aes192Cbc]: { name: 'aes-192-cbc', keyLength: 24 },
  [OID.aes256Cbc]: { name: 'aes-256-cbc', keyLength: 32 },
};

/** PRFs we can decrypt with; notary itself writes only the default, HMAC-SHA1. */
const PRFS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

/**
 * Iterations for keys we encrypt. notary writes 2048, far below current advice; it reads whatever
 * count the file names, so we use a modern one.
 */
export const DEFAULT_PBKDF2_ITERATIONS = 600_000;
/** A file demanding more than this would hang the app; nobody legitimately uses such counts. */
const MAX_PBKDF2_ITERATIONS = 10_000_000;

// ---- encryption ----

export function encryptPkcs8(privateKeyInfo: Uint8Array, passphrase: string, iterations = DEFAULT_PBKDF2_ITERATIONS): Uint8Array {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(passphrase, salt, iterations, 32, 'sha1');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const encrypted = Buffer.concat([cipher.update(privateKeyInfo), cipher.final()]);
  key.fill(0);
  // The PRF is left out on purpose: absent means HMAC-SHA1, and it is the shape notary writes.
  const algorithm = der.sequence(
    der.oid(OID.pbes2),
    der.sequence(
      der.sequence(der.oid(OID.pbkdf2), der.sequence(der.octetString(salt), der.smallInteger(iterations))),
      der.sequence(der.oid(OID.aes256Cbc), der.octetString(iv)),
    ),
  );
  return der.sequence(algorithm, der.octetString(encrypted));
}

/** The PrivateKeyInfo inside an EncryptedPrivateKeyInfo. `passphrase-wrong` if it does not decrypt. */
export function decryptPkcs8(encryptedInfo: Uint8Array, passphrase: string): Uint8Array {
  const { cipherName, keyLength, iv, salt, iterations, prf, encrypted } = readPbes2(encryptedInfo);
  const key = pbkdf2Sync(passphrase, salt, iterations, keyLength, prf);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv(cipherName, key, iv);
    plain = Buffer.concat([decipher.update(encrypted), decipher.final()]);
  } catch (cause) {
    throw new CountersignError('passphrase-wrong', 'the passphrase does not decrypt this key', { cause });
  } finally {
    key.fill(0);
  }
  // With a wrong passphrase the padding check passes about once in 256 tries; the DER does not.
  try {
    der.children(der.readDer(plain), der.TAG.sequence);
  } catch (cause) {
    throw new CountersignError('passphrase-wrong', 'the passphrase does not decrypt this key', { cause });
  }
  return plain;
}

function readPbes2(encryptedInfo: Uint8Array) {
  try {
    const [algorithm, data] = der.children(der.readDer(encryptedInfo), der.TAG.sequence);
    const [schemeOid, schemeParams] = der.children(der.expectTagOf(algorithm, der.TAG.sequence));
    if (der.readOid(schemeOid) !== OID.pbes2) {
      throw new CountersignError('key-unsupported', 'only PBES2-encrypted keys are supported (as in notary)');
    }
    const [kdf, encryption] = der.children(der.expectTagOf(schemeParams, der.TAG.sequence));
    const [kdfOid, kdfParams] = der.children(der.expectTagOf(kdf, der.TAG.sequence));
    if (der.readOid(kdfOid) !== OID.pbkdf2) throw new CountersignError('key-unsupported', 'only PBKDF2 key derivation is supported');
    const [saltNode, iterationNode, ...optional] = der.children(der.expectTagOf(kdfParams, der.TAG.sequence));
    const prfNode = optional.find((node) => node.tag === der.TAG.sequence);
    const prfOid = prfNode === undefined ? '1.2.840.113549.2.7' : der.readOid(der.children(prfNode)[0]);
    const prf = PRFS[prfOid];
    if (prf === undefined) throw new CountersignError('key-unsupported', `PBKDF2 with PRF ${prfOid} is not supported`);
    const iterations = der.readSmallInteger(iterationNode);
    if (iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
      throw new CountersignError('key-unsupported', `PBKDF2 iteration count ${iterations} is out of range`);
    }
    const [cipherOid, ivNode] = der.children(der.expectTagOf(encryption, der.TAG.sequence));
    const cipher = CIPHERS[der.readOid(cipherOid)];
    if (cipher === undefined) throw new CountersignError('key-unsupported', 'only AES-CBC encrypted keys are supported');
    const iv = der.readOctetString(ivNode);
    if (iv.length !== 16) throw new CountersignError('pem-invalid', 'the AES-CBC initialisation vector must be 16 bytes');
    return {
      cipherName: cipher.name,
      keyLength: cipher.keyLength,
      iv,
      salt: der.readOctetString(saltNode),
      iterations,
      prf,
      encrypted: der.readOctetString(data),
    };
  } catch (cause) {
    if (cause instanceof CountersignError) throw cause;
    throw new CountersignError('pem-invalid', 'the encrypted key has a malformed structure', { cause });
  }
}

// ---- PrivateKeyInfo ----

/** Parses an unencrypted PrivateKeyInfo of any kind notary produces or accepts. */
export function privateKeyFromPkcs8(privateKeyInfo: Uint8Array): PrivateKeyMaterial {
  let algorithmOid: string;
  let algorithmNode: der.DerNode;
  let keyNode: der.DerNode;
  try {
    const [version, algorithm, key] = der.children(der.readDer(privateKeyInfo), der.TAG.sequence);
    der.readSmallInteger(version);
    algorithmNode = der.expectTagOf(algorithm, der.TAG.sequence);
    algorithmOid = der.readOid(der.children(algorithmNode)[0]);
    keyNode = der.expectTagOf(key, der.TAG.octetString);
  } catch (cause) {
    throw new CountersignError('pem-invalid', 'the private key has a malformed structure', { cause });
  }
  switch (algorithmOid) {
    case OID.notaryEd25519:
      return ed25519FromNotaryBytes(keyNode.content);
    case OID.ed25519:
      return ed25519FromSeed(unwrapRfc8410Seed(keyNode.content));
    case OID.ecPublicKey:
    case OID.rsaEncryption:
      // Re-encode as version 0 without optional fields so that any OpenSSL accepts notary's v1 form.
      return privateKeyFromKeyObject(
        parseWithNode(() =>
          createPrivateKey({
            key: Buffer.from(der.sequence(der.smallInteger(0), algorithmNode.encoded, keyNode.encoded)),
            format: 'der',
            type: 'pkcs8',
          }),
        ),
      );
    default:
      throw new CountersignError('key-unsupported', `private key algorithm ${algorithmOid} is not supported`);
  }
}

export function privateKeyToPkcs8(material: PrivateKeyMaterial): Uint8Array {
  switch (material.algorithm) {
    case 'ecdsa':
    case 'rsa':
      return Uint8Array.from(material.key.export({ type: 'pkcs8', format: 'der' }));
    case 'ed25519':
      return der.sequence(
        der.smallInteger(0),
        der.sequence(der.oid(OID.notaryEd25519)),
        der.octetString(notaryEd25519Bytes(material)),
      );
  }
}

/** notary's serialisation: public key, then Go's 64-byte private key (seed || public). */
export function notaryEd25519Bytes(material: { seed: Uint8Array; publicKey: Uint8Array }): Uint8Array {
  return der.concatBytes(material.publicKey, material.seed, material.publicKey);
}

export function ed25519FromNotaryBytes(bytes: Uint8Array): PrivateKeyMaterial {
  const expected = ED25519_PUBLIC_KEY_LENGTH + ED25519_SEED_LENGTH + ED25519_PUBLIC_KEY_LENGTH;
  if (bytes.length !== expected) throw new CountersignError('pem-invalid', `a notary ed25519 key has ${expected} bytes, not ${bytes.length}`);
  const material = ed25519FromSeed(bytes.subarray(ED25519_PUBLIC_KEY_LENGTH, ED25519_PUBLIC_KEY_LENGTH + ED25519_SEED_LENGTH));
  if (!Buffer.from(material.publicKey).equals(Buffer.from(bytes.subarray(0, ED25519_PUBLIC_KEY_LENGTH)))) {
    throw new CountersignError('pem-invalid', 'the ed25519 key does not match its own public key');
  }
  return material;
}

function ed25519FromSeed(seed: Uint8Array): PrivateKeyMaterial & { algorithm: 'ed25519' } {
  if (seed.length !== ED25519_SEED_LENGTH) throw new CountersignError('pem-invalid', 'an ed25519 seed has 32 bytes');
  const copy = Uint8Array.from(seed);
  return { algorithm: 'ed25519', seed: copy, publicKey: ed25519PublicKey(copy) };
}

/** RFC 8410: the PrivateKeyInfo's OCTET STRING wraps another OCTET STRING holding the seed. */
function unwrapRfc8410Seed(content: Uint8Array): Uint8Array {
  try {
    return der.readOctetString(der.readDer(content));
  } catch (cause) {
    throw new CountersignError('pem-invalid', 'the ed25519 private key has a malformed structure', { cause });
  }
}

/** Runs a node key parser, turning its errors into `pem-invalid` (or `passphrase-*` for legacy PEM). */
export function parseWithNode<T>(parse: () => T): T {
  try {
    return parse();
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    if (code === 'ERR_MISSING_PASSPHRASE') throw new CountersignError('passphrase-required', 'this key is encrypted: a passphrase is needed', { cause });
    const message = cause instanceof Error ? cause.message : String(cause);
    if (/bad decrypt|BAD_DECRYPT/i.test(message) || /bad decrypt/i.test(String(code))) {
      throw new CountersignError('passphrase-wrong', 'the passphrase does not decrypt this key', { cause });
    }
    if (/unsupported|curve/i.test(message)) throw new CountersignError('key-unsupported', `the key is not supported: ${message}`, { cause });
    throw new CountersignError('pem-invalid', `the private key cannot be parsed: ${message}`, { cause });
  }
}
