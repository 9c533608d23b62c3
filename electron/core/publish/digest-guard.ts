// The guard before signing by registry: a signature says "this tag is this manifest", so when we can
// ask the registry, we make sure it serves exactly that manifest now. Signing a digest nobody serves
// (a typo, a stale CI variable, a tag moved since the build) would publish a promise about nothing.
// One rule, one error code (registry-digest-changed) for the app and the command line alike.
import { CountersignError } from '../../../shared/errors';
import type { RegistryClient } from '../registry/registry-client';
import type { TargetMeta } from './changes';

/** A registry and the GUN's repository on it. */
export interface RegistryRepository {
  client: RegistryClient;
  repository: string;
}

/** The registry repository of a GUN: the GUN without its host ("host:port/team/app" -> "team/app"). */
export function registryRepositoryOf(gun: string): string {
  const slash = gun.indexOf('/');
  if (slash === -1) throw new CountersignError('invalid-input', `"${gun}" names no repository on a registry`);
  return gun.slice(slash + 1);
}

/** The target a tag is now, read from the registry: what to sign when no digest was given. */
export async function registryTarget(registry: RegistryRepository, tag: string, signal?: AbortSignal): Promise<TargetMeta> {
  const { client, repository } = registry;
  const descriptor = await client.manifestDescriptor(repository, tag, signal ? { signal } : {});
  if (!descriptor) throw new CountersignError('not-found', `${client.origin.host}/${repository} has no tag ${tag}`);
  const hex = /^sha256:([0-9a-f]{64})$/.exec(descriptor.digest)?.[1];
  if (!hex) throw new CountersignError('key-unsupported', `the registry names ${repository}:${tag} by ${descriptor.digest}; notary signs sha256 digests`);
  return { length: descriptor.size, hashes: { sha256: Buffer.from(hex, 'hex').toString('base64') } };
}

/** Refuses to sign a digest or size the registry does not serve for this tag right now. */
export async function confirmRegistryServes(registry: RegistryRepository, tag: string, target: TargetMeta, signal?: AbortSignal): Promise<string> {
  const served = await registryTarget(registry, tag, signal);
  const where = `${registry.client.origin.origin}`;
  if (served.hashes.sha256 !== target.hashes.sha256) {
    throw new CountersignError(
      'registry-digest-changed',
      `${where} serves sha256:${hexOf(served)} for ${registry.repository}:${tag}, not sha256:${hexOf(target)}: the tag was pushed again, or the digest is wrong. Nothing was signed; read the digest again and check it.`,
    );
  }
  if (served.length !== target.length) {
    throw new CountersignError('registry-digest-changed', `${where} serves a ${served.length}-byte manifest for ${registry.repository}:${tag}, not ${target.length} bytes. Nothing was signed.`);
  }
  return `the registry ${where} serves sha256:${hexOf(served)} for ${tag}: checked right before signing`;
}

function hexOf(meta: TargetMeta): string {
  return Buffer.from(meta.hashes.sha256 ?? '', 'base64').toString('hex');
}
