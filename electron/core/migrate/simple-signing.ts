// The payload a cosign signature signs: "simple signing" as cosign writes it and containers/image
// reads it (containers/image signature/internal/sigstore_payload.go). `critical` names exactly the
// image (its manifest digest) and the repository it was signed for; `optional` must be present, an
// object or null, and containers/image reads `creator` and an integer `timestamp` from it.
import { z } from 'zod';
import { CountersignError } from '../../../shared/errors';
import { parseStrictJson } from '../tuf/strict-json';
import { isDigest } from '../registry/digest';
import { COSIGN_SIGNATURE_TYPE } from './cosign-layout';

export interface SimpleSigningClaim {
  /** "sha256:<hex>" of the manifest signed. */
  manifestDigest: string;
  /** The repository as image references name it ("registry.example.com/team/app"), no tag. */
  dockerReference: string;
}

export interface PayloadOptions {
  /** Who wrote it (containers/image's `optional.creator`). */
  creator: string;
  /** Seconds since the epoch (containers/image's `optional.timestamp`). */
  timestamp: number;
}

/** The payload bytes: compact JSON, the form cosign uploads as the layer blob. */
export function simpleSigningPayload(claim: SimpleSigningClaim, options: PayloadOptions): Buffer {
  if (!isDigest(claim.manifestDigest)) throw new CountersignError('invalid-input', `not a manifest digest: "${claim.manifestDigest}"`);
  if (claim.dockerReference === '' || /[:@]/.test(claim.dockerReference.split('/').slice(1).join('/'))) {
    throw new CountersignError('invalid-input', `a signed identity names a repository without tag or digest, not "${claim.dockerReference}"`);
  }
  if (!Number.isSafeInteger(options.timestamp)) throw new CountersignError('invalid-input', 'the payload timestamp must be whole seconds');
  const payload = {
    critical: {
      identity: { 'docker-reference': claim.dockerReference },
      image: { 'docker-manifest-digest': claim.manifestDigest },
      type: COSIGN_SIGNATURE_TYPE,
    },
    optional: { creator: options.creator, timestamp: options.timestamp },
  };
  return Buffer.from(JSON.stringify(payload), 'utf8');
}

// Exactly the fields containers/image accepts in `critical` (it refuses any other), any in `optional`.
const payloadSchema = z.strictObject({
  critical: z.strictObject({
    identity: z.strictObject({ 'docker-reference': z.string().min(1) }),
    image: z.strictObject({ 'docker-manifest-digest': z.string().refine(isDigest, 'not a digest') }),
    type: z.literal(COSIGN_SIGNATURE_TYPE),
  }),
  optional: z.looseObject({ creator: z.string().optional(), timestamp: z.number().int().optional() }).nullable(),
});

/** What an (untrusted) payload claims; refused unless it has exactly the shape containers/image accepts. */
export function readSimpleSigningPayload(bytes: Uint8Array, what: string): SimpleSigningClaim {
  const parsed = payloadSchema.safeParse(parseStrictJson(bytes, what));
  if (!parsed.success) throw new CountersignError('metadata-malformed', `${what} is not a cosign simple-signing payload: ${parsed.error.message}`);
  return {
    manifestDigest: parsed.data.critical.image['docker-manifest-digest'],
    dockerReference: parsed.data.critical.identity['docker-reference'],
  };
}
