// Reading and writing the cosign signatures of one image in a registry: the "sha256-<hex>.sig"
// manifest of its repository, each simple-signing layer with its payload blob. Works for signatures
// cosign made as well as ours: only the layout is assumed, never who wrote it.
import type { KeyObject } from 'node:crypto';
import { CountersignError } from '../../../shared/errors';
import type { CallOptions, RegistryClient } from '../registry';
import { COSIGN_MEDIA_TYPES, SIGNATURE_ANNOTATION, signatureTag } from './cosign-layout';
import { cosignVerify } from './cosign-key';
import { buildSignatureImage, readSignatureManifest, type Descriptor, type NewSignatureLayer, type SignatureManifest } from './signature-manifest';
import { readSimpleSigningPayload, type SimpleSigningClaim } from './simple-signing';

/** A simple-signing payload is a few hundred bytes; a huge one is refused unread. */
const MAX_PAYLOAD_BYTES = 64 * 1024;

export interface StoredSignature {
  layer: Descriptor;
  payload: Buffer;
  /** The base64 signature from the layer annotation; undefined when the layer carries none. */
  signature: string | undefined;
}

export interface StoredSignatures {
  /** The manifest digest whose signatures these are. */
  digest: string;
  tag: string;
  /** Undefined when the image has no signature manifest at all. */
  manifest: SignatureManifest | undefined;
  signatures: StoredSignature[];
}

/** Every simple-signing layer attached to `digest` in `repository`, with its payload (checked against its digest). */
export async function readStoredSignatures(registry: RegistryClient, repository: string, digest: string, options: CallOptions = {}): Promise<StoredSignatures> {
  const tag = signatureTag(digest);
  const fetched = await registry.fetchManifest(repository, tag, options);
  if (fetched === undefined) return { digest, tag, manifest: undefined, signatures: [] };
  const manifest = readSignatureManifest(fetched.body, `the signature manifest ${repository}:${tag}`);
  const signatures: StoredSignature[] = [];
  for (const layer of manifest.layers) {
    if (layer.mediaType !== COSIGN_MEDIA_TYPES.simpleSigning) continue;
    if (layer.size > MAX_PAYLOAD_BYTES) continue;
    const payload = await registry.fetchBlob(repository, layer.digest, MAX_PAYLOAD_BYTES, options);
    if (payload === undefined) {
      throw new CountersignError('metadata-malformed', `${repository}:${tag} lists the payload ${layer.digest}, which the registry does not hold`);
    }
    signatures.push({ layer, payload, signature: layer.annotations?.[SIGNATURE_ANNOTATION] });
  }
  return { digest, tag, manifest, signatures };
}

/** Why a stored signature does or does not vouch for an image under a key. */
export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Whether one stored signature is `key`'s signature of a payload naming exactly this digest and this
 * repository: the checks containers/image's sigstore verification makes with a public key.
 */
export function checkStoredSignature(stored: StoredSignature, key: KeyObject, expected: SimpleSigningClaim): SignatureCheck {
  if (stored.signature === undefined) return { ok: false, reason: `layer ${stored.layer.digest} carries no ${SIGNATURE_ANNOTATION} annotation` };
  if (!cosignVerify(key, stored.payload, stored.signature)) return { ok: false, reason: `layer ${stored.layer.digest} is not signed by the given key` };
  let claim: SimpleSigningClaim;
  try {
    claim = readSimpleSigningPayload(stored.payload, `the payload ${stored.layer.digest}`);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  if (claim.manifestDigest !== expected.manifestDigest) return { ok: false, reason: `layer ${stored.layer.digest} signs ${claim.manifestDigest}, not ${expected.manifestDigest}` };
  if (claim.dockerReference !== expected.dockerReference) {
    return { ok: false, reason: `layer ${stored.layer.digest} signs it for ${claim.dockerReference}, not ${expected.dockerReference}` };
  }
  return { ok: true };
}

/** The first stored signature that vouches for the image under `key`, if any. */
export function findValidSignature(stored: StoredSignatures, key: KeyObject, expected: SimpleSigningClaim): StoredSignature | undefined {
  return stored.signatures.find((signature) => checkStoredSignature(signature, key, expected).ok);
}

/**
 * Appends signatures to the image's signature manifest (creating it when there is none): the blobs
 * first, then the manifest, so the registry never lists a layer it cannot serve.
 */
export async function appendSignatures(
  registry: RegistryClient,
  repository: string,
  existing: StoredSignatures,
  added: readonly NewSignatureLayer[],
  options: CallOptions = {},
): Promise<string> {
  const image = buildSignatureImage(existing.manifest, added);
  for (const blob of image.blobs) await registry.uploadBlob(repository, blob, options);
  return registry.putManifest(repository, existing.tag, { mediaType: COSIGN_MEDIA_TYPES.manifest, body: image.manifest }, options);
}
