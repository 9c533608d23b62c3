// The manifest formats a tag can point at. A registry answers with the first of these it has, so
// asking for all of them returns the manifest as pushed (and so the digest that was signed).

export const MANIFEST_MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

export type ManifestMediaType = (typeof MANIFEST_MEDIA_TYPES)[keyof typeof MANIFEST_MEDIA_TYPES];

export const MANIFEST_ACCEPT = Object.values(MANIFEST_MEDIA_TYPES).join(', ');

/** A Content-Type header without parameters ("; charset=utf-8"), or undefined when absent. */
export function bareMediaType(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const bare = value?.split(';')[0]?.trim();
  return bare === undefined || bare === '' ? undefined : bare;
}
