// A real Docker registry (Debian package `docker-registry`, distribution 2.8) on loopback over TLS,
// with filesystem storage in a temp dir, plus helpers that push small images through the v2 HTTP
// API so tests get real manifest digests without a Docker engine.
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { TestCa } from './ca';
import { expectStatus, headerValue, httpsRequest, type HttpResponse } from './https';
import { runCommandOk, startOnFreePort, startServerProcess } from './process';
import { startTlsServer, type TlsServer } from './tls-server';

export const MEDIA_TYPES = {
  manifest: 'application/vnd.docker.distribution.manifest.v2+json',
  config: 'application/vnd.docker.container.image.v1+json',
  layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export interface RegistryOptions {
  /** Share one CA with the notary server so one caFile serves both. Default: a fresh CA. */
  ca?: TestCa;
  readyTimeoutMs?: number;
}

/**
 * Sign-in a guarded registry asks for: bearer tokens of an issuer (`{token: tokenAuthOf(issuer,
 * service)}`), or Basic against an htpasswd of these users (user -> password).
 */
export type RegistryAuth = { token: { realm: string; service: string; issuer: string; rootcertbundle: string } } | { htpasswd: Record<string, string> };

export interface GuardedRegistry {
  url: string;
  /** "localhost:PORT": the registry part of GUNs served through it. */
  host: string;
  stop(): Promise<void>;
}

export interface PushOptions {
  /** Same (repo, tag, seed) gives the same blobs and so the same manifest digest. Default: random. */
  seed?: string;
  /** Size of the single file in the layer, in bytes. */
  layerFileSize?: number;
}

export interface PushedImage {
  repo: string;
  tag: string;
  /** "sha256:<hex>" of the manifest: what a registry reports and docker pulls by. */
  digest: string;
  /** The hex part of digest: what trust data (and docker trust inspect) records. */
  sha256: string;
  /** The manifest's length in bytes: the size a signer records in trust data. */
  size: number;
  manifest: Buffer;
  configDigest: string;
  layerDigest: string;
}

export interface ManifestInfo {
  digest: string;
  mediaType: string;
  body: Buffer;
}

export interface Registry {
  /** "https://localhost:PORT". */
  url: string;
  /** "localhost:PORT": the registry part of an image reference and of a GUN. */
  host: string;
  port: number;
  caFile: string;
  caPem: string;
  ca: TestCa;
  /** A directory holding only ca.crt, for `skopeo --cert-dir` and the like. */
  certDir: string;
  /** Holds the config and the storage root. Removed by stop(). */
  dir: string;
  log(): string;
  pushImage(repo: string, tag: string, options?: PushOptions): Promise<PushedImage>;
  /** "sha256:..." that the tag points at now, or undefined when the tag does not exist. */
  manifestDigest(repo: string, tag: string): Promise<string | undefined>;
  getManifest(repo: string, reference: string): Promise<ManifestInfo | undefined>;
  /** Points tag at an existing manifest (by digest), like `docker tag` + push of that image. */
  tagManifest(repo: string, tag: string, digest: string): Promise<void>;
  /**
   * Makes tag point at a different, freshly pushed image: the "registry and trust data disagree"
   * fixture. A seed makes the new image deterministic too.
   */
  repushTag(repo: string, tag: string, options?: PushOptions): Promise<PushedImage>;
  /**
   * Deletes the manifest the tag points at. The registry API has no tag deletion; deleting the
   * manifest by digest also removes every tag pointing at it.
   */
  deleteTag(repo: string, tag: string): Promise<void>;
  tags(repo: string): Promise<string[]>;
  catalog(): Promise<string[]>;
  /** Pushes a blob over the v2 API (POST then PUT with its digest). */
  uploadBlob(repo: string, blob: Buffer): Promise<void>;
  /** PUTs a manifest under a tag or digest; returns the digest the registry reports. */
  putManifest(repo: string, reference: string, body: Buffer, mediaType: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const server = await startTlsServer({
    name: 'registry',
    command: 'docker-registry',
    ca: options.ca,
    healthPath: '/v2/',
    readyTimeoutMs: options.readyTimeoutMs,
    async configure(port, ca, dir) {
      const configFile = join(dir, 'config.yml');
      // JSON is valid YAML, so the config needs no YAML writer.
      await writeFile(configFile, JSON.stringify(registryConfig(port, ca, join(dir, 'storage')), null, 2));
      await mkdir(join(dir, 'client-certs'), { recursive: true });
      await copyFile(ca.caCertFile, join(dir, 'client-certs', 'ca.crt'));
      return ['serve', configFile];
    },
  });
  return new RegistryHandle(server);
}

/** htpasswd lines as docker-registry reads them: bcrypt ($2a$), made by Python's crypt (password on stdin). */
async function htpasswdLine(user: string, password: string): Promise<string> {
  const script = 'import crypt,sys; print(crypt.crypt(sys.stdin.read(), crypt.mksalt(crypt.METHOD_BLOWFISH)), end="")';
  const result = await runCommandOk('python3', ['-W', 'ignore', '-c', script], { input: password });
  return `${user}:${result.stdout.replace(/^\$2b\$/, '$2a$')}`;
}

async function registryAuth(auth: RegistryAuth, dir: string, port: number): Promise<object> {
  if ('token' in auth) return { auth: { token: auth.token } };
  const file = join(dir, `htpasswd-${port}`);
  const lines = await Promise.all(Object.entries(auth.htpasswd).map(([user, password]) => htpasswdLine(user, password)));
  await writeFile(file, `${lines.join('\n')}\n`);
  return { auth: { htpasswd: { realm: 'countersign-test', path: file } } };
}

/**
 * A second docker-registry process over the storage of a stack registry (which pushes the images,
 * unguarded), asking for a sign-in: what a deployment with token auth or htpasswd looks like.
 */
export async function guardRegistry(storage: Registry, auth: RegistryAuth): Promise<GuardedRegistry> {
  const started = await startOnFreePort(async (port) => {
    const configFile = join(storage.dir, `guarded-${port}.yml`);
    const config = { ...(registryConfig(port, storage.ca, join(storage.dir, 'storage')) as object), ...(await registryAuth(auth, storage.dir, port)) };
    await writeFile(configFile, JSON.stringify(config, null, 2));
    const server = await startServerProcess({
      name: 'docker-registry (guarded)',
      command: 'docker-registry',
      args: ['serve', configFile],
      cwd: storage.dir,
      isReady: async () => (await httpsRequest(`https://localhost:${port}/v2/`, { ca: storage.caPem, timeoutMs: 1_000 })).status === 401,
    });
    return { port, server };
  });
  return { url: `https://localhost:${started.port}`, host: `localhost:${started.port}`, stop: () => started.server.stop() };
}

function registryConfig(port: number, ca: TestCa, storageRoot: string): unknown {
  return {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: storageRoot }, delete: { enabled: true } },
    http: {
      addr: `127.0.0.1:${port}`,
      // Without a secret the registry warns about load balancers on every start.
      secret: randomBytes(16).toString('hex'),
      tls: { certificate: ca.serverCertFile, key: ca.serverKeyFile },
    },
  };
}

class RegistryHandle implements Registry {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  readonly ca: TestCa;
  readonly caFile: string;
  readonly caPem: string;
  readonly certDir: string;

  constructor(private readonly server: TlsServer) {
    this.url = server.url;
    this.port = server.port;
    this.host = `localhost:${server.port}`;
    this.dir = server.dir;
    this.ca = server.ca;
    this.caFile = server.ca.caCertFile;
    this.caPem = server.ca.caPem;
    this.certDir = join(server.dir, 'client-certs');
  }

  log(): string {
    return this.server.process.log();
  }

  async pushImage(repo: string, tag: string, options: PushOptions = {}): Promise<PushedImage> {
    const image = buildImage(repo, tag, options);
    await this.uploadBlob(repo, image.layer);
    await this.uploadBlob(repo, image.config);
    const manifestDigest = await this.putManifest(repo, tag, image.manifest, MEDIA_TYPES.manifest);
    return {
      repo,
      tag,
      digest: manifestDigest,
      sha256: manifestDigest.slice('sha256:'.length),
      size: image.manifest.length,
      manifest: image.manifest,
      configDigest: sha256Digest(image.config),
      layerDigest: sha256Digest(image.layer),
    };
  }

  async manifestDigest(repo: string, tag: string): Promise<string | undefined> {
    const response = await this.api('HEAD', `/v2/${repo}/manifests/${tag}`, { accept: MEDIA_TYPES.manifest });
    if (response.status === 404) return undefined;
    expectStatus(response, [200], `HEAD manifest ${repo}:${tag}`);
    return headerValue(response, 'docker-content-digest');
  }

  async getManifest(repo: string, reference: string): Promise<ManifestInfo | undefined> {
    const response = await this.api('GET', `/v2/${repo}/manifests/${reference}`, { accept: MEDIA_TYPES.manifest });
    if (response.status === 404) return undefined;
    expectStatus(response, [200], `GET manifest ${repo}@${reference}`);
    return {
      digest: headerValue(response, 'docker-content-digest') ?? sha256Digest(response.body),
      mediaType: headerValue(response, 'content-type') ?? MEDIA_TYPES.manifest,
      body: response.body,
    };
  }

  async tagManifest(repo: string, tag: string, digest: string): Promise<void> {
    const manifest = await this.getManifest(repo, digest);
    if (manifest === undefined) throw new Error(`${repo}@${digest} does not exist in the registry`);
    await this.putManifest(repo, tag, manifest.body, manifest.mediaType);
  }

  repushTag(repo: string, tag: string, options: PushOptions = {}): Promise<PushedImage> {
    // The default seed differs from any seed a test is likely to have used for the first push.
    return this.pushImage(repo, tag, { ...options, seed: options.seed ?? `repush-${randomBytes(8).toString('hex')}` });
  }

  async deleteTag(repo: string, tag: string): Promise<void> {
    const digest = await this.manifestDigest(repo, tag);
    if (digest === undefined) throw new Error(`${repo}:${tag} does not exist in the registry`);
    expectStatus(await this.api('DELETE', `/v2/${repo}/manifests/${digest}`), [202], `DELETE ${repo}@${digest}`);
  }

  async tags(repo: string): Promise<string[]> {
    const response = await this.api('GET', `/v2/${repo}/tags/list`);
    if (response.status === 404) return [];
    const body = parseJsonObject(expectStatus(response, [200], `GET tags of ${repo}`).body);
    return stringArray(body['tags']);
  }

  async catalog(): Promise<string[]> {
    const body = parseJsonObject(expectStatus(await this.api('GET', '/v2/_catalog'), [200], 'GET catalog').body);
    return stringArray(body['repositories']);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private api(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<HttpResponse> {
    return httpsRequest(new URL(path, this.url), { ca: this.caPem, method, headers, body });
  }

  /** Monolithic upload: open an upload session, then PUT the whole blob with its digest. */
  async uploadBlob(repo: string, blob: Buffer): Promise<void> {
    const digest = sha256Digest(blob);
    const start = expectStatus(await this.api('POST', `/v2/${repo}/blobs/uploads/`), [202], `start upload to ${repo}`);
    const location = headerValue(start, 'location');
    if (location === undefined) throw new Error(`the registry opened an upload to ${repo} without a Location`);
    const target = new URL(location, this.url);
    target.searchParams.set('digest', digest);
    const put = await httpsRequest(target, {
      ca: this.caPem,
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: blob,
    });
    expectStatus(put, [201], `upload ${digest} to ${repo}`);
  }

  async putManifest(repo: string, reference: string, body: Buffer, mediaType: string): Promise<string> {
    const response = expectStatus(
      await this.api('PUT', `/v2/${repo}/manifests/${reference}`, { 'content-type': mediaType }, body),
      [201],
      `PUT manifest ${repo}:${reference}`,
    );
    return headerValue(response, 'docker-content-digest') ?? sha256Digest(body);
  }
}

// ---------------------------------------------------------------------------------------------
// Image content

interface ImageBlobs {
  config: Buffer;
  layer: Buffer;
  manifest: Buffer;
}

function buildImage(repo: string, tag: string, options: PushOptions): ImageBlobs {
  const fileSize = options.layerFileSize ?? 512;
  const content =
    options.seed === undefined ? randomBytes(fileSize) : deterministicBytes(`${repo}:${tag}:${options.seed}`, fileSize);
  const tar = tarWithOneFile('countersign-fixture.bin', content);
  const layer = gzipSync(tar); // Node writes mtime 0, so equal input gives equal bytes.
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
      history: [{ created_by: 'countersign test stack' }],
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify(
      {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.manifest,
        config: { mediaType: MEDIA_TYPES.config, size: config.length, digest: sha256Digest(config) },
        layers: [{ mediaType: MEDIA_TYPES.layer, size: layer.length, digest: sha256Digest(layer) }],
      },
      null,
      3, // docker's own indentation
    ),
  );
  return { config, layer, manifest };
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** SHA-256 in counter mode: a reproducible byte stream from a seed string. */
export function deterministicBytes(seed: string, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * 32 < length; counter++) {
    blocks.push(createHash('sha256').update(`${seed}\0${counter}`).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** A ustar archive holding one regular file (512-byte header, padded content, two zero blocks). */
function tarWithOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string): void => {
    header.write(value, offset, length, 'ascii');
  };
  const octal = (value: number, length: number): string => `${value.toString(8).padStart(length - 1, '0')}\0`;
  field(0, 100, name);
  field(100, 8, octal(0o644, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(content.length, 12));
  field(136, 12, octal(0, 12));
  field(148, 8, '        '); // checksum is computed with its own field as spaces
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let checksum = 0;
  for (const byte of header) checksum += byte;
  field(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

function parseJsonObject(body: Buffer): Record<string, unknown> {
  const value: unknown = JSON.parse(body.toString());
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object');
  return value as Record<string, unknown>;
}

function stringArray(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new Error('expected an array of strings');
  }
  return value;
}
