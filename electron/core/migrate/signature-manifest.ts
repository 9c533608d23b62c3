// The signature image itself: an OCI manifest whose layers are signatures, and the config that goes
// with it (go-containerregistry's empty image with one history entry and one diff ID per layer, as
// cosign's mutate.Append leaves it). Appending keeps every existing layer, byte for byte, with its
// annotations (certificates, bundles, other signers' signatures).
import { z } from 'zod';
import { CountersignError } from '../../../shared/errors';
import { isDigest, sha256Digest } from '../registry/digest';
import { parseStrictJson } from '../tuf/strict-json';
import { COSIGN_MEDIA_TYPES, MAX_SIGNATURE_LAYERS, SIGNATURE_ANNOTATION } from './cosign-layout';

const descriptorSchema = z.looseObject({
  mediaType: z.string(),
  digest: z.string().refine(isDigest, 'not a digest'),
  size: z.number().int().nonnegative(),
  annotations: z.record(z.string(), z.string()).optional(),
});

export type Descriptor = z.infer<typeof descriptorSchema>;

const signatureManifestSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema).max(MAX_SIGNATURE_LAYERS),
});

export type SignatureManifest = z.infer<typeof signatureManifestSchema>;

/** A signature to add: its payload blob and the base64 signature for the annotation. */
export interface NewSignatureLayer {
  payload: Buffer;
  signature: string;
}

export interface BuiltSignatureImage {
  manifest: Buffer;
  config: Buffer;
  /** Blobs the registry must hold before the manifest can be stored (new payloads and the config). */
  blobs: Buffer[];
}

/** Reads a signature manifest; refuses anything that is not an image manifest with layers. */
export function readSignatureManifest(bytes: Uint8Array, what: string): SignatureManifest {
  const parsed = signatureManifestSchema.safeParse(parseStrictJson(bytes, what));
  if (!parsed.success) throw new CountersignError('metadata-malformed', `${what} is not a signature manifest: ${parsed.error.message}`);
  return parsed.data;
}

/** The layer descriptor of one signature. */
export function signatureLayer(layer: NewSignatureLayer): Descriptor {
  return {
    mediaType: COSIGN_MEDIA_TYPES.simpleSigning,
    size: layer.payload.length,
    digest: sha256Digest(layer.payload),
    annotations: { [SIGNATURE_ANNOTATION]: layer.signature },
  };
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The config of a signature image with these layers (the payloads are not compressed: diff ID = digest). */
function signatureConfig(layers: readonly Descriptor[]): Buffer {
  const config = {
    architecture: '',
    created: ZERO_TIME,
    history: layers.map(() => ({ created: ZERO_TIME })),
    os: '',
    rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.digest) },
    config: {},
  };
  return Buffer.from(JSON.stringify(config), 'utf8');
}

/** The signature image holding `existing`'s layers (if any) followed by the new ones. */
export function buildSignatureImage(existing: SignatureManifest | undefined, added: readonly NewSignatureLayer[]): BuiltSignatureImage {
  const layers = [...(existing?.layers ?? []), ...added.map(signatureLayer)];
  if (layers.length > MAX_SIGNATURE_LAYERS) {
    throw new CountersignError('metadata-too-large', `a signature image holds at most ${MAX_SIGNATURE_LAYERS} signatures`);
  }
  const config = signatureConfig(layers);
  const manifest = {
    schemaVersion: 2,
    mediaType: COSIGN_MEDIA_TYPES.manifest,
    config: { mediaType: COSIGN_MEDIA_TYPES.config, size: config.length, digest: sha256Digest(config) },
    layers,
    ...(existing?.annotations !== undefined ? { annotations: existing.annotations } : {}),
  };
  return { manifest: Buffer.from(JSON.stringify(manifest), 'utf8'), config, blobs: [...added.map((layer) => layer.payload), config] };
}
