// Builds a large repository with the real notary client, fast: notary's staged changes are plain
// files in its changelist directory, so we write thousands of them and let `notary publish` sign
// and upload them all at once — the same metadata notary would make with one addhash per tag.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NotaryCli } from '../test/stack';

export interface StagedTarget {
  role: string;
  tag: string;
  size: number;
  sha256hex: string;
}

export function syntheticTargets(role: string, prefix: string, count: number): StagedTarget[] {
  return Array.from({ length: count }, (_, i) => {
    const tag = `${prefix}${i}`;
    return { role, tag, size: 1000 + i, sha256hex: createHash('sha256').update(`${role}/${tag}`).digest('hex') };
  });
}

/** Stages targets as notary's own `addhash` (without -p) would, in order. */
export async function stageTargets(notary: NotaryCli, gun: string, targets: readonly StagedTarget[]): Promise<void> {
  const dir = join(notary.trustDir, 'tuf', ...gun.split('/'), 'changelist');
  await mkdir(dir, { recursive: true });
  const base = BigInt(Date.now()) * 1_000_000n;
  await Promise.all(
    targets.map((target, i) => {
      const meta = { length: target.size, hashes: { sha256: Buffer.from(target.sha256hex, 'hex').toString('base64') } };
      const change = { action: 'create', role: target.role, type: 'target', path: target.tag, data: Buffer.from(JSON.stringify(meta)).toString('base64') };
      const name = `${(base + BigInt(i)).toString().padStart(20, '0')}_${randomUUID()}.change`;
      return writeFile(join(dir, name), JSON.stringify(change));
    }),
  );
}
