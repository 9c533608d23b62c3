// cosign.key read and written straight from go-securesystemslib's `encrypted` package and cosign's
// keys.go, with none of Countersign's code: what the tests hold the module under test against.
// PEM body = JSON {kdf: {name: "scrypt", params: {N, r, p}, salt}, cipher: {name: "nacl/secretbox",
// nonce}, ciphertext}; scrypt gives the 32-byte secretbox key; the box holds the key's PKCS#8 DER.
import { createPrivateKey, randomBytes, scryptSync, type KeyObject } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';

export interface CosignEnvelope {
  kdf: { name: string; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: string; nonce: string };
  ciphertext: string;
}

/** The PEM type and the JSON envelope of a cosign.key text. */
export function envelopeOf(pem: string): { type: string; envelope: CosignEnvelope; lines: string[] } {
  const lines = pem.trimEnd().split('\n');
  const type = /^-----BEGIN (.+)-----$/.exec(lines[0]!)?.[1];
  if (type === undefined || lines.at(-1) !== `-----END ${type}-----`) throw new Error('not one PEM block');
  const body = lines.slice(1, -1);
  return { type, envelope: JSON.parse(Buffer.from(body.join(''), 'base64').toString('utf8')) as CosignEnvelope, lines: body };
}

export function pemOf(type: string, envelope: CosignEnvelope): string {
  const base64 = Buffer.from(JSON.stringify(envelope)).toString('base64');
  return `-----BEGIN ${type}-----\n${base64.match(/.{1,64}/g)!.join('\n')}\n-----END ${type}-----\n`;
}

function boxKey(passphrase: string, envelope: CosignEnvelope): Buffer {
  const { N, r, p } = envelope.kdf.params;
  return scryptSync(passphrase, Buffer.from(envelope.kdf.salt, 'base64'), 32, { N, r, p, maxmem: 256 * N * r });
}

/** The PKCS#8 DER inside; throws when the box does not open. */
export function openByCosignSpec(pem: string, passphrase: string): Buffer {
  const { envelope } = envelopeOf(pem);
  return Buffer.from(xsalsa20poly1305(boxKey(passphrase, envelope), Buffer.from(envelope.cipher.nonce, 'base64')).decrypt(Buffer.from(envelope.ciphertext, 'base64')));
}

export function privateKeyByCosignSpec(pem: string, passphrase: string): KeyObject {
  return createPrivateKey({ key: openByCosignSpec(pem, passphrase), format: 'der', type: 'pkcs8' });
}

/** Seals any bytes as cosign would (type and N chosen by the test). */
export function sealByCosignSpec(plaintext: Uint8Array, passphrase: string, options: { type?: string; N?: number } = {}): string {
  const envelope: CosignEnvelope = {
    kdf: { name: 'scrypt', params: { N: options.N ?? 65536, r: 8, p: 1 }, salt: randomBytes(32).toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: randomBytes(24).toString('base64') },
    ciphertext: '',
  };
  envelope.ciphertext = Buffer.from(xsalsa20poly1305(boxKey(passphrase, envelope), Buffer.from(envelope.cipher.nonce, 'base64')).encrypt(plaintext)).toString('base64');
  return pemOf(options.type ?? 'ENCRYPTED SIGSTORE PRIVATE KEY', envelope);
}
