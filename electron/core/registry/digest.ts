// Content digests ("sha256:<hex>") as registries name manifests, and the check that bytes match one.
import { createHash } from 'node:crypto';
import { CountersignError } from '../../../shared/errors';

const HEX_LENGTH = { sha256: 64, sha512: 128 } as const;
type Algorithm = keyof typeof HEX_LENGTH;

export interface ParsedDigest {
  algorithm: Algorithm;
  hex: string;
}

export function parseDigest(digest: string): ParsedDigest | undefined {
  const match = /^(sha256|sha512):([0-9a-f]+)$/.exec(digest);
  if (match === null) return undefined;
  const algorithm = match[1] as Algorithm;
  const hex = match[2] ?? '';
  return hex.length === HEX_LENGTH[algorithm] ? { algorithm, hex } : undefined;
}

export function isDigest(reference: string): boolean {
  return parseDigest(reference) !== undefined;
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Throws hash-mismatch unless `bytes` hash to `expected`; `what` names the content in the message. */
export function verifyDigest(bytes: Uint8Array, expected: string, what: string): void {
  const parsed = parseDigest(expected);
  if (parsed === undefined) {
    throw new CountersignError('hash-mismatch', `${what}: "${expected}" is not a digest we can check`);
  }
  const actual = createHash(parsed.algorithm).update(bytes).digest('hex');
  if (actual !== parsed.hex) {
    throw new CountersignError('hash-mismatch', `${what}: the registry promised ${expected} but sent ${parsed.algorithm}:${actual}`);
  }
}
