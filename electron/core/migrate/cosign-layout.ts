// How cosign stores a signature, in one place (sigstore/cosign pkg/oci, pkg/types): an OCI image
// manifest tagged "sha256-<hex>.sig" in the image's own repository, one layer per signature whose
// blob is the simple-signing payload and whose annotation carries the base64 signature. Every name
// of that layout lives here; nothing else spells them.
import { CountersignError } from '../../../shared/errors';
import { parseDigest } from '../registry/digest';

export const COSIGN_MEDIA_TYPES = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  simpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
} as const;

/** The layer annotation holding the base64 ASN.1 (DER) ECDSA signature of the payload blob. */
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';

/** The signature type cosign writes and containers/image requires in `critical.type`. */
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';

/** cosign refuses a signature image with more layers than this; so do we. */
export const MAX_SIGNATURE_LAYERS = 1000;

/** "sha256:<hex>" -> "sha256-<hex>.sig", the tag cosign attaches signatures of that manifest to. */
export function signatureTag(manifestDigest: string): string {
  const parsed = parseDigest(manifestDigest);
  if (parsed === undefined) throw new CountersignError('invalid-input', `not a manifest digest: "${manifestDigest}"`);
  return `${parsed.algorithm}-${parsed.hex}.sig`;
}

/** The suffixes cosign attaches to "sha256-<hex>": signatures, attestations, SBOMs. */
const ATTACHMENT_TAG = /^sha256-[0-9a-f]{64}\.(?:sig|att|sbom)$/;

/**
 * Whether a tag is a cosign attachment rather than an image someone pushed: such tags hold
 * signatures of other manifests, so DCT never signs them and an audit must not call them unsigned.
 */
export function isCosignAttachmentTag(tag: string): boolean {
  return ATTACHMENT_TAG.test(tag);
}
