// An independent reading of cosign signatures, written from cosign's and containers/image's public
// descriptions (cosign pkg/oci/remote: the "sha256-<hex>.sig" tag; pkg/oci/static and pkg/types: the
// simple-signing layer media type and the dev.cosignproject.cosign/signature annotation; containers/image
// signature/internal/sigstore_payload.go: the payload's exact fields). It shares no code with
// electron/core/migrate on purpose: the writer must not grade its own homework. The ECDSA signature is
// checked by openssl against the exported cosign.pub, not by node.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { headerValue, httpsRequest, runCommand, type Registry } from '../../../stack';

export interface CheckedSignature {
  layerDigest: string;
  payload: Buffer;
  signatureB64: string;
  creator?: string;
  /** The public key file openssl verified this layer with. */
  verifiedBy: string;
}

export interface CheckOptions {
  registry: Registry;
  repository: string;
  /** "sha256:<hex>" of the image manifest the signature must cover. */
  digest: string;
  /** The repository as image references name it: "host:port/repo". */
  identity: string;
  /** The cosign.pub files openssl verifies with: every layer must verify with one of them. */
  publicKeyFiles: readonly string[];
  /** Scratch directory for openssl's input files. */
  work: string;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const ANNOTATION = 'dev.cosignproject.cosign/signature';

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The cosign tag of a digest, spelled out by hand: "sha256:abc" -> "sha256-abc.sig". */
export function expectedSignatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`;
}

async function get(registry: Registry, path: string, accept?: string): Promise<{ status: number; body: Buffer; contentType?: string }> {
  const response = await httpsRequest(`${registry.url}${path}`, { ca: registry.caPem, ...(accept ? { headers: { accept } } : {}) });
  const contentType = headerValue(response, 'content-type');
  return { status: response.status, body: response.body, ...(contentType ? { contentType } : {}) };
}

/** The raw signature manifest, or undefined when the registry has none for the digest (404). */
export async function fetchSignatureManifest(registry: Registry, repository: string, digest: string): Promise<Record<string, unknown> | undefined> {
  const response = await get(registry, `/v2/${repository}/manifests/${expectedSignatureTag(digest)}`, OCI_MANIFEST);
  if (response.status === 404) return undefined;
  assert.equal(response.status, 200, `GET the signature manifest of ${repository}@${digest}`);
  assert.equal(response.contentType, OCI_MANIFEST, 'the signature manifest is served as an OCI image manifest');
  return JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
}

/** Runs every check; returns the layers that are valid signatures (at least one, or the check fails). */
export async function checkCosignSignatures(options: CheckOptions): Promise<CheckedSignature[]> {
  const { registry, repository, digest, identity } = options;
  const manifest = await fetchSignatureManifest(registry, repository, digest);
  assert.ok(manifest, `${repository}@${digest} has no ${expectedSignatureTag(digest)}`);
  assert.equal(manifest['schemaVersion'], 2);
  assert.equal(manifest['mediaType'], OCI_MANIFEST);
  const config = manifest['config'] as { mediaType: string; digest: string; size: number };
  assert.equal(config.mediaType, OCI_CONFIG);
  const configBlob = await get(registry, `/v2/${repository}/blobs/${config.digest}`);
  assert.equal(configBlob.status, 200, 'the config blob is in the repository');
  assert.equal(sha256(configBlob.body), config.digest);
  assert.equal(configBlob.body.length, config.size);
  const layers = manifest['layers'] as { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[];
  assert.ok(Array.isArray(layers) && layers.length > 0, 'a signature manifest has one layer per signature');
  const diffIds = (JSON.parse(configBlob.body.toString('utf8')) as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids;
  assert.deepEqual(diffIds, layers.map((layer) => layer.digest), 'the config lists each (uncompressed) layer');

  const checked: CheckedSignature[] = [];
  for (const [index, layer] of layers.entries()) {
    assert.equal(layer.mediaType, SIMPLE_SIGNING, `layer ${index} is a simple-signing payload`);
    const blob = await get(registry, `/v2/${repository}/blobs/${layer.digest}`);
    assert.equal(blob.status, 200);
    assert.equal(sha256(blob.body), layer.digest, 'the payload blob matches its descriptor');
    assert.equal(blob.body.length, layer.size);
    const signatureB64 = layer.annotations?.[ANNOTATION];
    assert.ok(signatureB64, `layer ${index} carries the ${ANNOTATION} annotation`);
    const payload = JSON.parse(blob.body.toString('utf8')) as Record<string, unknown>;
    // containers/image accepts exactly these top-level and critical fields, and refuses any other.
    assert.deepEqual(Object.keys(payload).sort(), ['critical', 'optional']);
    const critical = payload['critical'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(critical).sort(), ['identity', 'image', 'type']);
    assert.equal(critical['type'], 'cosign container image signature');
    assert.deepEqual(critical['image'], { 'docker-manifest-digest': digest });
    assert.deepEqual(critical['identity'], { 'docker-reference': identity });
    const optional = payload['optional'] as Record<string, unknown> | null;
    assert.ok(optional === null || (typeof optional === 'object' && !Array.isArray(optional)), 'optional is an object or null');
    if (optional && 'timestamp' in optional) assert.ok(Number.isInteger(optional['timestamp']), 'optional.timestamp is an integer');
    const verifiedBy = await opensslVerifier(options, index, blob.body, signatureB64);
    checked.push({ layerDigest: layer.digest, payload: blob.body, signatureB64, verifiedBy, ...(typeof optional?.['creator'] === 'string' ? { creator: optional['creator'] } : {}) });
  }
  return checked;
}

/**
 * `openssl dgst -sha256 -verify cosign.pub -signature sig payload` with each key in turn: the DER
 * ECDSA signature over the exact payload bytes. Returns the key file that verified it.
 */
async function opensslVerifier(options: CheckOptions, index: number, payload: Buffer, signatureB64: string): Promise<string> {
  const stem = join(options.work, `${options.repository.replaceAll('/', '_')}-${options.digest.slice(7, 19)}-${index}`);
  await writeFile(`${stem}.payload`, payload);
  await writeFile(`${stem}.sig`, Buffer.from(signatureB64, 'base64'));
  const refusals: string[] = [];
  for (const keyFile of options.publicKeyFiles) {
    const result = await runCommand('openssl', ['dgst', '-sha256', '-verify', keyFile, '-signature', `${stem}.sig`, `${stem}.payload`]);
    if (result.code === 0 && /Verified OK/.test(result.stdout)) return keyFile;
    refusals.push(`${keyFile}: ${result.stdout}${result.stderr}`.trim());
  }
  assert.fail(`openssl verified layer ${index} of ${options.repository}@${options.digest} with none of the keys: ${refusals.join('; ')}`);
}
