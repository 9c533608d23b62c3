// A repository whose targets/releases expires in a few days: the "expiring soon" fixture.
//
// Neither notary nor docker can sign with a short expiry (notary always gives targets roles three
// years, and has no expiry flag for addhash), so the delegation is made by the real notary and then
// Countersign-made metadata is published into it:
//   1. `notary init`, then `notary key rotate GUN snapshot -r`: the server signs snapshots from now
//      on, so a client may publish a delegation file alone;
//   2. a P-256 key made here, in memory; `notary delegation add GUN targets/releases KEY.pub` with its
//      public half (the private half is never written anywhere);
//   3. targets/releases.json written and signed here (canonical JSON, ecdsa raw r||s as notary
//      signs), with `expires` N days ahead, and POSTed to the server the way notary publishes:
//      multipart, field "files", file name = role name. notary-server checks it against the
//      delegation in targets.json and signs a new snapshot and timestamp.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalString } from '../../../../electron/core/tuf/canonical';
import { delegationsOf, expectStatus, httpsRequest, notaryCli, type NotaryCli, type NotaryServer, type Registry } from '../../../stack';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ShortLivedRepo {
  gun: string;
  repo: string;
  tag: string;
  /** RFC 3339 expiry of targets/releases. */
  expires: string;
  admin: NotaryCli;
  dispose(): Promise<void>;
}

export async function shortLivedReleases(
  notary: Pick<NotaryServer, 'url' | 'caFile' | 'caPem' | 'roleJson'>,
  registry: Pick<Registry, 'host' | 'pushImage'>,
  options: { repo: string; tag?: string; days: number },
): Promise<ShortLivedRepo> {
  const tag = options.tag ?? 'v1';
  const gun = `${registry.host}/${options.repo}`;
  const admin = notaryCli({ server: notary.url, caFile: notary.caFile });
  await admin.init(gun);
  await admin.rotate(gun, 'snapshot', { serverManaged: true });

  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyFile = join(admin.trustDir, `short-lived-${randomBytes(4).toString('hex')}.pub`);
  await writeFile(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  await admin.delegationAdd(gun, 'targets/releases', [publicKeyFile], { allPaths: true });
  const releases = delegationsOf(await notary.roleJson(gun, 'targets')).roles.find((role) => role.name === 'targets/releases');
  const keyId = releases?.keyids[0];
  if (keyId === undefined) throw new Error(`targets of ${gun} does not delegate targets/releases to the new key`);

  const image = await registry.pushImage(options.repo, tag, { seed: 'short-lived' });
  const expires = goTime(new Date(Date.now() + options.days * DAY_MS));
  const signed = {
    _type: 'Targets',
    delegations: { keys: {}, roles: [] },
    expires,
    targets: { [tag]: { hashes: { sha256: Buffer.from(image.sha256, 'hex').toString('base64') }, length: image.size } },
    version: 1,
  };
  const canonical = canonicalString(signed);
  const sig = sign('sha256', Buffer.from(canonical), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64');
  const file = `{"signed":${canonical},"signatures":[{"keyid":"${keyId}","method":"ecdsa","sig":"${sig}"}]}`;
  await publishRole(notary, gun, 'targets/releases', Buffer.from(file));
  return { gun, repo: options.repo, tag, expires, admin, dispose: () => admin.dispose() };
}

/** notary's publish: a multipart POST with one "files" part per role, named by the role. */
async function publishRole(notary: Pick<NotaryServer, 'url' | 'caPem'>, gun: string, role: string, bytes: Buffer): Promise<void> {
  const boundary = `countersign-${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${role}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const response = await httpsRequest(`${notary.url}/v2/${gun}/_trust/tuf/`, {
    ca: notary.caPem,
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
  });
  expectStatus(response, [200], `publishing ${role} of ${gun}`);
}

/** Go's RFC 3339 as notary writes it: no fraction when it is zero. */
function goTime(date: Date): string {
  return date.toISOString().replace(/\.?0*Z$/, 'Z');
}
