// Reads the repository the real notary made (test/fixtures/tuf/notary-delegations, see regenerate.ts
// there) and serves it as a MetadataFetcher, so the engine can be checked against notary's own output.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MetadataFetcher } from '../../electron/core/tuf/updater';
import { sha256Hex } from './repo-simulator';

const DIR = fileURLToPath(new URL('../fixtures/tuf/notary-delegations/', import.meta.url));

export interface NotaryFixtureManifest {
  generatedAt: string;
  gun: string;
  /** Every saved file, e.g. "targets/team/sub.json", "2.root.json". */
  files: string[];
  delegations: { role: string; paths: string[] | 'all'; tags: string[] }[];
  topLevelTags: string[];
}

export const notaryFixture = JSON.parse(readFileSync(`${DIR}manifest.json`, 'utf8')) as NotaryFixtureManifest;

/** A moment at which everything in the fixture was valid (its timestamp lives 14 days). */
export const notaryFixtureNow = new Date(Date.parse(notaryFixture.generatedAt) + 60_000);

export function notaryFixtureBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(`${DIR}${file}`));
}

export function notaryFixtureText(file: string): string {
  return readFileSync(`${DIR}${file}`, 'utf8');
}

/** Serves the fixture as notary-server would: plain names, versioned roots and by-hash names. */
export function notaryFixtureFetcher(): MetadataFetcher & { requests: string[] } {
  const byHash = new Map<string, string>();
  for (const file of notaryFixture.files) {
    const role = file.replace(/^\d+\./, '').replace(/\.json$/, '');
    byHash.set(`${role}.${sha256Hex(notaryFixtureBytes(file))}.json`, file);
  }
  const requests: string[] = [];
  return {
    requests,
    async fetch(name) {
      requests.push(name);
      const file = byHash.get(name) ?? name;
      return notaryFixture.files.includes(file) && existsSync(`${DIR}${file}`) ? notaryFixtureBytes(file) : null;
    },
  };
}
