// The unit tests' side of publishing: keys from the repo simulator as SigningKeys, a draft over what
// the simulator serves, and a "server" that accepts built files the way notary-server does (stores
// them, signs a snapshot when it holds the key, always a timestamp), so that the verifier can judge
// what Countersign wrote.
import { CountersignError } from '../../../../shared/errors';
import { canonicalKeyIdOf } from '../../../../electron/core/crypto/key-id';
import { publicKeyOf, signWith } from '../../../../electron/core/crypto/private-key';
import { createRootCertificateKey } from '../../../../electron/core/crypto/certificate';
import type { Signer } from '../../../../electron/core/keys/vault';
import { RepositoryDraft } from '../../../../electron/core/publish/draft';
import type { SigningKeys } from '../../../../electron/core/publish/signing';
import type { BuiltUpdate } from '../../../../electron/core/publish/build-update';
import type { RefreshResult } from '../../../../electron/core/tuf/updater';
import { decodeFile, fileMeta, sha256Hex, signFile, type RepoSimulator, type SimKey, type SnapshotJson, type TimestampJson } from '../../../helpers/repo-simulator';
import { refreshSim } from '../../../helpers/tuf-harness';

/** A vault holding exactly these keys; `signed` counts signatures per canonical key ID. */
export function heldKeys(keys: readonly SimKey[]): SigningKeys & { signed: Map<string, number> } {
  const byId = new Map(keys.map((key) => [canonicalKeyIdOf(key.public), key]));
  const signed = new Map<string, number>();
  return {
    signed,
    heldKeyIds: async () => new Set(byId.keys()),
    async signer(id): Promise<Signer> {
      const key = byId.get(id);
      if (!key) throw new CountersignError('key-not-found', `No key ${id} in the vault.`);
      return {
        id,
        role: 'test',
        publicKey: publicKeyOf(key.material),
        sign: (data) => {
          signed.set(id, (signed.get(id) ?? 0) + 1);
          return signWith(key.material, data);
        },
        certificateKey: (gun) => createRootCertificateKey(key.material, gun),
      };
    },
  };
}

/** Every current key of the given roles in the simulator. */
export function simKeysOf(sim: RepoSimulator, ...roles: string[]): SimKey[] {
  return roles.flatMap((role) => sim.keys.get(role) ?? []);
}

export async function draftOf(sim: RepoSimulator): Promise<{ draft: RepositoryDraft; result: RefreshResult }> {
  const result = await refreshSim(sim);
  return { draft: RepositoryDraft.fromVerified(result.trusted, result.failedDelegations), result };
}

/**
 * Serves the uploaded files as notary-server would after accepting them: each under its plain,
 * versioned and by-hash names; a snapshot signed with the simulator's snapshot key when none was
 * uploaded; and a new timestamp over the snapshot.
 */
export function acceptUpload(sim: RepoSimulator, update: BuiltUpdate): void {
  const serve = (role: string, bytes: Uint8Array) => {
    const version = decodeFile(bytes).signed.version;
    sim.files.set(`${role}.json`, bytes);
    sim.files.set(`${version}.${role}.json`, bytes);
    sim.files.set(`${role}.${sha256Hex(bytes)}.json`, bytes);
  };
  for (const [role, bytes] of update.files) serve(role, bytes);
  if (!update.files.has('snapshot')) {
    const snapshot = decodeFile<SnapshotJson>(sim.file('snapshot')).signed;
    for (const [role, bytes] of update.files) snapshot.meta[role] = fileMeta(bytes);
    snapshot.version += 1;
    serve('snapshot', signFile(snapshot, simKeysOf(sim, 'snapshot')));
  }
  const timestamp = decodeFile<TimestampJson>(sim.file('timestamp')).signed;
  timestamp.meta = { snapshot: fileMeta(sim.file('snapshot')) };
  timestamp.version += 1;
  serve('timestamp', signFile(timestamp, simKeysOf(sim, 'timestamp')));
}
