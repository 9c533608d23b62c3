// The guard before signing by registry: `sign --registry` reads the tag's digest from the registry,
// and with --digest refuses one the registry does not serve, publishing nothing. Real docker-registry,
// notary-server and keychain; run under scripts/with-keyring.sh.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startRegistry, type Registry } from '../../stack/registry';
import { fakeDigest, startWorld, type World } from './support/world';

let world: World;
let registry: Registry;
before(async () => {
  world = await startWorld();
  registry = await startRegistry({ ca: world.server.ca });
});
after(async () => {
  await registry?.stop();
  await world?.dispose();
});

describe('sign --registry', () => {
  it('signs the digest and size the registry serves for the tag; notary lists exactly that', async () => {
    const home = world.newHome();
    const gun = `${registry.host}/guard/read`;
    const image = await registry.pushImage('guard/read', 'v1');
    await world.csOk(home, ['init', gun]);
    await world.csOk(home, ['sign', `${gun}:v1`, '--registry', registry.url, '--registry-ca', registry.caFile]);
    const listed = await world.notary().list(gun);
    assert.deepEqual(listed.map((row) => [row.name, `sha256:${row.digest}`, row.size]), [['v1', image.digest, image.size]]);
  });

  it('refuses a digest the registry does not serve for the tag, and publishes nothing', async () => {
    const home = world.newHome();
    const gun = `${registry.host}/guard/refuse`;
    const image = await registry.pushImage('guard/refuse', 'v1');
    await world.csOk(home, ['init', gun]);
    const other = fakeDigest('not-what-the-registry-serves');
    const refused = await world.cs(home, ['sign', `${gun}:v1`, '--digest', other.digest, '--size', String(other.size), '--registry', registry.url, '--registry-ca', registry.caFile]);
    assert.equal(refused.code, 1);
    // The same rule and code as the app's Sign screen: the registry serves another digest.
    assert.match(refused.stderr, new RegExp(`registry-digest-changed: https://${registry.host} serves ${image.digest} for guard/refuse:v1, not ${other.digest}`));
    assert.deepEqual(await world.notary().list(gun), []);
    const status = JSON.parse(await world.csOk(home, ['status', gun, '--json'])) as { staged: unknown[] };
    assert.deepEqual(status.staged, []);

    await world.csOk(home, ['sign', `${gun}:v1`, '--digest', image.digest, '--size', String(image.size), '--registry', registry.url, '--registry-ca', registry.caFile]);
    assert.deepEqual((await world.notary().list(gun)).map((row) => `sha256:${row.digest}`), [image.digest]);
  });

  it('says so when the registry has no such tag', async () => {
    const home = world.newHome();
    const gun = `${registry.host}/guard/missing`;
    await world.csOk(home, ['init', gun]);
    const missing = await world.cs(home, ['sign', `${gun}:v9`, '--registry', registry.url, '--registry-ca', registry.caFile]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /not-found: \S+\/guard\/missing has no tag v9/);
  });
});
