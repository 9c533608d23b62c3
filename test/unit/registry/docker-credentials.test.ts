import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { IDENTITY_TOKEN_USERNAME } from '../../../electron/core/net/http';
import { credentialKey, DOCKER_HUB_KEY, dockerConfigDir } from '../../../electron/core/registry/docker-config';
import { dockerCredentialLookup, firstCredentials } from '../../../electron/core/registry/docker-credentials';
import { rejectsWith } from '../net/support/assertions';
import { installFakeCredentialHelper } from './support/fake-credential-helper';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function configDir(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-docker-config-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

const basic = (user: string, password: string): string => Buffer.from(`${user}:${password}`).toString('base64');

describe('docker config location', () => {
  it('is $DOCKER_CONFIG when set, ~/.docker otherwise', () => {
    assert.equal(dockerConfigDir({ DOCKER_CONFIG: '/somewhere' }), '/somewhere');
    assert.match(dockerConfigDir({}), /\.docker$/);
  });

  it('files Docker Hub under its legacy URL and other registries under host:port', () => {
    assert.equal(credentialKey('registry-1.docker.io'), DOCKER_HUB_KEY);
    assert.equal(credentialKey('https://index.docker.io/v1/'), DOCKER_HUB_KEY);
    assert.equal(credentialKey('https://Registry.Example:5000/v2/'), 'registry.example:5000');
  });
});

describe('credentials written in config.json', () => {
  it('decodes the base64 user:password of `auth`, keeping colons in the password', async () => {
    const lookup = dockerCredentialLookup({ configDir: configDir({ auths: { 'localhost:5000': { auth: basic('alice', 'pa:ss') } } }) });
    assert.deepEqual(await lookup('localhost:5000'), { username: 'alice', password: 'pa:ss' });
    assert.equal(await lookup('localhost:5001'), undefined);
  });

  it('matches entries written as URLs, as docker login once wrote them', async () => {
    const lookup = dockerCredentialLookup({ configDir: configDir({ auths: { 'https://localhost:5000/v1/': { auth: basic('a', 'b') } } }) });
    assert.deepEqual(await lookup('localhost:5000'), { username: 'a', password: 'b' });
  });

  it('prefers an identity token, marked for the OAuth2 refresh flow', async () => {
    const lookup = dockerCredentialLookup({
      configDir: configDir({ auths: { [DOCKER_HUB_KEY]: { auth: basic('a', 'b'), identitytoken: 'refresh-xyz' } } }),
    });
    assert.deepEqual(await lookup('registry-1.docker.io'), { username: IDENTITY_TOKEN_USERNAME, password: 'refresh-xyz' });
  });

  it('means no credentials when there is no config file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'countersign-docker-config-'));
    dirs.push(dir);
    assert.equal(await dockerCredentialLookup({ configDir: dir })('localhost:5000'), undefined);
  });

  it('refuses a config that is not JSON, or an auth that is not user:password', async () => {
    await rejectsWith(dockerCredentialLookup({ configDir: configDir('{not json') })('x'), 'config-invalid');
    const badAuth = configDir({ auths: { x: { auth: Buffer.from('nocolon').toString('base64') } } });
    await rejectsWith(dockerCredentialLookup({ configDir: badAuth })('x'), 'config-invalid');
    await rejectsWith(dockerCredentialLookup({ configDir: configDir({ auths: [] }) })('x'), 'config-invalid');
  });
});

describe('credential helpers (the docker-credential-* protocol)', () => {
  const helper = installFakeCredentialHelper({
    'localhost:5000': { Username: 'helper-user', Secret: 'helper-secret' },
    'localhost:6000': { Username: IDENTITY_TOKEN_USERNAME, Secret: 'helper-refresh' },
  });
  after(() => helper.dispose());

  it('asks the helper named in credHelpers for that registry, with the host on stdin', async () => {
    const lookup = dockerCredentialLookup({ configDir: configDir({ credHelpers: { 'localhost:5000': 'test' } }), env: helper.env });
    assert.deepEqual(await lookup('localhost:5000'), { username: 'helper-user', password: 'helper-secret' });
    assert.deepEqual(helper.requests(), ['get localhost:5000']);
  });

  it('uses credsStore for every registry without its own helper', async () => {
    const lookup = dockerCredentialLookup({ configDir: configDir({ credsStore: 'test' }), env: helper.env });
    assert.deepEqual(await lookup('localhost:6000'), { username: IDENTITY_TOKEN_USERNAME, password: 'helper-refresh' });
  });

  it('falls back to config.json when the helper has nothing stored', async () => {
    const dir = configDir({ credsStore: 'test', auths: { 'localhost:7000': { auth: basic('inline', 'pw') } } });
    const lookup = dockerCredentialLookup({ configDir: dir, env: helper.env });
    assert.deepEqual(await lookup('localhost:7000'), { username: 'inline', password: 'pw' });
    assert.equal(await lookup('localhost:7001'), undefined);
  });

  it('reuses an answer instead of running the helper for every request', async () => {
    const lookup = dockerCredentialLookup({ configDir: configDir({ credsStore: 'test' }), env: helper.env });
    const before = helper.requests().length;
    await Promise.all([lookup('localhost:5000'), lookup('localhost:5000'), lookup('localhost:5000')]);
    assert.equal(helper.requests().length - before, 1);
  });

  it('reports a helper that is not installed, or whose name could escape its prefix', async () => {
    await rejectsWith(
      dockerCredentialLookup({ configDir: configDir({ credsStore: 'absent' }), env: helper.env })('localhost:5000'),
      'config-invalid',
      /docker-credential-absent/,
    );
    await rejectsWith(
      dockerCredentialLookup({ configDir: configDir({ credsStore: '../../bin/sh' }), env: helper.env })('localhost:5000'),
      'config-invalid',
    );
  });

  it('reports a helper that fails for another reason than "not found"', async () => {
    const lookup = dockerCredentialLookup({ configDir: configDir({ credsStore: 'test' }), env: helper.env });
    await rejectsWith(lookup('explode.example'), 'auth-failed', /keychain is locked/);
  });
});

describe('several credential sources', () => {
  it('take the first that has an answer', async () => {
    const keychain = async (host: string) => (host === 'a' ? { username: 'k', password: 'k' } : undefined);
    const docker = async () => ({ username: 'd', password: 'd' });
    const lookup = firstCredentials(keychain, docker);
    assert.equal((await lookup('a'))?.username, 'k');
    assert.equal((await lookup('b'))?.username, 'd');
  });
});

