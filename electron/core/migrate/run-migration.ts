// Carries out a plan: for each image (a repository and a digest; tags sharing a digest share one
// signature, since the payload names the repository, not the tag) read the signatures already
// attached, and when none is this key's for this digest and identity, sign one, append it, and read
// it back. Running again therefore writes nothing. A failure is that image's outcome, not the run's;
// a cancel stops new images and says which never ran.
import type { KeyObject } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { CountersignError, toErrorInfo } from '../../../shared/errors';
import type { MigrationOutcome, MigrationPlan, MigrationProgress, MigrationReport, MigrationTagResult, PlannedSignature } from '../../../shared/migrate';
import type { Signer } from '../keys/vault';
import { mapLimit } from '../net/http';
import type { RegistryClient } from '../registry';
import { signatureTag } from './cosign-layout';
import { cosignPublicKeyPem, cosignSign, readCosignPublicKey } from './cosign-key';
import { appendSignatures, findValidSignature, readStoredSignatures, type StoredSignature } from './cosign-store';
import { simpleSigningPayload } from './simple-signing';

import { DEFAULT_MIGRATION_CONCURRENCY } from './defaults';
export { DEFAULT_MIGRATION_CONCURRENCY };
export const PAYLOAD_CREATOR = 'Countersign';

export interface MigrationOptions {
  plan: MigrationPlan;
  registry: RegistryClient;
  /** The vault key the plan names; its public key must be the plan's. */
  signer: Signer;
  dryRun?: boolean;
  concurrency?: number;
  now?: () => Date;
  signal?: AbortSignal;
  onProgress?: (progress: MigrationProgress) => void;
}

interface Image {
  repository: string;
  digest: string;
  identity: string;
  tags: PlannedSignature[];
}

type ImageOutcome = Pick<MigrationTagResult, 'outcome' | 'layerDigest' | 'signature' | 'error'>;

export async function runMigration(options: MigrationOptions): Promise<MigrationReport> {
  const { plan, signer, signal } = options;
  const key = readCosignPublicKey(plan.publicKeyPem, 'the plan\'s public key');
  if (signer.id !== plan.keyId || cosignPublicKeyPem(signer.publicKey, `key ${signer.id}`) !== plan.publicKeyPem) {
    throw new CountersignError('invalid-input', `the plan is for key ${plan.keyId}, not ${signer.id}`);
  }
  const images = imagesOf(plan.sign);
  const outcomes = new Map<Image, ImageOutcome>();
  let done = 0;
  options.onProgress?.({ phase: 'signing', done, total: images.length });
  let cancelled = false;
  try {
    await mapLimit(
      images,
      options.concurrency ?? DEFAULT_MIGRATION_CONCURRENCY,
      async (image, _index, itemSignal) => {
        setMaxListeners(0, itemSignal);
        outcomes.set(image, await migrateImage(image, { ...options, key, signal: itemSignal }));
        done += 1;
        options.onProgress?.({ phase: 'signing', done, total: images.length, repository: image.repository });
      },
      signal ? { signal } : {},
    );
  } catch (error) {
    if (!(error instanceof CountersignError && error.code === 'cancelled')) throw error;
    cancelled = true;
  }
  const results = images.flatMap((image) => {
    const outcome = outcomes.get(image) ?? { outcome: 'cancelled' as const, error: { code: 'cancelled' as const, message: 'the run was cancelled before this image was confirmed signed; run again to finish (what is already there is not written twice)' } };
    return image.tags.map((tag): MigrationTagResult => ({ repository: tag.repository, tag: tag.tag, digest: tag.digest, signatureTag: signatureTag(tag.digest), ...outcome }));
  });
  return { plan, results, finishedAt: (options.now?.() ?? new Date()).toISOString(), cancelled, counts: countOutcomes(results) };
}

function imagesOf(planned: readonly PlannedSignature[]): Image[] {
  const images = new Map<string, Image>();
  for (const tag of planned) {
    const id = `${tag.repository}@${tag.digest}\n${tag.identity}`;
    const image = images.get(id) ?? { repository: tag.repository, digest: tag.digest, identity: tag.identity, tags: [] };
    image.tags.push(tag);
    images.set(id, image);
  }
  return [...images.values()];
}

/** How long the read-back after a failed or cancelled write may take. */
const READ_BACK_TIMEOUT_MS = 20_000;

async function migrateImage(image: Image, options: MigrationOptions & { key: KeyObject; signal: AbortSignal }): Promise<ImageOutcome> {
  const { registry, key, signal } = options;
  const expected = { manifestDigest: image.digest, dockerReference: image.identity };
  try {
    const stored = await readStoredSignatures(registry, image.repository, image.digest, { signal });
    const found = findValidSignature(stored, key, expected);
    if (found) return foundOutcome('already-signed', found);
    if (options.dryRun) return { outcome: 'planned' };
    const now = options.now?.() ?? new Date();
    const payload = simpleSigningPayload(expected, { creator: PAYLOAD_CREATOR, timestamp: Math.floor(now.getTime() / 1000) });
    const signature = cosignSign(options.signer, payload);
    try {
      await appendSignatures(registry, image.repository, stored, [{ payload, signature }], { signal });
    } catch (error) {
      // A lost answer or a cancel mid-write: the registry may have stored it all the same. Ask it
      // (on a signal of our own: the user's may be cancelled) before saying it failed.
      const after = await readStoredSignatures(registry, image.repository, image.digest, { signal: AbortSignal.timeout(READ_BACK_TIMEOUT_MS) }).catch(() => undefined);
      const landed = after === undefined ? undefined : findValidSignature(after, key, expected);
      if (landed) return foundOutcome('signed', landed);
      throw error;
    }
    // Only what the registry now serves counts: read it back and check it as a verifier would.
    const written = findValidSignature(await readStoredSignatures(registry, image.repository, image.digest, { signal }), key, expected);
    if (!written) throw new CountersignError('internal', `${image.repository}:${stored.tag} was stored, but reading it back shows no valid signature`);
    return foundOutcome('signed', written);
  } catch (error) {
    if (error instanceof CountersignError && error.code === 'cancelled') throw error;
    return { outcome: 'failed', error: toErrorInfo(error) };
  }
}

function foundOutcome(outcome: MigrationOutcome, stored: StoredSignature): ImageOutcome {
  return { outcome, layerDigest: stored.layer.digest, ...(stored.signature !== undefined ? { signature: stored.signature } : {}) };
}

function countOutcomes(results: readonly MigrationTagResult[]): Record<MigrationOutcome, number> {
  const counts: Record<MigrationOutcome, number> = { signed: 0, 'already-signed': 0, planned: 0, failed: 0, cancelled: 0 };
  for (const result of results) counts[result.outcome] += 1;
  return counts;
}
