// What a repository's trust rests on, said so a person can check it: the pinned root's keys with
// their certificate fingerprints, when and how the root was pinned, and — after a root rotation —
// the old root beside the new one with the keys whose signatures on the new root verified.
// Kept beside the verified cache in anchor.json (public facts only; acknowledging changes nothing
// about what is trusted, only whether the notice is still shown).
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { RootFacts, RootKeyFacts, TrustAnchorView } from '../../../shared/domain';
import { certificateInfo } from '../crypto/certificate';
import { canonicalKeyIdOf } from '../crypto/key-id';
import { writeFileAtomic } from '../state/atomic-file';
import { checkThreshold } from '../tuf/checks';
import { parseEnvelope, type Envelope, type PublicKeyJson, type RootSigned } from '../tuf/metadata';

const keyFactsSchema = z.object({
  id: z.string(),
  canonicalId: z.string().optional(),
  fingerprint: z.string().optional(),
  subject: z.string().optional(),
  notBefore: z.string().optional(),
  notAfter: z.string().optional(),
});
const rootFactsSchema = z.object({ version: z.number().int(), threshold: z.number().int(), keys: z.array(keyFactsSchema) });
const anchorFileSchema = z.object({
  pinnedBy: z.enum(['first-use', 'configured']),
  pinnedAt: z.string().optional(),
  acknowledged: z.boolean(),
  change: z
    .object({
      at: z.string(),
      from: rootFactsSchema,
      signedBy: z.array(z.object({ keyId: z.string(), of: z.enum(['old root', 'new root', 'both']) })),
      acknowledged: z.boolean(),
    })
    .optional(),
});
type AnchorFile = z.infer<typeof anchorFileSchema>;

function keyFacts(id: string, key: PublicKeyJson): RootKeyFacts {
  const facts: RootKeyFacts = { id };
  if (key.keytype !== 'ecdsa-x509' && key.keytype !== 'rsa-x509') return facts;
  try {
    // The certificate the checks parsed already: an audit pins hundreds of roots at once.
    const info = certificateInfo(Buffer.from(key.keyval.public, 'base64').toString('utf8'));
    facts.canonicalId = canonicalKeyIdOf(key);
    facts.fingerprint = info.fingerprint256;
    facts.subject = info.subject.replace(/\n/g, ', ');
    facts.notBefore = info.notBefore.toISOString();
    facts.notAfter = info.notAfter.toISOString();
  } catch {
    // A certificate that does not parse signs nothing (the checks refuse it); show its ID only.
  }
  return facts;
}

export function rootFacts(root: RootSigned): RootFacts {
  return {
    version: root.version,
    threshold: root.roles.root.threshold,
    keys: root.roles.root.keyids.map((id) => (root.keys[id] === undefined ? { id } : keyFacts(id, root.keys[id]))),
  };
}

/** Which keys of the old and the new root made a signature on the new root that verifies. */
export function rootSigners(next: Envelope<RootSigned>, previous: RootSigned): { keyId: string; of: 'old root' | 'new root' | 'both' }[] {
  const verifies = (id: string, keys: RootSigned['keys']) => {
    try {
      checkThreshold(next, { keyids: [id], threshold: 1 }, keys, 'root');
      return true;
    } catch {
      return false;
    }
  };
  const oldIds = new Set(previous.roles.root.keyids.filter((id) => verifies(id, previous.keys)));
  const newIds = new Set(next.signed.roles.root.keyids.filter((id) => verifies(id, next.signed.keys)));
  return [...new Set([...oldIds, ...newIds])].map((keyId) => ({
    keyId,
    of: oldIds.has(keyId) && newIds.has(keyId) ? 'both' : oldIds.has(keyId) ? 'old root' : 'new root',
  }));
}

async function readAnchor(dir: string): Promise<AnchorFile | undefined> {
  try {
    const parsed = anchorFileSchema.safeParse(JSON.parse(await readFile(join(dir, 'anchor.json'), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const writeAnchor = (dir: string, anchor: AnchorFile) => writeFileAtomic(join(dir, 'anchor.json'), JSON.stringify(anchor, null, 1), 0o644);

export interface AnchorUpdate {
  /** The cache dir of the repository. */
  dir: string;
  root: Envelope<RootSigned>;
  /** The root trusted before this read (undefined on first use). */
  previousRootBytes: Uint8Array | undefined;
  /** True when trust-pinning.json decided the first root. */
  configured: boolean;
  now: Date;
  /** False for a stale read: nothing new was learnt, so nothing is written. */
  record: boolean;
}

/** Records a first pin or a root change, then says what the anchor is now. */
export async function updateAnchor(update: AnchorUpdate): Promise<TrustAnchorView> {
  const at = update.now.toISOString();
  const firstUse = update.previousRootBytes === undefined;
  // A first pin replaces whatever anchor.json says (a leftover of a removed pin): no need to read it.
  let anchor: AnchorFile = firstUse
    ? { pinnedBy: update.configured ? 'configured' : 'first-use', pinnedAt: at, acknowledged: update.configured }
    : ((await readAnchor(update.dir)) ?? { pinnedBy: 'first-use', acknowledged: false });
  let changed = firstUse;
  if (update.previousRootBytes !== undefined) {
    const previous = parseEnvelope('root', 'root', update.previousRootBytes).signed;
    if (previous.version < update.root.signed.version) {
      anchor = { ...anchor, change: { at, from: rootFacts(previous), signedBy: rootSigners(update.root, previous), acknowledged: false } };
      changed = true;
    }
  }
  if (changed && update.record) await writeAnchor(update.dir, anchor);
  const view: TrustAnchorView = { pinnedBy: anchor.pinnedBy, firstUse, acknowledged: anchor.acknowledged, root: rootFacts(update.root.signed) };
  if (anchor.pinnedAt !== undefined) view.pinnedAt = anchor.pinnedAt;
  if (anchor.change !== undefined && !anchor.change.acknowledged) view.change = anchor.change;
  return view;
}

/** The user compared the fingerprint (or read the root change): stop showing the notice. */
export async function acknowledgeAnchor(dir: string): Promise<void> {
  const anchor = (await readAnchor(dir)) ?? { pinnedBy: 'first-use' as const, acknowledged: false };
  const next: AnchorFile = { ...anchor, acknowledged: true };
  if (anchor.change !== undefined) next.change = { ...anchor.change, acknowledged: true };
  await writeAnchor(dir, next);
}
