// Where a sign-in comes from, in docker's order and then ours (electron/core/connect).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notaryAuthFromEnv, registryHostOfGun } from '../../../electron/core/connect';
import { notaryCredentials, registryCredentials, type Account } from '../../../electron/core/connect/credential-sources';
import type { LoginStore } from '../../../electron/core/connect/login-store';
import type { CredentialLookup, Credentials } from '../../../electron/core/net/http';
import { CountersignError } from '../../../shared/errors';

const NOTARY = 'notary.example.test:4443';
const REGISTRY = 'registry.example.test:5000';
const scope = (gun: string, actions = 'pull'): { scope: string } => ({ scope: `repository:${gun}:${actions}` });

function dockerWith(entries: Record<string, Credentials>): CredentialLookup {
  return async (host) => entries[host];
}

function loginsWith(entries: Record<string, Credentials>, failure?: CountersignError): LoginStore & { reads: number } {
  const store = {
    reads: 0,
    async get(host: string) {
      store.reads += 1;
      if (failure) throw failure;
      return entries[host];
    },
    set: async () => undefined,
    delete: async () => false,
    hosts: async () => Object.keys(entries),
  };
  return store;
}

const account = (username: string, password: string): Account => ({ id: 'saved', username, password: async () => password });

describe('notary server sign-in', () => {
  it("uses docker's login of the registry host the GUN names, as docker trust does", async () => {
    const lookup = notaryCredentials({ host: NOTARY, docker: dockerWith({ [REGISTRY]: { username: 'alice', password: 'a' } }), env: {} });
    assert.deepEqual(await lookup(NOTARY, scope(`${REGISTRY}/team/app`)), { username: 'alice', password: 'a' });
  });

  it("falls back to docker's login of the notary host itself", async () => {
    const lookup = notaryCredentials({ host: NOTARY, docker: dockerWith({ [NOTARY]: { username: 'n', password: 'n' } }), env: {} });
    assert.equal((await lookup(NOTARY, scope(`${REGISTRY}/team/app`)))?.username, 'n');
  });

  it("then the server's own saved account, then the keychain's sign-in, then NOTARY_AUTH", async () => {
    const auth = Buffer.from('env-user:env-pass').toString('base64');
    const none = dockerWith({});
    const withAll = notaryCredentials({ host: NOTARY, docker: none, account: account('saved', 's'), logins: loginsWith({ [NOTARY]: { username: 'kept', password: 'k' } }), env: { NOTARY_AUTH: auth } });
    assert.equal((await withAll(NOTARY, {}))?.username, 'saved');
    const withoutAccount = notaryCredentials({ host: NOTARY, docker: none, logins: loginsWith({ [NOTARY]: { username: 'kept', password: 'k' } }), env: { NOTARY_AUTH: auth } });
    assert.equal((await withoutAccount(NOTARY, {}))?.username, 'kept');
    const onlyEnv = notaryCredentials({ host: NOTARY, docker: none, env: { NOTARY_AUTH: auth } });
    assert.deepEqual(await onlyEnv(NOTARY, {}), { username: 'env-user', password: 'env-pass' });
  });

  it('answers for its own host only, so credentials never follow a redirect elsewhere', async () => {
    const lookup = notaryCredentials({ host: NOTARY, docker: dockerWith({ [REGISTRY]: { username: 'alice', password: 'a' } }), env: {} });
    assert.equal(await lookup('elsewhere.example.test', scope(`${REGISTRY}/team/app`)), undefined);
  });

  it('reads the keychain once per client, and a machine without a keychain has no keychain sign-in', async () => {
    const logins = loginsWith({ [NOTARY]: { username: 'kept', password: 'k' } });
    const lookup = notaryCredentials({ host: NOTARY, docker: dockerWith({}), logins, env: {} });
    await lookup(NOTARY, {});
    await lookup(NOTARY, {});
    assert.equal(logins.reads, 1);
    const locked = notaryCredentials({ host: NOTARY, docker: dockerWith({}), logins: loginsWith({}, new CountersignError('keychain-unavailable', 'no keychain')), env: {} });
    assert.equal(await locked(NOTARY, {}), undefined);
  });
});

describe('registry sign-in', () => {
  it("uses docker's login first, then the saved account, and never NOTARY_AUTH", async () => {
    const auth = Buffer.from('env-user:env-pass').toString('base64');
    const docker = registryCredentials({ host: REGISTRY, docker: dockerWith({ [REGISTRY]: { username: 'alice', password: 'a' } }), account: account('saved', 's'), env: { NOTARY_AUTH: auth } });
    assert.equal((await docker(REGISTRY, {}))?.username, 'alice');
    const none = registryCredentials({ host: REGISTRY, docker: dockerWith({}), env: { NOTARY_AUTH: auth } });
    assert.equal(await none(REGISTRY, {}), undefined);
  });
});

describe('names', () => {
  it('reads NOTARY_AUTH as base64 of user:password and refuses anything else', () => {
    assert.equal(notaryAuthFromEnv({}), undefined);
    assert.deepEqual(notaryAuthFromEnv({ NOTARY_AUTH: Buffer.from('u:p:q').toString('base64') }), { username: 'u', password: 'p:q' });
    assert.throws(() => notaryAuthFromEnv({ NOTARY_AUTH: Buffer.from('nocolon').toString('base64') }), { code: 'config-invalid' });
  });

  it('takes the registry host from a GUN', () => {
    assert.equal(registryHostOfGun('localhost:5000/team/app'), 'localhost:5000');
    assert.equal(registryHostOfGun('app'), undefined);
  });
});
