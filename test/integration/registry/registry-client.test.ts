// The registry client against the real docker-registry (distribution 2.8, Debian) over TLS, with
// images pushed through the v2 API by the test stack.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HttpClient, mapLimit } from '../../../electron/core/net/http';
import { MANIFEST_MEDIA_TYPES, RegistryClient, sha256Digest } from '../../../electron/core/registry/index';
import { startRegistry, type PushedImage, type Registry } from '../../stack/registry';
import { rejectsWith } from '../../unit/net/support/assertions';

const REPOSITORY_COUNT = 105; // more than one page at the default page size of 100
const repositoryNames = Array.from({ length: REPOSITORY_COUNT }, (_, i) => `team${String(i).padStart(3, '0')}/app`);
const TAGS = Array.from({ length: 23 }, (_, i) => `v1.${i}`);

const allRepositories = (): string[] => [...repositoryNames, 'shop/web'].sort();

let registry: Registry;
let http: HttpClient;
let client: RegistryClient;
let first: PushedImage;

before(async () => {
  registry = await startRegistry();
  http = new HttpClient({ ca: registry.caPem });
  client = new RegistryClient({ url: registry.url, http });
  await mapLimit(repositoryNames, 8, (name) => registry.pushImage(name, 'latest', { seed: name }));
  first = await registry.pushImage('shop/web', 'v1.0', { seed: 'web' });
  for (const tag of TAGS.slice(1)) await registry.tagManifest('shop/web', tag, first.digest);
});

after(async () => {
  http?.close();
  await registry?.stop();
});

describe('registry client against docker-registry', () => {
  it('answers the API check', async () => {
    await client.ping();
  });

  it('lists every repository of the catalog, across pages', async () => {
    const catalog = await client.catalog();
    assert.equal(catalog.length, REPOSITORY_COUNT + 1);
    assert.deepEqual(catalog, allRepositories());
  });

  it('lists the same catalog with small pages', async () => {
    const small = new RegistryClient({ url: registry.host, http, limits: { pageSize: 7 } });
    assert.deepEqual(await small.catalog(), allRepositories());
  });

  it('lists every tag of a repository, across pages', async () => {
    const paged = new RegistryClient({ url: registry.url, http, limits: { pageSize: 5 } });
    assert.deepEqual((await paged.tags('shop/web')).sort(), [...TAGS].sort());
  });

  it('says which repository does not exist', async () => {
    await rejectsWith(client.tags('no/such-repo'), 'repository-not-found', /no\/such-repo/);
  });

  it('reports the digest, size and media type of a pushed tag from HEAD', async () => {
    const pushed = await registry.pushImage('shop/api', 'v2', { seed: 'api' });
    assert.deepEqual(await client.manifestDescriptor('shop/api', 'v2'), {
      digest: pushed.digest,
      size: pushed.size,
      mediaType: MANIFEST_MEDIA_TYPES.dockerManifest,
    });
  });

  it('fetches the manifest bytes checked against their digest, by tag and by digest', async () => {
    const byTag = await client.fetchManifest('shop/web', 'v1.3');
    assert.ok(byTag !== undefined);
    assert.equal(byTag.digest, first.digest);
    assert.deepEqual(byTag.body, first.manifest);
    assert.equal(sha256Digest(byTag.body), first.digest);
    const byDigest = await client.manifestDescriptor('shop/web', first.digest);
    assert.equal(byDigest?.digest, first.digest);
  });

  it('sees a tag move when it is pushed again', async () => {
    await registry.pushImage('shop/moving', 'stable', { seed: 'one' });
    const before = await client.manifestDescriptor('shop/moving', 'stable');
    const moved = await registry.repushTag('shop/moving', 'stable');
    const after = await client.manifestDescriptor('shop/moving', 'stable');
    assert.notEqual(before?.digest, after?.digest);
    assert.equal(after?.digest, moved.digest);
  });

  it('says a missing tag is missing', async () => {
    assert.equal(await client.manifestDescriptor('shop/web', 'never-pushed'), undefined);
    assert.equal(await client.manifestDescriptor('no/such-repo', 'latest'), undefined);
  });

  it('looks up many tags over a handful of reused connections', async () => {
    const digests = await mapLimit(repositoryNames, 8, async (name) => (await client.manifestDescriptor(name, 'latest'))?.digest);
    assert.ok(digests.every((digest) => digest?.startsWith('sha256:')));
    assert.equal(new Set(digests).size, REPOSITORY_COUNT, 'each seed gives its own image');
  });
});
