// The cosign side of an evidence archive: for each tag the verified DCT data signs, the cosign
// signature (by the given key) that replaced it, taken from the registry; and the offline check that
// each archived signature verifies with the archived public key and covers the very digest the
// archived, verified DCT data signs for that tag. After the notary server is gone, this is what shows
// that the new signature vouches for nothing DCT had not vouched for.
import type { KeyObject } from 'node:crypto';
import type { ArchiveCheck } from '../../../shared/audit';
import { checkStoredSignature, findValidSignature, readCosignPublicKey, readStoredSignatures } from '../migrate';
import type { RegistryClient } from '../registry';
import { sha256Digest } from '../registry/digest';
import type { CosignEvidence, TagMap } from './format';
import { failedWith, passed } from './checks';

export interface CosignSource {
  registry: RegistryClient;
  /** The registry's name of the repository ("team/app"). */
  repository: string;
  key: KeyObject;
  publicKeyPem: string;
  signal?: AbortSignal;
}

/** The signature by `source.key` of each DCT-signed tag's digest, where the registry has one. */
export async function collectCosignEvidence(gun: string, tagMap: TagMap, source: CosignSource): Promise<CosignEvidence> {
  const signatures: CosignEvidence['signatures'] = [];
  for (const [tag, digests] of Object.entries(tagMap.signedTags).sort(([a], [b]) => a.localeCompare(b))) {
    for (const hex of Object.keys(digests).sort()) {
      const digest = `sha256:${hex}`;
      const stored = await readStoredSignatures(source.registry, source.repository, digest, source.signal ? { signal: source.signal } : {});
      const found = findValidSignature(stored, source.key, { manifestDigest: digest, dockerReference: gun });
      if (!found?.signature) continue;
      signatures.push({ tag, digest, signatureTag: stored.tag, layerDigest: found.layer.digest, payload: found.payload.toString('base64'), signature: found.signature });
    }
  }
  return { publicKeyPem: source.publicKeyPem, signatures };
}

/** The offline check: key, payload digest, signature, identity, and the DCT-signed digest of the tag. */
export function checkCosignEvidence(gun: string, evidence: CosignEvidence, tagMap: TagMap): ArchiveCheck {
  let key: KeyObject;
  try {
    key = readCosignPublicKey(evidence.publicKeyPem, 'the archived cosign public key');
  } catch (error) {
    return failedWith('cosign', 'pem-invalid', error instanceof Error ? error.message : String(error));
  }
  const problems: string[] = [];
  for (const entry of evidence.signatures) {
    const payload = Buffer.from(entry.payload, 'base64');
    const what = `${entry.tag} (${entry.digest})`;
    if (sha256Digest(payload) !== entry.layerDigest) {
      problems.push(`${what}: the payload does not hash to its layer digest ${entry.layerDigest}`);
      continue;
    }
    const check = checkStoredSignature(
      { layer: { mediaType: '', digest: entry.layerDigest, size: payload.length }, payload, signature: entry.signature },
      key,
      { manifestDigest: entry.digest, dockerReference: gun },
    );
    if (!check.ok) problems.push(`${what}: ${check.reason}`);
    else if (tagMap.signedTags[entry.tag]?.[entry.digest.slice('sha256:'.length)] === undefined) {
      problems.push(`${what}: the verified DCT data does not sign this digest for ${entry.tag}`);
    }
  }
  if (problems.length > 0) return failedWith('cosign', 'signature-threshold', problems.join('; '));
  return passed('cosign', `${evidence.signatures.length} cosign signature(s) verify with the archived key and cover digests the verified DCT data signs`);
}
