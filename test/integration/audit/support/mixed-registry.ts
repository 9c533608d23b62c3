// The mixed fixture of the security review: one real registry and one real notary-server (sharing a
// CA), repositories signed by the real notary and docker clients over images pushed to the registry,
// then changed the ways real life changes them. What each tag must be audited as is returned.
import type { TagStatus } from '../../../../shared/audit';
import {
  dockerSigners,
  notaryTargetsOnly,
  pushedImageTargets,
  startNotaryServer,
  startRegistry,
  type FixtureContext,
  type NotaryServer,
  type Registry,
} from '../../../stack';
import { shortLivedReleases } from './short-lived-signer';

export const REPOS = {
  /** notary init + addhash: v1 signed, v2 re-pushed after signing, dev never signed, v3 signed but deleted. */
  admin: 'mixed/admin',
  /** docker trust signer add alice and bob; alice signs v1, bob v2; then alice is removed. */
  team: 'mixed/team',
  /** Pushed, never signed: no trust data at all. */
  plain: 'mixed/plain',
  /** targets/releases signed with a 5-day expiry. */
  expiring: 'mixed/expiring',
} as const;

export const EXPECTED: Record<string, Record<string, TagStatus>> = {
  [REPOS.admin]: { v1: 'signed', v2: 'digest-mismatch', dev: 'unsigned' },
  [REPOS.team]: { v1: 'revoked-signer', v2: 'signed' },
  [REPOS.plain]: { v1: 'unsigned' },
  [REPOS.expiring]: { v1: 'expiring-soon' },
};

export const EXPIRING_DAYS = 5;

export interface MixedRegistry {
  notary: NotaryServer;
  registry: Registry;
  /** The key ID of alice, the removed signer. */
  aliceKeyId: string;
  stop(): Promise<void>;
}

export async function startMixedRegistry(): Promise<MixedRegistry> {
  const notary = await startNotaryServer();
  const registry = await startRegistry({ ca: notary.ca });
  const disposers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const dispose of disposers) await dispose();
    await registry.stop();
    await notary.stop();
  };
  try {
    const ctx: FixtureContext = { notary, registryHost: registry.host, targetFor: pushedImageTargets(registry) };

    const admin = await notaryTargetsOnly(ctx, { repo: REPOS.admin, tags: ['v1', 'v2', 'v3'] });
    disposers.push(() => admin.dispose());
    await registry.repushTag(REPOS.admin, 'v2');
    await registry.pushImage(REPOS.admin, 'dev');
    await registry.deleteTag(REPOS.admin, 'v3');

    const team = await dockerSigners(ctx, { repo: REPOS.team, signs: { alice: ['v1'], bob: ['v2'] } });
    disposers.push(() => team.dispose());
    const alice = team.signers['alice'];
    if (!alice) throw new Error('the team fixture has no alice');
    // What `docker trust signer remove alice` is meant to do (docker 28 itself only does it for the
    // last releases signer): her key leaves targets/releases, and her own role keeps no key.
    const notaryOnDocker = team.admin.notary();
    await notaryOnDocker.delegationRemove(team.gun, 'targets/releases', { keyIds: [alice.keyId] });
    await notaryOnDocker.delegationRemove(team.gun, 'targets/alice', { keyIds: [alice.keyId] });

    await registry.pushImage(REPOS.plain, 'v1');

    const expiring = await shortLivedReleases(notary, registry, { repo: REPOS.expiring, days: EXPIRING_DAYS });
    disposers.push(() => expiring.dispose());
    return { notary, registry, aliceKeyId: alice.keyId, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
