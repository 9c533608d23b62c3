// Scenario builders: real repositories on a real notary server, made with the real notary and docker
// clients, each returning the facts a test asserts against (tags with digest, size and the roles that
// hold them; signer names and key IDs; root and targets key IDs as docker trust inspect shows them).
//
// Every builder names its repository <registryHost>/<repo>, with a unique repo name by default so
// that many fixtures can share one server. Tag digests come from ctx.targetFor: by default a made-up
// but stable digest, or real manifests pushed to a registry with pushedImageTargets(registry).
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dockerTrust, type DockerTrust } from './docker-trust';
import { canonicalKeyIdOfTufKey, publicPemOfTrustDirKey } from './keys';
import { rootKey, rootRoleKeyIds, versionOf } from './metadata';
import { notaryCli, type NotaryCli } from './notary-cli';
import type { NotaryServer } from './notary-server';
import type { Registry } from './registry';

export interface TargetFact {
  /** Hex SHA-256 of the manifest, as trust data and docker trust inspect record it. */
  sha256: string;
  size: number;
}

/** Decides what a fixture signs for GUN:TAG. */
export type TargetSource = (gun: string, tag: string) => Promise<TargetFact>;

export interface FixtureContext {
  notary: Pick<NotaryServer, 'url' | 'caFile' | 'roleJson'>;
  /** The registry part of every GUN. Default "localhost:5000" (nothing needs to listen there). */
  registryHost?: string;
  targetFor?: TargetSource;
}

export interface TagFact extends TargetFact {
  tag: string;
  /** Every role holding this tag, sorted ("targets", "targets/alice", "targets/releases", ...). */
  roles: string[];
}

export interface RepoFacts {
  gun: string;
  tags: Record<string, TagFact>;
  /** The ID root.json lists for the root role: a certificate ID (what docker shows as Root). */
  rootKeyId: string;
  /** The targets key ID (docker's "Repository" key). */
  targetsKeyId: string;
  snapshotKeyId: string;
  /** Whether the snapshot key lives with the client or on the server. */
  snapshotKey: 'client' | 'server';
  /** Removes the trust and config dirs the fixture made (the server keeps the repository). */
  dispose(): Promise<void>;
}

export interface NotaryRepoFixture extends RepoFacts {
  /** The client holding root, targets (and snapshot, unless server-managed) keys. */
  admin: NotaryCli;
}

export interface DockerSigner {
  name: string;
  /** "targets/<name>". */
  role: string;
  keyId: string;
  publicKeyFile: string;
  /** The signer's own docker config, holding only their key. */
  docker: DockerTrust;
}

export interface DockerSignersFixture extends RepoFacts {
  /** The docker config that ran `docker trust signer add` and so holds root and targets keys. */
  admin: DockerTrust;
  signers: Record<string, DockerSigner>;
}

export interface RotatedRootFixture extends NotaryRepoFixture {
  /** The root key ID before the rotation (a certificate ID). */
  oldRootKeyId: string;
  rootVersion: number;
}

export interface DelegationFact {
  role: string;
  paths: string[];
  /** Canonical key IDs, as `notary delegation list` and docker show them. */
  keyIds: string[];
}

export interface DelegationsFixture extends NotaryRepoFixture {
  delegations: Record<string, DelegationFact>;
}

// ---------------------------------------------------------------------------------------------
// Target sources

/** A stable made-up target: the same (gun, tag) always gives the same digest and size. */
export const fakeTargets: TargetSource = (gun, tag) => {
  const hash = createHash('sha256').update(`${gun}:${tag}`).digest();
  return Promise.resolve({ sha256: hash.toString('hex'), size: 500 + hash.readUInt16BE(0) });
};

/**
 * Pushes a real image for every tag a fixture signs, so that registry and trust data agree
 * (until a test re-pushes a tag). The GUN's repository path is used as the registry repository.
 */
export function pushedImageTargets(registry: Pick<Registry, 'pushImage'>, seed = 'fixture'): TargetSource {
  return async (gun, tag) => {
    const repo = gun.slice(gun.indexOf('/') + 1);
    const image = await registry.pushImage(repo, tag, { seed });
    return { sha256: image.sha256, size: image.size };
  };
}

// ---------------------------------------------------------------------------------------------
// Builders

/** a) `notary init` and tags added straight into targets (no delegations, snapshot key local). */
export function notaryTargetsOnly(
  ctx: FixtureContext,
  options: { repo?: string; tags?: readonly string[] } = {},
): Promise<NotaryRepoFixture> {
  return notaryRepoWithTargets(ctx, gunFor(ctx, options.repo, 'targets-only'), options.tags ?? ['v1', 'v2', 'latest'], 'client');
}

/**
 * b) Signers added with `docker trust signer add` (which creates the repository with a
 * server-managed snapshot key), each signing with their own docker config the way
 * `docker trust sign` does: into targets/releases and targets/<name>.
 */
export async function dockerSigners(
  ctx: FixtureContext,
  options: { repo?: string; signs?: Record<string, readonly string[]> } = {},
): Promise<DockerSignersFixture> {
  const gun = gunFor(ctx, options.repo, 'signers');
  const signs = options.signs ?? { alice: ['v1'], bob: ['v2'] };
  const admin = await dockerTrust({ server: ctx.notary.url, caFile: ctx.notary.caFile });
  const signers: Record<string, DockerSigner> = {};
  for (const name of Object.keys(signs)) {
    const docker = await dockerTrust({ server: ctx.notary.url, caFile: ctx.notary.caFile });
    const key = await docker.keyGenerate(name);
    await admin.signerAdd(name, gun, [key.publicKeyFile]);
    signers[name] = { name, role: `targets/${name}`, keyId: key.keyId, publicKeyFile: key.publicKeyFile, docker };
  }

  const tags: Record<string, TagFact> = {};
  for (const [name, signerTags] of Object.entries(signs)) {
    const signer = signers[name];
    if (signer === undefined) continue;
    for (const tag of signerTags) {
      // Co-signers of one tag must agree on the digest, so the first signer's target is reused.
      const target = tags[tag] ?? { tag, ...(await targetSource(ctx)(gun, tag)), roles: [] };
      const roles = await signer.docker.signLikeDocker(gun, tag, target.size, target.sha256);
      tags[tag] = { ...target, roles: [...new Set([...target.roles, ...roles])].sort() };
    }
  }
  return {
    ...(await keyFacts(ctx, gun, 'server')),
    gun,
    tags,
    admin,
    signers,
    dispose: async () => {
      await admin.dispose();
      for (const signer of Object.values(signers)) await signer.docker.dispose();
    },
  };
}

/** c) One tag signed by two signers (alice and bob both sign v1 with the same digest). */
export function twoSignersOneTag(ctx: FixtureContext, options: { repo?: string } = {}): Promise<DockerSignersFixture> {
  return dockerSigners(ctx, { repo: options.repo ?? uniqueRepo('cosigned'), signs: { alice: ['v1'], bob: ['v1'] } });
}

/** d) A repository whose root key was rotated (`notary key rotate GUN root`), with tags on both sides. */
export async function rotatedRoot(
  ctx: FixtureContext,
  options: { repo?: string; tagsBefore?: readonly string[]; tagsAfter?: readonly string[] } = {},
): Promise<RotatedRootFixture> {
  const gun = gunFor(ctx, options.repo, 'rotated-root');
  const admin = newNotary(ctx);
  await admin.init(gun, { publish: false });
  const before = await addTags(ctx, admin, gun, options.tagsBefore ?? ['v1'], ['targets']);
  await admin.publish(gun);
  const oldRootKeyId = firstKeyId(await ctx.notary.roleJson(gun, 'root'), 'root');
  await admin.rotate(gun, 'root');
  const after = await addTags(ctx, admin, gun, options.tagsAfter ?? ['v2'], ['targets']);
  await admin.publish(gun);
  const facts = await keyFacts(ctx, gun, 'client');
  return {
    ...facts,
    gun,
    tags: { ...before, ...after },
    oldRootKeyId,
    rootVersion: versionOf(await ctx.notary.roleJson(gun, 'root')),
    admin,
    dispose: () => admin.dispose(),
  };
}

/** e) A repository made by `notary init` whose snapshot key was then handed to the server (`-r`). */
export function serverManagedSnapshot(
  ctx: FixtureContext,
  options: { repo?: string; tags?: readonly string[] } = {},
): Promise<NotaryRepoFixture> {
  return notaryRepoWithTargets(ctx, gunFor(ctx, options.repo, 'server-snapshot'), options.tags ?? ['v1'], 'server');
}

/**
 * f) A path-restricted delegation targets/team (paths "team/") and a nested one targets/team/sub
 * (paths "team/sub/"), made with `notary delegation add`, each holding one target, plus a tag in
 * targets. docker trust inspect lists both as signers ("team", "team/sub") but shows only the
 * targets tag, since it reads tags from targets and targets/releases alone.
 */
export async function nestedDelegations(
  ctx: FixtureContext,
  options: { repo?: string } = {},
): Promise<DelegationsFixture> {
  const gun = gunFor(ctx, options.repo, 'delegations');
  const admin = newNotary(ctx);
  await admin.init(gun);
  const team = await addDelegationWithNewKey(admin, gun, 'targets/team', ['team/']);
  // targets/team/sub lives in targets/team.json, so publishing it needs the team key: it is in
  // the same trust dir.
  const sub = await addDelegationWithNewKey(admin, gun, 'targets/team/sub', ['team/sub/']);
  const tags = {
    ...(await addTags(ctx, admin, gun, ['v1'], ['targets'])),
    ...(await addTags(ctx, admin, gun, ['team/app'], ['targets/team'])),
    ...(await addTags(ctx, admin, gun, ['team/sub/tool'], ['targets/team/sub'])),
  };
  await admin.publish(gun);
  return {
    ...(await keyFacts(ctx, gun, 'client')),
    gun,
    tags,
    delegations: { [team.role]: team, [sub.role]: sub },
    admin,
    dispose: () => admin.dispose(),
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers

export function uniqueRepo(kind: string): string {
  return `fixture/${kind}-${randomBytes(4).toString('hex')}`;
}

function gunFor(ctx: FixtureContext, repo: string | undefined, kind: string): string {
  return `${ctx.registryHost ?? 'localhost:5000'}/${repo ?? uniqueRepo(kind)}`;
}

async function notaryRepoWithTargets(
  ctx: FixtureContext,
  gun: string,
  tagNames: readonly string[],
  snapshotKey: RepoFacts['snapshotKey'],
): Promise<NotaryRepoFixture> {
  const admin = newNotary(ctx);
  await admin.init(gun);
  if (snapshotKey === 'server') await admin.rotate(gun, 'snapshot', { serverManaged: true });
  const tags = await addTags(ctx, admin, gun, tagNames, ['targets']);
  await admin.publish(gun);
  return { ...(await keyFacts(ctx, gun, snapshotKey)), gun, tags, admin, dispose: () => admin.dispose() };
}

function targetSource(ctx: FixtureContext): TargetSource {
  return ctx.targetFor ?? fakeTargets;
}

function newNotary(ctx: FixtureContext): NotaryCli {
  return notaryCli({ server: ctx.notary.url, caFile: ctx.notary.caFile });
}

/** Stages tags (publish separately) and returns their facts. */
async function addTags(
  ctx: FixtureContext,
  notary: NotaryCli,
  gun: string,
  tags: readonly string[],
  roles: readonly string[],
): Promise<Record<string, TagFact>> {
  const facts: Record<string, TagFact> = {};
  for (const tag of tags) {
    const target = await targetSource(ctx)(gun, tag);
    const explicitRoles = roles.length === 1 && roles[0] === 'targets' ? undefined : roles;
    await notary.addHash(gun, tag, target.size, target.sha256, { roles: explicitRoles, publish: false });
    facts[tag] = { tag, ...target, roles: [...roles].sort() };
  }
  return facts;
}

/** Generates a key in the client's trust dir and staged-adds a delegation to its public half. */
async function addDelegationWithNewKey(
  notary: NotaryCli,
  gun: string,
  role: string,
  paths: readonly string[],
): Promise<DelegationFact> {
  const keyId = await notary.keyGenerate(role);
  const publicKeyFile = join(notary.trustDir, `${role.replaceAll('/', '_')}.pub`);
  await writeFile(publicKeyFile, await publicPemOfTrustDirKey(notary.trustDir, keyId, notary.passphrases.delegation));
  await notary.delegationAdd(gun, role, [publicKeyFile], { paths }, { publish: false });
  return { role, paths: [...paths], keyIds: [keyId] };
}

async function keyFacts(
  ctx: FixtureContext,
  gun: string,
  snapshotKey: RepoFacts['snapshotKey'],
): Promise<Pick<RepoFacts, 'rootKeyId' | 'targetsKeyId' | 'snapshotKeyId' | 'snapshotKey'>> {
  const root = await ctx.notary.roleJson(gun, 'root');
  return {
    rootKeyId: firstKeyId(root, 'root'),
    // The targets key is a bare ecdsa key; canonicalising is a no-op that also checks it exists.
    targetsKeyId: canonicalKeyIdOfTufKey(rootKey(root, firstKeyId(root, 'targets'))),
    snapshotKeyId: firstKeyId(root, 'snapshot'),
    snapshotKey,
  };
}

function firstKeyId(root: unknown, role: string): string {
  const [id] = rootRoleKeyIds(root, role);
  if (id === undefined) throw new Error(`root.json lists no key for ${role}`);
  return id;
}
