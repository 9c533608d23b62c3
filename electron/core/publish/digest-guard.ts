// The guard before signing by registry: a signature says "this tag is this manifest", so when we can
// ask the registry, we make sure it serves exactly that manifest now. Signing a digest nobody serves
// (a typo, a stale CI variable, a tag moved since the build) would publish a promise about nothing.
import { digestHex } from '../../../shared/names';
import { CountersignError } from '../../../shared/errors';
import type { RegistryClient } from '../registry/registry-client';
import type { TargetMeta } from './changes';

/** The registry repository of a GUN: the GUN without its host ("host:port/team/app" -> "team/app"). */
export function registryRepositoryOf(gun: string): string {
  const slash = gun.indexOf('/');
  if (slash === -1) throw new CountersignError('invalid-input', `"${gun}" names no repository on a registry`);
  return gun.slice(slash + 1);
}

/** The target a tag is now, read from the registry: what to sign when no digest was given. */
export async function registryTarget(registry: RegistryClient, gun: string, tag: string, signal?: AbortSignal): Promise<TargetMeta> {
  const repository = registryRepositoryOf(gun);
  const descriptor = await registry.manifestDescriptor(repository, tag, signal ? { signal } : {});
  if (!descriptor) throw new CountersignError('not-found', `the registry has no tag ${repository}:${tag}`);
  const hex = digestHex(descriptor.digest);
  if (!hex) throw new CountersignError('key-unsupported', `the registry names ${repository}:${tag} by ${descriptor.digest}; notary signs sha256 digests`);
  return { length: descriptor.size, hashes: { sha256: Buffer.from(hex, 'hex').toString('base64') } };
}

/** Refuses to sign a digest or size the registry does not serve for this tag right now. */
export async function confirmRegistryServes(registry: RegistryClient, gun: string, tag: string, target: TargetMeta, signal?: AbortSignal): Promise<void> {
  const served = await registryTarget(registry, gun, tag, signal);
  const hex = (meta: TargetMeta) => Buffer.from(meta.hashes.sha256 ?? '', 'base64').toString('hex');
  if (served.hashes.sha256 !== target.hashes.sha256) {
    throw new CountersignError('hash-mismatch', `the registry serves sha256:${hex(served)} for ${gun}:${tag}, not sha256:${hex(target)}: refusing to sign a manifest the registry does not serve`);
  }
  if (served.length !== target.length) {
    throw new CountersignError('length-mismatch', `the registry's manifest for ${gun}:${tag} is ${served.length} bytes, not ${target.length}`);
  }
}
