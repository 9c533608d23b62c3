// The exact bytes notary writes, and why they matter: notary-server does not hash the files we upload.
// It parses each into its Go structs and re-encodes it (json.Marshal) before hashing it into the
// snapshot it makes, and always into the timestamp. Our bytes must therefore be exactly what that
// re-encoding gives, or the server lists hashes of files it does not serve — the timestamp then points
// at no snapshot (the server answers 404 for timestamp.json) and clients refuse the repository.
// So we write what Go's structs hold and nothing else:
// - only the fields notary's structs have (unknown fields would be dropped by the re-encoding; notary's
//   own client drops them as well when it re-signs); a delegation's empty `paths` is omitted;
// - times as Go's RFC 3339 with nanoseconds: trailing zeros of the fraction dropped, "Z" for UTC;
// - {"signed": <canonical JSON>, "signatures": [...]}, signed first, with `<`, `>`, `&`, U+2028 and
//   U+2029 escaped as \u003c ... as encoding/json does (signatures cover the unescaped canonical form).
import { canonicalString } from '../tuf/canonical';
import type { FileMeta, PublicKeyJson, RootSigned, SnapshotSigned, TargetsSigned } from '../tuf/metadata';

/** Go's time.Time in JSON: RFC 3339 with only the fraction digits needed. */
export function goTime(date: Date): string {
  return date.toISOString().replace(/\.?0*Z$/, 'Z');
}

export function notaryRoot(root: RootSigned): object {
  return {
    _type: root._type,
    consistent_snapshot: root.consistent_snapshot ?? false,
    expires: root.expires,
    keys: mapValues(root.keys, notaryKey),
    roles: mapValues(root.roles as Record<string, { keyids: string[]; threshold: number }>, (role) => ({ keyids: role.keyids, threshold: role.threshold })),
    version: root.version,
  };
}

export function notaryTargets(targets: TargetsSigned): object {
  const delegations = targets.delegations ?? { keys: {}, roles: [] };
  return {
    _type: targets._type,
    delegations: {
      keys: mapValues(delegations.keys, notaryKey),
      roles: delegations.roles.map((role) => ({
        keyids: role.keyids,
        name: role.name,
        ...(role.paths && role.paths.length > 0 ? { paths: role.paths } : {}),
        threshold: role.threshold,
      })),
    },
    expires: targets.expires,
    targets: mapValues(targets.targets, notaryFileMeta),
    version: targets.version,
  };
}

export function notarySnapshot(snapshot: SnapshotSigned): object {
  return { _type: snapshot._type, expires: snapshot.expires, meta: mapValues(snapshot.meta, notaryFileMeta), version: snapshot.version };
}

/** A file as notary serialises it: {"signed": ..., "signatures": [...]} with Go's HTML escaping. */
export function notaryEnvelope(signedCanonical: string, signatures: readonly { keyid: string; method: string; sig: string }[]): Uint8Array {
  const list = signatures.map((s) => ({ keyid: s.keyid, method: s.method, sig: s.sig }));
  return new TextEncoder().encode(`{"signed":${escapeLikeGo(signedCanonical)},"signatures":${canonicalString(list)}}`);
}

function notaryKey(key: PublicKeyJson): PublicKeyJson {
  return { keytype: key.keytype, keyval: { private: null, public: key.keyval.public } };
}

function notaryFileMeta(meta: FileMeta): FileMeta {
  const custom = meta.custom;
  return { hashes: meta.hashes, length: meta.length, ...(custom !== undefined && custom !== null ? { custom } : {}) };
}

function mapValues<T, R>(record: Readonly<Record<string, T>>, map: (value: T) => R): Record<string, R> {
  const out: Record<string, R> = {};
  for (const [key, value] of Object.entries(record)) out[key] = map(value);
  return out;
}

const GO_HTML_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** In canonical JSON these characters can only sit inside strings, so replacing them everywhere is safe. */
function escapeLikeGo(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => GO_HTML_ESCAPES[c]!);
}
