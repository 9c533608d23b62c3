// A Docker registry (distribution API v2) seen through the shared HttpClient: the catalog and tag
// lists, page by page, and what a tag points at (digest, size, media type) without downloading more
// than the manifest. Every answer is checked against a schema, every manifest body against its digest.
// Writes (blob upload, manifest PUT) are what cosign-style signatures need, and nothing more.
import type { z } from 'zod';
import { CountersignError } from '../../../shared/errors';
import type { HttpClient, HttpResponse, RequestOptions } from '../net/http';
import { isDigest, sha256Digest, verifyDigest } from './digest';
import { nextLink } from './link-header';
import { bareMediaType, MANIFEST_ACCEPT } from './media-types';
import { catalogPageSchema, errorBodySchema, manifestSchema, repositoryNameSchema, tagSchema, tagsPageSchema } from './schemas';

export interface RegistryLimits {
  /** Distribution refuses manifests over 4 MiB; so do we. */
  manifestBytes: number;
  /** One page of the catalog or of a tag list. */
  listPageBytes: number;
  /** Entries asked for per page (the `n` parameter). */
  pageSize: number;
  /** Entries in a whole list, so a registry that pages forever cannot exhaust memory. */
  listEntries: number;
}

export const DEFAULT_REGISTRY_LIMITS: RegistryLimits = {
  manifestBytes: 4 * 1024 * 1024,
  listPageBytes: 8 * 1024 * 1024,
  pageSize: 100,
  listEntries: 1_000_000,
};

export interface RegistryClientOptions {
  /** "https://host[:port]", or "host[:port]" meaning https. */
  url: string;
  http: HttpClient;
  limits?: Partial<RegistryLimits>;
}

export interface ManifestDescriptor {
  /** "sha256:<hex>", as the registry names the manifest (and trust data records the hex part). */
  digest: string;
  /** Length of the manifest in bytes. */
  size: number;
  mediaType: string;
}

export interface FetchedManifest extends ManifestDescriptor {
  /** The exact bytes, already checked against `digest`. */
  body: Buffer;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** A manifest to store: its media type (sent as Content-Type) and its exact bytes. */
export interface ManifestUpload {
  mediaType: string;
  body: Buffer;
}

const PING_BYTES = 64 * 1024;

/** The origin a registry address names ("host:port" means https). */
export function registryOrigin(url: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch (error) {
    throw new CountersignError('invalid-input', `not a registry address: ${url}`, { cause: error });
  }
  return new URL(parsed.origin);
}

function checkRepository(repository: string): void {
  if (!repositoryNameSchema.safeParse(repository).success) {
    throw new CountersignError('invalid-input', `not a repository name: "${repository}"`);
  }
}

function checkReference(reference: string): void {
  if (!isDigest(reference) && !tagSchema.safeParse(reference).success) {
    throw new CountersignError('invalid-input', `not a tag or digest: "${reference}"`);
  }
}

function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`;
}

function checkBlobDigest(digest: string): void {
  if (!isDigest(digest)) throw new CountersignError('invalid-input', `not a digest: "${digest}"`);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseJson<T>(schema: z.ZodType<T>, response: HttpResponse, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(response.body.toString('utf8'));
  } catch (error) {
    throw new CountersignError('metadata-malformed', `${what} from ${response.url} is not JSON`, { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new CountersignError('metadata-malformed', `${what} from ${response.url} has an unexpected shape: ${parsed.error.message}`);
  }
  return parsed.data;
}

/** The registry's own error codes (NAME_UNKNOWN, DENIED, …) when its error body has them. */
function registryErrorCodes(response: HttpResponse): string[] {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(response.body.toString('utf8')));
    return parsed.success ? parsed.data.errors.map((error) => error.code) : [];
  } catch {
    return [];
  }
}

/**
 * A manifest's 404: undefined when the registry says the tag (or digest) is unknown; an error when
 * it says the repository is (NAME_UNKNOWN), or gives no registry error at all — then it is not known
 * that the registry does not serve the tag, only that something answered 404.
 */
function notServed(response: HttpResponse, host: string, repository: string, what: string): undefined {
  const codes = registryErrorCodes(response);
  if (codes.includes('NAME_UNKNOWN')) throw new CountersignError('repository-not-found', `${host}/${repository} does not exist in the registry`);
  if (codes.length === 0) throw new CountersignError('http-status', `${what}: ${response.url} answered HTTP 404 without a registry error, so whether the registry serves it is not known`);
  return undefined;
}

function statusError(response: HttpResponse, what: string): CountersignError {
  const codes = registryErrorCodes(response);
  const detail = codes.length === 0 ? '' : ` (${codes.join(', ')})`;
  return new CountersignError('http-status', `${what}: ${response.url} answered HTTP ${response.status}${detail}`);
}

export class RegistryClient {
  readonly origin: URL;
  private readonly http: HttpClient;
  private readonly limits: RegistryLimits;

  constructor(options: RegistryClientOptions) {
    this.origin = registryOrigin(options.url);
    this.http = options.http;
    this.limits = { ...DEFAULT_REGISTRY_LIMITS, ...options.limits };
  }

  /** "host:port" as image references and docker's credential store name this registry. */
  get host(): string {
    return this.origin.host;
  }

  /** Checks that this is a v2 registry we may talk to (any login it asks for is done here). */
  async ping(options: CallOptions = {}): Promise<void> {
    const response = await this.request('/v2/', { maxBytes: PING_BYTES, signal: options.signal });
    if (response.status !== 200) throw statusError(response, 'the registry API check failed');
  }

  /** Every repository name the registry lists, following its pages. */
  async catalog(options: CallOptions = {}): Promise<string[]> {
    return this.collectPages('/v2/_catalog', 'registry:catalog:*', options, (response) => {
      if (response.status === 404) {
        throw new CountersignError('http-status', `${this.host} does not offer a catalog of its repositories`);
      }
      return parseJson(catalogPageSchema, response, 'the catalog').repositories ?? [];
    });
  }

  /** Every tag of a repository, following its pages. */
  async tags(repository: string, options: CallOptions = {}): Promise<string[]> {
    checkRepository(repository);
    return this.collectPages(`/v2/${repository}/tags/list`, pullScope(repository), options, (response) => {
      if (response.status === 404) {
        throw new CountersignError('repository-not-found', `${this.host}/${repository} does not exist in the registry`);
      }
      return parseJson(tagsPageSchema, response, `the tags of ${repository}`).tags ?? [];
    });
  }

  /**
   * What a tag (or digest) points at, from headers alone when the registry sends Docker-Content-Digest;
   * otherwise the manifest is downloaded and hashed. Undefined when the tag or repository does not exist.
   */
  async manifestDescriptor(repository: string, reference: string, options: CallOptions = {}): Promise<ManifestDescriptor | undefined> {
    checkRepository(repository);
    checkReference(reference);
    const response = await this.request(`/v2/${repository}/manifests/${reference}`, {
      method: 'HEAD',
      headers: { accept: MANIFEST_ACCEPT },
      maxBytes: this.limits.manifestBytes,
      signal: options.signal,
      authScope: pullScope(repository),
    });
    // A HEAD's 404 has no body to say whether the tag or the whole repository is missing (or
    // whether a registry answered at all): the GET's error says it.
    if (response.status === 404) return this.descriptorByGet(repository, reference, options);
    if (response.status !== 200) throw statusError(response, `looking up ${repository}:${reference}`);
    const digest = firstHeader(response.headers['docker-content-digest']);
    const size = Number(firstHeader(response.headers['content-length']));
    const mediaType = bareMediaType(response.headers['content-type']);
    if (digest === undefined || !isDigest(digest) || !Number.isSafeInteger(size) || mediaType === undefined) return this.descriptorByGet(repository, reference, options);
    if (isDigest(reference) && digest !== reference) {
      throw new CountersignError('hash-mismatch', `${this.host}/${repository}@${reference}: the registry answered for ${digest}`);
    }
    if (size > this.limits.manifestBytes) {
      throw new CountersignError('metadata-too-large', `the manifest of ${repository}:${reference} is ${size} bytes, over the ${this.limits.manifestBytes}-byte limit`);
    }
    return { digest, size, mediaType };
  }

  /** What the manifest's download says, when the HEAD did not say it (or said 404, which has no body to explain it). */
  private async descriptorByGet(repository: string, reference: string, options: CallOptions): Promise<ManifestDescriptor | undefined> {
    const fetched = await this.fetchManifest(repository, reference, options);
    return fetched === undefined ? undefined : { digest: fetched.digest, size: fetched.size, mediaType: fetched.mediaType };
  }

  /** The manifest's bytes, checked against the digest asked for and the one the registry claims. */
  async fetchManifest(repository: string, reference: string, options: CallOptions = {}): Promise<FetchedManifest | undefined> {
    checkRepository(repository);
    checkReference(reference);
    const what = `the manifest of ${this.host}/${repository}${isDigest(reference) ? '@' : ':'}${reference}`;
    const response = await this.request(`/v2/${repository}/manifests/${reference}`, {
      headers: { accept: MANIFEST_ACCEPT },
      maxBytes: this.limits.manifestBytes,
      signal: options.signal,
      authScope: pullScope(repository),
    });
    if (response.status === 404) return notServed(response, this.host, repository, what);
    if (response.status !== 200) throw statusError(response, `fetching ${what}`);
    const claimed = firstHeader(response.headers['docker-content-digest']);
    if (isDigest(reference)) verifyDigest(response.body, reference, what);
    if (claimed !== undefined) verifyDigest(response.body, claimed, what);
    const manifest = parseJson(manifestSchema, response, what);
    const mediaType = bareMediaType(response.headers['content-type']) ?? manifest.mediaType;
    if (mediaType === undefined) throw new CountersignError('metadata-malformed', `${what} names no media type`);
    const digest = claimed ?? (isDigest(reference) ? reference : sha256Digest(response.body));
    return { digest, size: response.body.length, mediaType, body: response.body };
  }

  // ---- writes (distribution spec: push) ----
  // A write is never retried here: the caller decides, after reading back what the registry holds.

  /** Whether the repository holds a blob; a blob it holds need not be uploaded again. */
  async hasBlob(repository: string, digest: string, options: CallOptions = {}): Promise<boolean> {
    checkRepository(repository);
    checkBlobDigest(digest);
    const response = await this.request(`/v2/${repository}/blobs/${digest}`, {
      method: 'HEAD',
      maxBytes: PING_BYTES,
      signal: options.signal,
      authScope: pullScope(repository),
    });
    if (response.status === 404) return false;
    if (response.status !== 200) throw statusError(response, `looking up blob ${digest} in ${repository}`);
    return true;
  }

  /** A blob's bytes, checked against its digest; undefined when the repository does not hold it. */
  async fetchBlob(repository: string, digest: string, maxBytes: number, options: CallOptions = {}): Promise<Buffer | undefined> {
    checkRepository(repository);
    checkBlobDigest(digest);
    const response = await this.request(`/v2/${repository}/blobs/${digest}`, { maxBytes, signal: options.signal, authScope: pullScope(repository) });
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw statusError(response, `fetching blob ${digest} from ${repository}`);
    verifyDigest(response.body, digest, `blob ${digest} of ${this.host}/${repository}`);
    return response.body;
  }

  /**
   * Stores a blob unless the repository already holds it (monolithic upload: POST for a session,
   * then one PUT with the bytes and their digest). Returns the digest the registry confirmed.
   */
  async uploadBlob(repository: string, bytes: Buffer, options: CallOptions = {}): Promise<string> {
    checkRepository(repository);
    const digest = sha256Digest(bytes);
    if (await this.hasBlob(repository, digest, options)) return digest;
    const authScope = pushScope(repository);
    const started = await this.request(`/v2/${repository}/blobs/uploads/`, {
      method: 'POST',
      headers: { 'content-length': '0' },
      maxBytes: PING_BYTES,
      signal: options.signal,
      authScope,
    });
    if (started.status !== 202) throw statusError(started, `starting an upload to ${repository}`);
    const location = firstHeader(started.headers.location);
    if (location === undefined) throw new CountersignError('metadata-malformed', `${this.host} started an upload to ${repository} without a Location`);
    const target = this.sameOrigin(new URL(location, started.url), 'an upload');
    target.searchParams.set('digest', digest);
    const finished = await this.http.request(target, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) },
      body: bytes,
      maxBytes: PING_BYTES,
      signal: options.signal,
      authScope,
    });
    if (finished.status !== 201) throw statusError(finished, `uploading blob ${digest} to ${repository}`);
    const confirmed = firstHeader(finished.headers['docker-content-digest']);
    if (confirmed !== undefined && confirmed !== digest) {
      throw new CountersignError('hash-mismatch', `${this.host} stored blob ${digest} of ${repository} as ${confirmed}`);
    }
    return digest;
  }

  /** Stores a manifest under a tag (or its digest); returns its digest, checked against the registry's. */
  async putManifest(repository: string, reference: string, manifest: ManifestUpload, options: CallOptions = {}): Promise<string> {
    checkRepository(repository);
    checkReference(reference);
    if (manifest.body.length > this.limits.manifestBytes) {
      throw new CountersignError('metadata-too-large', `a manifest of ${manifest.body.length} bytes is over the ${this.limits.manifestBytes}-byte limit`);
    }
    const digest = sha256Digest(manifest.body);
    if (isDigest(reference) && reference !== digest) {
      throw new CountersignError('hash-mismatch', `a manifest with digest ${digest} cannot be stored as ${reference}`);
    }
    const response = await this.request(`/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      headers: { 'content-type': manifest.mediaType },
      body: manifest.body,
      maxBytes: PING_BYTES,
      signal: options.signal,
      authScope: pushScope(repository),
    });
    if (response.status !== 201) throw statusError(response, `storing the manifest ${repository}:${reference}`);
    const confirmed = firstHeader(response.headers['docker-content-digest']);
    if (confirmed !== undefined && confirmed !== digest) {
      throw new CountersignError('hash-mismatch', `${this.host} stored the manifest ${repository}:${reference} as ${confirmed}, not ${digest}`);
    }
    return digest;
  }

  /** A URL the registry handed us (an upload location), refused when it points at another server. */
  private sameOrigin(url: URL, what: string): URL {
    if (url.origin !== this.origin.origin) {
      throw new CountersignError('metadata-malformed', `${this.host} pointed ${what} at another server: ${url.origin}`);
    }
    return url;
  }

  private request(path: string, options: RequestOptions): Promise<HttpResponse> {
    return this.http.request(new URL(path, this.origin), options);
  }

  private async collectPages(
    path: string,
    authScope: string,
    options: CallOptions,
    readPage: (response: HttpResponse) => string[],
  ): Promise<string[]> {
    const { pageSize } = this.limits;
    const collected = new Set<string>();
    const first = new URL(path, this.origin);
    first.searchParams.set('n', String(pageSize));
    for (let url: URL | undefined = first; url !== undefined; ) {
      const response = await this.http.request(url, { maxBytes: this.limits.listPageBytes, signal: options.signal, authScope });
      if (response.status !== 200 && response.status !== 404) throw statusError(response, `listing ${path}`);
      const page = readPage(response);
      const before = collected.size;
      for (const entry of page) collected.add(entry);
      if (collected.size > this.limits.listEntries) {
        throw new CountersignError('metadata-too-large', `${url.origin}${path} lists more than ${this.limits.listEntries} entries`);
      }
      // A page that adds nothing new means the registry ignores our paging: stop rather than loop.
      url = collected.size === before ? undefined : this.nextPage(response, first, page);
    }
    return [...collected];
  }

  private nextPage(response: HttpResponse, first: URL, page: string[]): URL | undefined {
    const link = nextLink(response.headers.link);
    if (link !== undefined) {
      return this.sameOrigin(new URL(link, response.url), 'its next page');
    }
    // Without a Link header, a full page may still have a successor: ask for what follows its last entry.
    const last = page.at(-1);
    if (last === undefined || page.length < this.limits.pageSize) return undefined;
    const next = new URL(first);
    next.searchParams.set('last', last);
    return next;
  }
}
