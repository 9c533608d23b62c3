// A cosign signature made "elsewhere": what `cosign sign --key` leaves in a registry, written by hand
// from cosign's layout with openssl as the signer (no cosign binary exists here) and the stack's raw
// registry API as the pusher. Nothing here uses Countersign's code, so reading it back tests the reader.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommandOk, type Registry } from '../../../stack';
import { expectedSignatureTag } from './cosign-spec-check';

export interface ForeignKey {
  privateKeyFile: string;
  publicKeyFile: string;
}

/** A P-256 key pair as `cosign generate-key-pair` would make (unencrypted here: openssl holds it). */
export async function opensslKeyPair(work: string, name: string): Promise<ForeignKey> {
  const privateKeyFile = join(work, `${name}.key`);
  const publicKeyFile = join(work, `${name}.pub`);
  await runCommandOk('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', privateKeyFile]);
  await runCommandOk('openssl', ['ec', '-in', privateKeyFile, '-pubout', '-out', publicKeyFile]);
  return { privateKeyFile, publicKeyFile };
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Signs `digest` for `identity` and stores it as the only layer of its "sha256-<hex>.sig" manifest. */
export async function signLikeCosign(registry: Registry, repository: string, digest: string, identity: string, key: ForeignKey, work: string): Promise<void> {
  // cosign writes `optional: null` when no annotations are given.
  const payload = Buffer.from(
    JSON.stringify({ critical: { identity: { 'docker-reference': identity }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' }, optional: null }),
  );
  const payloadFile = join(work, `elsewhere-${digest.slice(7, 19)}.payload`);
  await writeFile(payloadFile, payload);
  await runCommandOk('openssl', ['dgst', '-sha256', '-sign', key.privateKeyFile, '-out', `${payloadFile}.sig`, payloadFile]);
  const signature = (await readFile(`${payloadFile}.sig`)).toString('base64');
  const config = Buffer.from(
    JSON.stringify({ architecture: '', created: '0001-01-01T00:00:00Z', history: [{ created: '0001-01-01T00:00:00Z' }], os: '', rootfs: { type: 'layers', diff_ids: [sha256(payload)] }, config: {} }),
  );
  await registry.uploadBlob(repository, payload);
  await registry.uploadBlob(repository, config);
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.length, digest: sha256(config) },
    layers: [
      {
        mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
        size: payload.length,
        digest: sha256(payload),
        annotations: { 'dev.cosignproject.cosign/signature': signature },
      },
    ],
  };
  await registry.putManifest(repository, expectedSignatureTag(digest), Buffer.from(JSON.stringify(manifest)), manifest.mediaType);
}
