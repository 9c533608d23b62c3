// Signing metadata with keys from the vault. Only signatures leave the vault (Signer.sign); which
// keys sign is decided here: for every set of keys that must sign (a role's own keys, and for a new
// root also the previous root's), as many of the held keys as its threshold needs.
import { CountersignError } from '../../../shared/errors';
import { canonicalKeyIdOf } from '../crypto/key-id';
import type { Signature as KeySignature } from '../crypto/types';
import type { KeyVault, Signer } from '../keys/vault';
import { canonicalString } from '../tuf/canonical';
import type { PublicKeyJson, Signature } from '../tuf/metadata';
import type { RoleKeyRequirement } from './draft';
import { notaryEnvelope } from './notary-form';

/** The signing side of the vault, as publishing needs it; keys are named by canonical ID. */
export interface SigningKeys {
  /** Canonical IDs of the keys that can sign now (in the keychain, not offline). */
  heldKeyIds(): Promise<ReadonlySet<string>>;
  signer(canonicalId: string): Promise<Signer>;
}

/**
 * The vault as SigningKeys for one operation: what it holds is read once, and each key is read from
 * the keychain once however many roles it signs. Make a new one per operation.
 */
export function vaultSigningKeys(vault: Pick<KeyVault, 'list' | 'getSigner'>): SigningKeys {
  let held: Promise<ReadonlySet<string>> | undefined;
  const signers = new Map<string, Promise<Signer>>();
  return {
    heldKeyIds: () => (held ??= vault.list().then((records) => new Set(records.filter((r) => r.location === 'keychain').map((r) => r.id)))),
    signer(id) {
      let signer = signers.get(id);
      if (!signer) {
        signer = vault.getSigner(id);
        signers.set(id, signer);
      }
      return signer;
    },
  };
}

/** The canonical ID of a key as metadata lists it, or undefined for one that cannot be read (it signs nothing). */
export function canonicalIdOrUndefined(key: PublicKeyJson | undefined): string | undefined {
  if (!key) return undefined;
  try {
    return canonicalKeyIdOf(key);
  } catch {
    return undefined;
  }
}

/** True when the vault holds at least one of the keys that sign this role. */
export async function holdsKeyFor(requirement: RoleKeyRequirement, keys: SigningKeys): Promise<boolean> {
  const held = await keys.heldKeyIds();
  return requirement.keyids.some((id) => {
    const canonical = canonicalIdOrUndefined(requirement.keys[id]);
    return canonical !== undefined && held.has(canonical);
  });
}

/**
 * Signs the canonical bytes of `signed` (in notary's form, see notary-form.ts) so that every
 * requirement's threshold is met, and returns the file as notary writes it. Signatures carry the key ID
 * the metadata lists (for a root certificate, the certificate's ID). Nothing is signed unless every
 * threshold can be met: a missing key is `key-not-found`, naming the role and the keys it needs.
 */
export async function signMetadata(signed: unknown, requirements: readonly RoleKeyRequirement[], keys: SigningKeys): Promise<Uint8Array> {
  const held = await keys.heldKeyIds();
  const plan = requirements.map((requirement) => signingPlan(requirement, held));
  const canonical = canonicalString(signed);
  const bytes = new TextEncoder().encode(canonical);
  const byKey = new Map<string, KeySignature>();
  const signatures: Signature[] = [];
  for (const chosen of plan) {
    for (const { keyid, canonicalId } of chosen) {
      if (signatures.some((s) => s.keyid === keyid)) continue;
      let signature = byKey.get(canonicalId);
      if (!signature) {
        signature = (await keys.signer(canonicalId)).sign(bytes);
        byKey.set(canonicalId, signature);
      }
      signatures.push({ keyid, method: signature.method, sig: signature.sig });
    }
  }
  return notaryEnvelope(canonical, signatures);
}

/** The listed keys this vault will sign with: the first `threshold` distinct held keys, in listed order. */
function signingPlan(requirement: RoleKeyRequirement, held: ReadonlySet<string>): { keyid: string; canonicalId: string }[] {
  const chosen: { keyid: string; canonicalId: string }[] = [];
  for (const keyid of requirement.keyids) {
    if (chosen.length >= requirement.threshold) break;
    const canonicalId = canonicalIdOrUndefined(requirement.keys[keyid]);
    if (canonicalId === undefined || !held.has(canonicalId) || chosen.some((c) => c.canonicalId === canonicalId)) continue;
    chosen.push({ keyid, canonicalId });
  }
  if (chosen.length < requirement.threshold) {
    const listed = requirement.keyids.map((id) => canonicalIdOrUndefined(requirement.keys[id]) ?? id).map((id) => id.slice(0, 12));
    throw new CountersignError(
      'key-not-found',
      `signing ${requirement.role} needs ${requirement.threshold} of its keys (${listed.join(', ') || 'none listed'}); the vault holds ${chosen.length} of them`,
      { role: requirement.role },
    );
  }
  return chosen;
}
