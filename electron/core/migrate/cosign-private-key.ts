// cosign's encrypted private key (`cosign.key`), what `cosign generate-key-pair` writes and
// `cosign sign --key` reads, so that CI can sign with a vault key from now on.
//
// The format (sigstore/cosign pkg/cosign/keys.go; the envelope is go-securesystemslib `encrypted`):
// - a PEM block "ENCRYPTED SIGSTORE PRIVATE KEY", no headers (older cosign releases wrote
//   "ENCRYPTED COSIGN PRIVATE KEY"; cosign reads both, and so do we; we write the first);
// - its body is JSON {kdf: {name: "scrypt", params: {N, r, p}, salt}, cipher: {name:
//   "nacl/secretbox", nonce}, ciphertext}, the byte strings in standard padded base64 (Go's []byte);
// - scrypt derives a 32-byte key from the passphrase and a 32-byte salt; NaCl secretbox
//   (XSalsa20-Poly1305, a 24-byte nonce, the 16-byte tag first) seals the key's PKCS#8 DER.
// Only the three scrypt parameter sets the Go reader accepts are read (N = 2^15, 2^16, 2^17; r = 8;
// p = 1): a file naming others could make a reader spend unbounded memory and time. We write 2^16,
// cosign's default.
import { randomBytes, scryptSync } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { z } from 'zod';
import { CountersignError } from '../../../shared/errors';
import { encodePemBlock, parsePemBlocks } from '../crypto/pem';
import { privateKeyFromPkcs8 } from '../crypto/pkcs8';
import type { PrivateKeyMaterial } from '../crypto/types';
import { parseStrictJson } from '../tuf/strict-json';
import { checkP256 } from './cosign-key';

/** What cosign writes now, then what it wrote first; it reads both. */
export const COSIGN_PRIVATE_KEY_PEM_TYPES = ['ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY'] as const;
const WRITTEN_PEM_TYPE = COSIGN_PRIVATE_KEY_PEM_TYPES[0];

const KDF_NAME = 'scrypt';
const CIPHER_NAME = 'nacl/secretbox';
const SALT_BYTES = 32;
const NONCE_BYTES = 24;
const BOX_KEY_BYTES = 32;
const BOX_TAG_BYTES = 16;

/** go-securesystemslib's Legacy, Standard and OWASP strengths: the only ones its reader accepts. */
export const COSIGN_SCRYPT_PARAMS = {
  legacy: { N: 32768, r: 8, p: 1 },
  standard: { N: 65536, r: 8, p: 1 },
  owasp: { N: 131072, r: 8, p: 1 },
} as const;
export type CosignScryptStrength = keyof typeof COSIGN_SCRYPT_PARAMS;
type ScryptParams = (typeof COSIGN_SCRYPT_PARAMS)[CosignScryptStrength];

export type EcdsaKeyMaterial = Extract<PrivateKeyMaterial, { algorithm: 'ecdsa' }>;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const base64Bytes = z.string().regex(BASE64, 'not standard base64').transform((text) => Uint8Array.from(Buffer.from(text, 'base64')));

// Go's decoder ignores fields it does not know; so do we. What it needs must be there and typed.
const envelopeSchema = z.object({
  kdf: z.object({
    name: z.string(),
    params: z.object({ N: z.number().int(), r: z.number().int(), p: z.number().int() }),
    salt: base64Bytes,
  }),
  cipher: z.object({ name: z.string(), nonce: base64Bytes }),
  ciphertext: base64Bytes,
});

type Envelope = z.infer<typeof envelopeSchema>;

export function isCosignPrivateKeyPemType(type: string): boolean {
  return (COSIGN_PRIVATE_KEY_PEM_TYPES as readonly string[]).includes(type);
}

/**
 * `cosign.key`: an ECDSA P-256 private key (PKCS#8 DER) sealed under `passphrase`. An empty
 * passphrase, which cosign allows, is refused: that file would be a private key in plaintext.
 */
export function encryptCosignKey(privateKeyPkcs8Der: Uint8Array, passphrase: string, options: { strength?: CosignScryptStrength } = {}): string {
  if (passphrase === '') throw new CountersignError('passphrase-required', 'a cosign key is written encrypted: a passphrase is needed');
  ecdsaP256OfPkcs8(privateKeyPkcs8Der, 'the key to export');
  const params = COSIGN_SCRYPT_PARAMS[options.strength ?? 'standard'];
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const boxKey = deriveBoxKey(passphrase, salt, params);
  let ciphertext: Uint8Array;
  try {
    ciphertext = xsalsa20poly1305(boxKey, nonce).encrypt(privateKeyPkcs8Der);
  } finally {
    boxKey.fill(0);
  }
  // The members in the order Go's encoder writes the struct, so the file reads like cosign's own.
  const envelope = {
    kdf: { name: KDF_NAME, params: { N: params.N, r: params.r, p: params.p }, salt: salt.toString('base64') },
    cipher: { name: CIPHER_NAME, nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(ciphertext).toString('base64'),
  };
  return encodePemBlock({ type: WRITTEN_PEM_TYPE, headers: {}, bytes: new TextEncoder().encode(JSON.stringify(envelope)) });
}

/** The P-256 key in the first cosign private key block of `pem`. */
export function decryptCosignKey(pem: string, passphrase: string): EcdsaKeyMaterial {
  const block = parsePemBlocks(pem).find((b) => isCosignPrivateKeyPemType(b.type));
  if (block === undefined) throw new CountersignError('pem-invalid', `no cosign private key (${COSIGN_PRIVATE_KEY_PEM_TYPES.join(' or ')}) PEM block found`);
  return decryptCosignEnvelope(block.bytes, passphrase);
}

/**
 * The key in a cosign block's body. `passphrase-wrong` when the box does not open: a wrong
 * passphrase and an altered file are the same failed tag, and either way nothing is read.
 */
export function decryptCosignEnvelope(body: Uint8Array, passphrase: string): EcdsaKeyMaterial {
  const envelope = readEnvelope(body);
  const boxKey = deriveBoxKey(passphrase, envelope.kdf.salt, envelope.params);
  let plaintext: Uint8Array;
  try {
    plaintext = xsalsa20poly1305(boxKey, envelope.cipher.nonce).decrypt(envelope.ciphertext);
  } catch (cause) {
    throw new CountersignError('passphrase-wrong', 'the passphrase does not decrypt this cosign key (or the file was altered)', { cause });
  } finally {
    boxKey.fill(0);
  }
  try {
    return ecdsaP256OfPkcs8(plaintext, 'the cosign key');
  } finally {
    plaintext.fill(0);
  }
}

function readEnvelope(body: Uint8Array): Envelope & { params: ScryptParams } {
  let json: unknown;
  try {
    json = parseStrictJson(body, 'the cosign key');
  } catch (cause) {
    throw new CountersignError('pem-invalid', 'the cosign key is not the JSON envelope cosign writes', { cause });
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) throw new CountersignError('pem-invalid', `the cosign key is not the JSON envelope cosign writes: ${parsed.error.message}`);
  const envelope = parsed.data;
  if (envelope.kdf.name !== KDF_NAME) throw new CountersignError('pem-invalid', `the cosign key names the key derivation "${envelope.kdf.name.slice(0, 40)}", not scrypt`);
  if (envelope.cipher.name !== CIPHER_NAME) throw new CountersignError('pem-invalid', `the cosign key names the cipher "${envelope.cipher.name.slice(0, 40)}", not nacl/secretbox`);
  const { N, r, p } = envelope.kdf.params;
  const params = Object.values(COSIGN_SCRYPT_PARAMS).find((known) => known.N === N && known.r === r && known.p === p);
  if (params === undefined) throw new CountersignError('pem-invalid', `the cosign key asks for scrypt N=${N}, r=${r}, p=${p}, which cosign does not accept either`);
  if (envelope.cipher.nonce.length !== NONCE_BYTES) throw new CountersignError('pem-invalid', `the cosign key's nonce has ${envelope.cipher.nonce.length} bytes, not ${NONCE_BYTES}`);
  // An empty salt would still derive a key (Go does not check it), but cosign never writes one.
  if (envelope.kdf.salt.length === 0) throw new CountersignError('pem-invalid', "the cosign key's salt is empty");
  if (envelope.ciphertext.length <= BOX_TAG_BYTES) throw new CountersignError('pem-invalid', 'the cosign key holds no ciphertext');
  return { ...envelope, params };
}

function deriveBoxKey(passphrase: string, salt: Uint8Array, params: ScryptParams): Buffer {
  // node refuses scrypt above 32 MiB unless told; N=2^17, r=8 needs 128 MiB (128 * N * r bytes).
  return scryptSync(passphrase, salt, BOX_KEY_BYTES, { N: params.N, r: params.r, p: params.p, maxmem: 2 * 128 * params.N * params.r * params.p });
}

/** cosign seals any PKCS#8 key; Countersign signs cosign signatures with P-256 only, so only that is read or written. */
function ecdsaP256OfPkcs8(der: Uint8Array, what: string): EcdsaKeyMaterial {
  const material = privateKeyFromPkcs8(der);
  if (material.algorithm !== 'ecdsa') throw new CountersignError('key-unsupported', `${what} is an ${material.algorithm} key; cosign keys here are ECDSA P-256`);
  checkP256(material.key, what);
  return material;
}
