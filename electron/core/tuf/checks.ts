// The individual checks of the TUF client workflow. Each is a few lines, refuses with an error
// that names the check and the role, and says in a comment which attack it stops.
import { createHash } from 'node:crypto';
import { CountersignError } from '../../../shared/errors';
import { canonicalBytes } from './canonical';
import type { Envelope, FileMeta, PublicKeyJson, RoleKeys, RootSigned, TargetsSigned } from './metadata';
import { checkDelegationName, checkDirectChild, TOP_LEVEL_ROLES } from './role-names';
import { certificateProblem, leafCertificateOf } from '../crypto/certificate-rules';
import { canonicalKeyIdOf, keyId } from '../crypto/key-id';
import { verifySignature } from '../crypto/verify';

/**
 * Arbitrary software / unauthorised change: a threshold of the role's keys must have signed the
 * exact `signed` object we use. Thresholds count distinct keys, so one key signing twice, or the
 * same public key listed under a bare and a certificate ID, counts once.
 */
export function checkThreshold(
  envelope: Envelope<unknown>,
  role: RoleKeys,
  keys: Readonly<Record<string, PublicKeyJson>>,
  roleName: string,
  isUsable: (keyId: string, key: PublicKeyJson) => boolean = () => true,
): void {
  // The served bytes of `signed` are what notary signed whenever it wrote them canonically (always, in
  // practice); a signature over them vouches for exactly the object we parsed from them. Other
  // serialisations fall back to encoding the parsed object canonically.
  let canonical: Uint8Array | undefined;
  const verifies = (key: PublicKeyJson, method: string, sig: string) =>
    verifySignature(key, method, envelope.signedBytes, sig) ||
    verifySignature(key, method, (canonical ??= canonicalOrMalformed(envelope.signedJson, roleName)), sig);
  const trusted = new Set(role.keyids);
  const counted = new Set<string>();
  const problems: string[] = [];
  for (const signature of envelope.signatures) {
    if (!trusted.has(signature.keyid)) continue; // unknown-key signatures never count
    const key = keys[signature.keyid];
    if (!key || !isUsable(signature.keyid, key)) continue;
    const identity = identityOf(key);
    if (identity === undefined) {
      problems.push(`key ${short(signature.keyid)} is a certificate that cannot be parsed`);
      continue;
    }
    if (counted.has(identity)) continue;
    if (verifiesOrUnsupported(() => verifies(key, signature.method, signature.sig))) counted.add(identity);
    else problems.push(`the signature by key ${short(signature.keyid)} (method "${signature.method}") does not verify`);
  }
  if (counted.size < role.threshold) {
    const detail = problems.length ? ` (${problems.join('; ')})` : '';
    throw new CountersignError(
      'signature-threshold',
      `${roleName} has ${counted.size} valid signature(s) from its trusted keys, needs ${role.threshold}${detail}`,
      { role: roleName },
    );
  }
}

/** The key's canonical ID, or undefined for a certificate that cannot be parsed (a key that signs nothing). */
function identityOf(key: PublicKeyJson): string | undefined {
  try {
    return canonicalKeyIdOf(key);
  } catch {
    return undefined;
  }
}

/** A number canonical JSON cannot encode (a fraction, an unsafe integer) is bad data, not a crash. */
function canonicalOrMalformed(signed: unknown, roleName: string): Uint8Array {
  try {
    return canonicalBytes(signed);
  } catch (error) {
    throw new CountersignError('metadata-malformed', `${roleName}: "signed" cannot be encoded as canonical JSON: ${(error as Error).message}`, {
      role: roleName,
      cause: error,
    });
  }
}

/**
 * A signature in a method its key cannot use counts as no signature, like one that does not verify:
 * it must not veto the valid signatures beside it (notary skips it too).
 */
function verifiesOrUnsupported(verify: () => boolean): boolean {
  try {
    return verify();
  } catch (error) {
    if (error instanceof CountersignError && error.code === 'key-unsupported') return false;
    throw error;
  }
}

/** A key whose ID is not the hash of its content could stand in for another key. */
export function checkKeyIds(keys: Readonly<Record<string, PublicKeyJson>>, ids: readonly string[], roleName: string): void {
  for (const id of ids) {
    const key = keys[id];
    if (key && keyId(key) !== id) {
      throw new CountersignError('key-id-mismatch', `${roleName} names key ${short(id)}, but that key's content hashes to ${short(keyId(key))}`, {
        role: roleName,
      });
    }
  }
}

/** Freeze attack: metadata past its expiry could be an attacker replaying a stale view. */
export function checkNotExpired(expires: string, now: Date, roleName: string): void {
  const at = Date.parse(expires);
  // A date that does not exist (month 13) parses to NaN, which no comparison would ever call expired.
  if (Number.isNaN(at)) throw new CountersignError('metadata-malformed', `${roleName} expires at "${expires}", which is not a date`, { role: roleName });
  if (at <= now.getTime()) {
    throw new CountersignError('expired', `${roleName} expired on ${expires}`, { role: roleName });
  }
}

/** Rollback attack: a version older than one we already trusted. */
export function checkVersionNotBelow(version: number, trusted: number | undefined, roleName: string): void {
  if (trusted !== undefined && version < trusted) {
    throw new CountersignError('version-rollback', `${roleName} version ${version} is older than the trusted version ${trusted}`, {
      role: roleName,
    });
  }
}

/**
 * Mix-and-match: the bytes must be exactly those snapshot (or timestamp) vouched for. `knownSha256`
 * is the hex sha256 of these very bytes when it was computed already (by the cache, which hashed
 * them as it read them), so that no byte is hashed twice. Returns the hex sha256 of the bytes when
 * the parent lists one, for the cache to file them under.
 */
export function checkFileMeta(bytes: Uint8Array, meta: FileMeta, roleName: string, knownSha256?: string): string | undefined {
  if (bytes.length !== meta.length) {
    throw new CountersignError('length-mismatch', `${roleName} is ${bytes.length} bytes, but its parent says ${meta.length}`, {
      role: roleName,
    });
  }
  // Only hashes we compute count: a parent listing nothing but, say, md5 vouches for no bytes at all.
  const expected = Object.entries(meta.hashes).filter(
    (entry): entry is ['sha256' | 'sha512', string] => (entry[0] === 'sha256' || entry[0] === 'sha512') && typeof entry[1] === 'string',
  );
  if (expected.length === 0) {
    throw new CountersignError('hash-mismatch', `${roleName} has no sha256 or sha512 in its parent's metadata to check it against`, { role: roleName });
  }
  let sha256: string | undefined;
  for (const [algorithm, want] of expected) {
    const digest = algorithm === 'sha256' && knownSha256 !== undefined ? Buffer.from(knownSha256, 'hex') : createHash(algorithm).update(bytes).digest();
    if (digest.toString('base64') !== want) {
      throw new CountersignError('hash-mismatch', `${roleName} does not match the ${algorithm} its parent's metadata lists`, { role: roleName });
    }
    if (algorithm === 'sha256') sha256 = digest.toString('hex');
  }
  return sha256;
}

/**
 * Notary's root keys are certificates bound to the repository (trustpinning/certs.go
 * validRootLeafCerts, tuf/utils/x509.go ValidateCertificate): a bundle with one leaf first, CN = GUN,
 * no SHA-1, a usable key, and a validity window around `now` (a day's leeway on notBefore). A
 * certificate failing any of these does not count towards the threshold. Without `now`, validity in
 * time is not checked (notary's checkExpiry = false, used for the trusted root: a trusted root whose
 * certificate expired may still vouch for its successor); everything else still is.
 */
export function usableRootKey(gun: string, now: Date | undefined): (id: string, key: PublicKeyJson) => boolean {
  return (_id, key) => rootCertificateProblem(key, gun, now) === undefined;
}

export function rootCertificateProblem(key: PublicKeyJson, gun: string, now: Date | undefined): string | undefined {
  if (key.keytype !== 'ecdsa-x509' && key.keytype !== 'rsa-x509') return `a ${key.keytype} key is not a certificate`;
  const bundle = leafCertificateOf(Buffer.from(key.keyval.public, 'base64').toString('utf8'));
  if (typeof bundle === 'string') return bundle;
  const cert = bundle.leaf;
  // Mix-and-match of repositories: a certificate for another GUN. notary also accepts a CN ending in
  // "*" as a prefix of the GUN; we accept only the exact GUN, which is what notary init writes.
  if (cert.commonName !== gun) return `its certificate is for "${cert.commonName}", not "${gun}"`;
  return certificateProblem(cert, now);
}

/** A root whose own root keys are all unusable can never be trusted, whatever signed it. */
export function checkRootCertificates(root: RootSigned, gun: string, now: Date | undefined): void {
  const problems = root.roles.root.keyids.map((id) => {
    const key = root.keys[id];
    return key ? rootCertificateProblem(key, gun, now) : 'it is not in the key list';
  });
  const usable = problems.filter((p) => p === undefined).length;
  if (usable < root.roles.root.threshold) {
    const why = root.roles.root.keyids.map((id, i) => (problems[i] ? `key ${short(id)}: ${problems[i]}` : '')).filter(Boolean);
    throw new CountersignError('root-certificate', `root has ${usable} usable root certificate(s), needs ${root.roles.root.threshold}: ${why.join('; ')}`, {
      role: 'root',
    });
  }
}

/** Root's own structure (notary: isValidRootStructure): version 1 or later, every role's keys included. */
export function checkRootStructure(root: RootSigned): void {
  checkVersionAtLeastOne(root.version, 'root');
  for (const role of TOP_LEVEL_ROLES) checkRoleKeysListed(root.roles[role], root.keys, role, 'root');
}

/**
 * A role that lists a key it does not include (notary: isValidRootRoleStructure, "key ID specified
 * without corresponding key"): notary refuses the whole file; a key that is not there can never
 * sign, so quietly counting without it would hide a broken or tampered file.
 */
export function checkRoleKeysListed(role: RoleKeys, keys: Readonly<Record<string, PublicKeyJson>>, roleName: string, listedBy: string): void {
  const missing = role.keyids.find((id) => !Object.hasOwn(keys, id));
  if (missing !== undefined) {
    throw new CountersignError('metadata-malformed', `${listedBy} lists key ${short(missing)} for ${roleName} without including that key`, { role: listedBy });
  }
}

/** notary (isValid*Structure): "version cannot be less than one". Version 0 is never published. */
export function checkVersionAtLeastOne(version: number, roleName: string): void {
  if (version < 1) throw new CountersignError('metadata-malformed', `${roleName} has version ${version}; versions start at 1`, { role: roleName });
}

const HASH_BYTES = { sha256: 32, sha512: 64 } as const;
/**
 * Canonical base64 of exactly 32 / 64 bytes (the last character carries only the bits that are
 * left): a regular expression, not a decode, since a large targets file has tens of thousands.
 */
const HASH_BASE64 = { sha256: /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/, sha512: /^[A-Za-z0-9+/]{85}[AQgw]==$/ } as const;

/**
 * The hashes a parent lists for a file must be hashes at all (notary: CheckValidHashStructures): a
 * sha256 of 32 bytes, a sha512 of 64. With `requireSha256` (timestamp's snapshot, snapshot's root
 * and targets: notary's IsValidTimestampStructure / IsValidSnapshotStructure), the file must be
 * listed, with a sha256. Refused with the codes checkFileMeta would give (the file cannot be matched).
 */
export function checkFileMetaHashes(meta: FileMeta | undefined, file: string, listedBy: string, requireSha256: boolean): void {
  if (meta === undefined) throw new CountersignError('role-missing', `${listedBy} does not list ${file}`, { role: file });
  const fail = (why: string) => new CountersignError('hash-mismatch', `${listedBy} ${why}, so nothing pins its bytes`, { role: file });
  if (requireSha256 && meta.hashes.sha256 === undefined) throw fail(`lists no sha256 for ${file}`);
  for (const algorithm of ['sha256', 'sha512'] as const) {
    const hash = meta.hashes[algorithm];
    if (hash !== undefined && !HASH_BASE64[algorithm].test(hash)) {
      throw fail(`lists a ${algorithm} for ${file} that is not ${HASH_BYTES[algorithm]} bytes`);
    }
  }
}

/**
 * Every delegation a targets file grants must have a valid name, be a direct child of the file's
 * role, appear once and list only keys the file includes (notary: isValidTargetsStructure refuses
 * the whole file otherwise; a name listed twice it resolves to the first entry). Checked when the
 * file is admitted, before any request is made for those names.
 */
export function checkDelegationsOf(targets: TargetsSigned, roleName: string): void {
  const delegations = targets.delegations;
  if (!delegations) return;
  const seen = new Set<string>();
  for (const role of delegations.roles) {
    checkDelegationName(role.name, roleName);
    // Two entries for one name leave open which keys count (notary takes the first): refused.
    if (seen.has(role.name)) throw new CountersignError('metadata-malformed', `${roleName} delegates ${role.name} twice`, { role: roleName });
    seen.add(role.name);
    checkDirectChild(role.name, roleName);
    checkRoleKeysListed(role, delegations.keys, role.name, roleName);
  }
}

/**
 * A target is a signed tag only with a sha256 of 32 bytes: that is the digest docker pulls by, and
 * the only hash docker, notary and the registry agree on. A target listing only sha512 (notary
 * accepts it) or a sha256 that is not 32 bytes vouches for no image anyone can pull; it is left out,
 * with this reason, never shown with an empty digest.
 */
export function targetDigestProblem(meta: FileMeta): string | undefined {
  const sha256 = meta.hashes.sha256;
  if (sha256 === undefined) return 'it lists no sha256, the digest docker pulls by';
  if (!HASH_BASE64.sha256.test(sha256)) return 'its sha256 is not 32 bytes';
  return undefined;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function short(id: string): string {
  return id.slice(0, 12);
}
