// The public keys a delegation is given, read from files as `notary delegation add` and `docker trust
// signer add` read them: the first PEM block of the file, either a PUBLIC KEY (what `docker trust key
// generate` and `countersign key generate` write, with a `role:` header) or a CERTIFICATE. Their IDs
// are then exactly the ones notary and docker compute, so either tool can sign for the delegation:
// - a PUBLIC KEY keeps the file's DER bytes (ecdsa or rsa by the key inside);
// - a CERTIFICATE becomes an ecdsa-x509 / rsa-x509 key holding the certificate re-encoded as Go's
//   pem.Encode writes it (no headers, 64 columns), which is what its ID is computed over.
// ed25519 keys are refused: notary and docker cannot use them for delegations.
import { createPublicKey } from 'node:crypto';
import { open } from 'node:fs/promises';
import { CountersignError } from '../../../shared/errors';
import { certificateInfo } from '../crypto/certificate';
import { spkiProblem } from '../crypto/spki';
import { certificateProblem } from '../crypto/certificate-rules';
import { canonicalKeyIdOf, keyId } from '../crypto/key-id';
import { encodePemBlock, parsePemBlocks } from '../crypto/pem';
import { checkNotaryCanUse } from '../crypto/private-key';
import type { PublicKeyJson } from '../tuf/metadata';
import type { DelegationUpdateChange } from './changes';

/** docker reads at most this much of a public key file. */
const MAX_KEY_FILE_BYTES = 1 << 20;

export interface DelegationKey {
  /** The key as the delegating targets file lists it. */
  key: PublicKeyJson;
  /** Its TUF ID (for a certificate: over the certificate). */
  id: string;
  /** The bare public key's ID: what key files, the vault and docker trust inspect use. */
  canonicalId: string;
  /** The file it was read from. */
  file: string;
}

/** The key as a staged delegation change carries it. */
export function stagedDelegationKey({ key, file }: DelegationKey): DelegationUpdateChange['addKeys'][number] {
  if (key.keytype === 'ed25519') throw refusedEd25519(file);
  return { keytype: key.keytype, keyval: { private: null, public: key.keyval.public } };
}

/** Reads every file; any unreadable or unsuitable file refuses them all. */
export async function readDelegationKeyFiles(files: readonly string[], now: Date = new Date()): Promise<DelegationKey[]> {
  if (files.length === 0) throw new CountersignError('invalid-input', 'give the public key of the signer with --key FILE');
  const keys: DelegationKey[] = [];
  for (const file of files) {
    const key = delegationKeyOfPem(await readKeyFile(file), file, now);
    if (!keys.some((k) => k.id === key.id)) keys.push(key);
  }
  return keys;
}

/** A delegation key from PEM text (see the top of this file for which blocks and why). */
export function delegationKeyOfPem(text: string, file: string, now: Date = new Date()): DelegationKey {
  let block;
  try {
    block = parsePemBlocks(text)[0]!;
  } catch (cause) {
    throw new CountersignError('pem-invalid', `${file} holds no PEM public key or certificate`, { cause });
  }
  let key: PublicKeyJson;
  if (block.type === 'PUBLIC KEY') key = bareKey(block.bytes, file);
  else if (block.type === 'CERTIFICATE') key = certificateKey(encodePemBlock({ type: 'CERTIFICATE', headers: {}, bytes: block.bytes }), file, now);
  else if (block.type.includes('PRIVATE KEY')) throw new CountersignError('invalid-input', `${file} holds a private key: give the public key (.pub) or a certificate`);
  else throw new CountersignError('pem-invalid', `${file}: a ${block.type} block is not a public key; expected PUBLIC KEY or CERTIFICATE`);
  return { key, id: keyId(key), canonicalId: canonicalKeyIdOf(key), file };
}

function bareKey(der: Uint8Array, file: string): PublicKeyJson {
  let parsed;
  try {
    parsed = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new CountersignError('pem-invalid', `${file}: the public key cannot be parsed`, { cause });
  }
  if (parsed.asymmetricKeyType === 'ed25519') throw refusedEd25519(file);
  checkUsable(parsed, file);
  const keyProblem = spkiProblem(der);
  if (keyProblem !== undefined) throw new CountersignError('key-unsupported', `${file}: the key cannot be used: ${keyProblem}`);
  return { keytype: parsed.asymmetricKeyType === 'rsa' ? 'rsa' : 'ecdsa', keyval: { private: null, public: Buffer.from(der).toString('base64') } };
}

/** notary's ValidateCertificate (the same rules as for root certificates): no SHA-1, a sane window, valid now. */
function certificateKey(pem: string, file: string, now: Date): PublicKeyJson {
  let info;
  try {
    info = certificateInfo(pem);
  } catch (cause) {
    throw new CountersignError('pem-invalid', `${file}: the certificate cannot be parsed`, { cause });
  }
  if (info.publicKey.asymmetricKeyType === 'ed25519') throw refusedEd25519(file);
  checkUsable(info.publicKey, file);
  const problem = certificateProblem(info, now);
  if (problem !== undefined) throw new CountersignError('key-unsupported', `${file}: the certificate cannot be used: ${problem}`);
  const keytype = info.publicKey.asymmetricKeyType === 'rsa' ? 'rsa-x509' : 'ecdsa-x509';
  return { keytype, keyval: { private: null, public: Buffer.from(pem).toString('base64') } };
}

function checkUsable(key: ReturnType<typeof createPublicKey>, file: string): void {
  try {
    checkNotaryCanUse(key);
  } catch (error) {
    if (error instanceof CountersignError) throw new CountersignError(error.code, `${file}: ${error.message}`, { cause: error });
    throw error;
  }
}

function refusedEd25519(file: string): CountersignError {
  return new CountersignError('key-unsupported', `${file} is an ed25519 key: notary and docker trust cannot use ed25519 keys for delegations; use an ECDSA key (countersign key generate NAME)`);
}

async function readKeyFile(file: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new CountersignError('invalid-input', `cannot read the public key file ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const buffer = Buffer.alloc(MAX_KEY_FILE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, MAX_KEY_FILE_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
