// Reads the static fixtures notary made (test/fixtures/keys, see regenerate.ts there).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TufPublicKey } from '../../../../electron/core/crypto/types';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/keys/', import.meta.url));

export interface SignedFile {
  signed: Record<string, unknown> & { keys?: Record<string, TufPublicKey>; delegations?: { keys: Record<string, TufPublicKey> } };
  signatures: { keyid: string; method: string; sig: string }[];
}

export interface FixtureKey {
  file: string;
  role: string;
  gun: string;
  keyId: string;
  passphrase: string;
}

export interface Manifest {
  gun: string;
  rsaRootGun: string;
  keys: FixtureKey[];
}

export function fixturePath(relative: string): string {
  return `${FIXTURES}${relative}`;
}

export function fixtureText(relative: string): string {
  return readFileSync(fixturePath(relative), 'utf8');
}

export function metadata(repo: 'notary-repo' | 'notary-rsa-root', role: string): SignedFile {
  return JSON.parse(fixtureText(`${repo}/${role}.json`)) as SignedFile;
}

export const manifest = JSON.parse(fixtureText('manifest.json')) as Manifest;

export function fixtureKey(match: (key: FixtureKey) => boolean): FixtureKey {
  const key = manifest.keys.find(match);
  assert.ok(key, 'fixture key not in manifest.json (regenerate the fixtures?)');
  return key;
}

/** The keys root.json declares, by ID. */
export function rootKeys(repo: 'notary-repo' | 'notary-rsa-root'): Record<string, TufPublicKey> {
  const keys = metadata(repo, 'root').signed.keys;
  assert.ok(keys);
  return keys;
}

export function rootRoleKeyIds(repo: 'notary-repo' | 'notary-rsa-root', role: string): string[] {
  const roles = metadata(repo, 'root').signed['roles'] as Record<string, { keyids: string[] }>;
  return roles[role]!.keyids;
}
