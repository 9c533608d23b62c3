// Metadata as a real notary server serves it, and the one check every interop test makes on it:
// that a given key signed it, verified by our own crypto.
import assert from 'node:assert/strict';
import { canonicalBytes } from '../../../../electron/core/tuf/canonical';
import { keyId } from '../../../../electron/core/crypto/key-id';
import { verifySignature } from '../../../../electron/core/crypto/verify';
import type { TufPublicKey } from '../../../../electron/core/crypto/types';
import type { NotaryServer } from '../../../stack/notary-server';

export interface SignedFile {
  signed: Record<string, unknown> & { keys?: Record<string, TufPublicKey>; delegations?: { keys: Record<string, TufPublicKey> } };
  signatures: { keyid: string; method: string; sig: string }[];
}

export async function servedRole(server: NotaryServer, gun: string, role: string): Promise<SignedFile> {
  return (await server.roleJson(gun, role)) as SignedFile;
}

/** The key IDs root.json lists for one of the top-level roles. */
export function rootRoleKeyIdsOf(root: SignedFile, role: string): string[] {
  return (root.signed['roles'] as Record<string, { keyids: string[] }>)[role]!.keyids;
}

export function assertSignedBy(file: SignedFile, key: TufPublicKey): void {
  const signature = file.signatures.find((s) => s.keyid === keyId(key));
  assert.ok(signature, `no signature by ${keyId(key)}`);
  assert.equal(verifySignature(key, signature.method, canonicalBytes(file.signed), signature.sig), true);
}
