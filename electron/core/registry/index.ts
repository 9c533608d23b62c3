// The registry module's public face.
export {
  RegistryClient,
  registryOrigin,
  DEFAULT_REGISTRY_LIMITS,
  type CallOptions,
  type FetchedManifest,
  type ManifestDescriptor,
  type ManifestUpload,
  type RegistryClientOptions,
  type RegistryLimits,
} from './registry-client';
export { MANIFEST_ACCEPT, MANIFEST_MEDIA_TYPES, type ManifestMediaType } from './media-types';
export { isDigest, parseDigest, sha256Digest, verifyDigest } from './digest';
export { dockerCredentialLookup, firstCredentials, type DockerCredentialOptions } from './docker-credentials';
export { credentialKey, dockerConfigDir, DOCKER_HUB_KEY } from './docker-config';
