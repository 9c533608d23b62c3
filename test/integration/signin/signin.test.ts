// Signing in as docker does, on a deployment built like Harbor's on loopback: a token issuer (test
// code in Harbor's core's place), the real notary-server with token auth, the real docker-registry
// with token auth, and a registry with htpasswd. After `docker login` to the registry only, the push
// user works with Countersign exactly as with docker trust and notary (NOTARY_AUTH); the pull-only
// user reads and is told plainly why a write is refused; an audit of a registry with no notary behind
// it fails and says so; and no credential or token lands anywhere but the keychain.
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditReport } from '../../../shared/audit';
import { runCli } from '../../../electron/cli/main';
import { Connections } from '../../../electron/core/connect';
import type { Result } from '../../../shared/contract';
import type { FlowSummary, RegistryDigest } from '../../../shared/schemas/flows';
import type { Settings } from '../../../shared/schemas/settings';
import { memoryBackend } from '../../../electron/ipc/settings-store';
import { createServices } from '../../../electron/ipc/wire-services';
import { memorySecretStore, recordingCaller, routerFor } from '../../unit/ipc/support';
import {
  dockerLogin,
  dockerTrust,
  makeTempDir,
  notaryCli,
  removeTempDir,
  secretTraces,
  startTokenStack,
  trustCaIn,
  type DockerTrust,
  type GuardedRegistry,
  type NotaryServer,
  type PushedImage,
  type Registry,
  type TokenIssuer,
  type TokenStack,
} from '../../stack';

const USERS = {
  alice: { password: 'alice-push-password', rights: { 'team/': ['push', 'pull', '*'] }, catalog: true },
  bob: { password: 'bob-pull-password', rights: { 'team/': ['pull'] } },
} as const;
const HTPASSWD = { carol: 'carol-htpasswd-password' };
const PASSPHRASE = 'countersign-signin-passphrase';
const TOKEN_LIFETIME_S = 2;

let stack: TokenStack;
let storage: Registry;
let issuer: TokenIssuer;
let registry: GuardedRegistry;
let basicRegistry: GuardedRegistry;
let notary: NotaryServer;
let alice: DockerTrust;
let bob: DockerTrust;
let nobody: string;
let v1: PushedImage;
let v1app: PushedImage;
let gun: string;
const homes: string[] = [];

async function loginAs(client: DockerTrust, user: keyof typeof USERS): Promise<void> {
  await dockerLogin(client, registry.host, user, USERS[user].password, storage.caFile);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `countersign ARGS` in this process with only the given environment, and a password on "stdin". */
async function countersign(configDir: string, args: readonly string[], extra: { env?: Record<string, string>; password?: string } = {}): Promise<Run> {
  const home = makeTempDir('signin-home');
  homes.push(home);
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: { write: (text) => void (stdout += text) },
    err: { write: (text) => void (stderr += text) },
    env: { DOCKER_CONFIG: configDir, COUNTERSIGN_HOME: home, COUNTERSIGN_PASSPHRASE: PASSPHRASE, PATH: process.env['PATH'] ?? '', ...extra.env },
    ...(extra.password === undefined ? {} : { readPassword: async () => `${extra.password}\n` }),
  });
  return { code, stdout, stderr };
}

/** One home for a sequence of commands (init then sign share keys and pins). */
function inHome(home: string, args: readonly string[]): readonly string[] {
  return ['--home', home, ...args];
}

before(async () => {
  // Tokens live two seconds, so that runs outlive them and the client must fetch new ones.
  stack = await startTokenStack({ dir: makeTempDir('signin'), users: USERS, htpasswd: HTPASSWD, anonymous: { 'public/': ['pull'] }, lifetimeSeconds: TOKEN_LIFETIME_S });
  ({ storage, issuer, registry, basicRegistry, notary } = stack);
  const { ca } = stack;
  v1 = await storage.pushImage('team/app', 'v1', { seed: 'signin-v1' });
  await storage.pushImage('team/app', 'v2', { seed: 'signin-v2' });
  gun = `${registry.host}/team/app`;
  const hosts = [registry.host, basicRegistry.host, notary.host];
  alice = await dockerTrust({ server: notary.url, caFile: ca.caCertFile });
  bob = await dockerTrust({ server: notary.url, caFile: ca.caCertFile });
  await trustCaIn(alice.configDir, hosts, ca.caCertFile);
  await trustCaIn(bob.configDir, hosts, ca.caCertFile);
  await loginAs(alice, 'alice');
  await loginAs(bob, 'bob');
  nobody = makeTempDir('signin-nobody');
  await trustCaIn(nobody, hosts, ca.caCertFile);
});

after(async () => {
  await alice?.dispose();
  await bob?.dispose();
  await stack?.stop();
  for (const home of homes) await removeTempDir(home);
  if (nobody) await removeTempDir(nobody);
});

describe('after docker login to the registry only', () => {
  let aliceHome: string;

  before(async () => {
    aliceHome = makeTempDir('signin-alice');
    homes.push(aliceHome);
    const init = await countersign(alice.configDir, inHome(aliceHome, ['init', gun, '--server', notary.url]));
    assert.equal(init.code, 0, init.stderr);
    const sign = await countersign(alice.configDir, inHome(aliceHome, ['sign', `${gun}:v1`, '--registry', registry.url, '--server', notary.url]));
    assert.equal(sign.code, 0, sign.stderr);
  });

  it('the push user creates and signs a repository that docker trust and notary (NOTARY_AUTH) read', async () => {
    const docker = await alice.inspect(gun);
    assert.equal(docker.code, 0, docker.stderr);
    assert.deepEqual(docker.entries?.[0]?.SignedTags.map((tag) => [tag.SignedTag, tag.Digest]), [['v1', v1.sha256]]);
    const reader = notaryCli({ server: notary.url, caFile: storage.caFile });
    try {
      const auth = Buffer.from(`alice:${USERS.alice.password}`).toString('base64');
      const listed = await reader.run(['list', gun], { env: { NOTARY_AUTH: auth } });
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, new RegExp(`v1\\s+${v1.sha256}`));
    } finally {
      await reader.dispose();
    }
  });

  it('the pull-only user reads, and a write is refused naming what is missing', async () => {
    const inspect = await countersign(bob.configDir, ['inspect', gun, '--server', notary.url]);
    assert.equal(inspect.code, 0, inspect.stderr);
    assert.match(inspect.stdout, new RegExp(v1.sha256));
    // The keys are on this machine; the server decides by the sign-in, and bob's only lets him pull.
    const sign = await countersign(bob.configDir, inHome(aliceHome, ['sign', `${gun}:v2`, '--registry', registry.url, '--server', notary.url]));
    assert.equal(sign.code, 1);
    assert.match(sign.stderr, /signed in as bob, who may pull but not push/);
    // Nothing stays staged unsaid: the refusal names the change left staged, and how to drop it.
    assert.match(sign.stderr, /Stays staged \(not on the server\)[^\n]*countersign reset/);
    assert.match(sign.stderr, /sign v2 in targets/);
    const reset = await countersign(bob.configDir, inHome(aliceHome, ['reset', gun, '--server', notary.url]));
    assert.equal(reset.code, 0, reset.stderr);
  });

  it('an anonymous user is told that a sign-in is needed and where one can come from', async () => {
    const inspect = await countersign(nobody, ['inspect', gun, '--server', notary.url]);
    assert.equal(inspect.code, 1);
    assert.match(inspect.stderr, /auth-required/);
    assert.match(inspect.stderr, /docker login, countersign login, or NOTARY_AUTH/);
  });

  it('NOTARY_AUTH alone signs in to the notary server, as it does for notary', async () => {
    const auth = Buffer.from(`bob:${USERS.bob.password}`).toString('base64');
    const inspect = await countersign(nobody, ['inspect', gun, '--server', notary.url], { env: { NOTARY_AUTH: auth } });
    assert.equal(inspect.code, 0, inspect.stderr);
  });

  it('audits the registry against its notary server', async () => {
    const audit = await countersign(alice.configDir, ['audit', '--registry', registry.url, '--server', notary.url, '--json']);
    assert.equal(audit.code, 0, audit.stderr);
    const report = JSON.parse(audit.stdout) as AuditReport;
    const tags = Object.fromEntries(report.repositories.flatMap((r) => r.tags.map((t) => [`${r.repository}:${t.tag}`, t.status])));
    assert.deepEqual(tags, { 'team/app:v1': 'signed', 'team/app:v2': 'unsigned' });
  });

  it('a catalog the user may not list suggests --repo, and --repo works', async () => {
    const refused = await countersign(bob.configDir, ['audit', '--registry', registry.url, '--server', notary.url]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /--repo/);
    const named = await countersign(bob.configDir, ['audit', '--registry', registry.url, '--server', notary.url, '--repo', 'team/app', '--json']);
    assert.equal(named.code, 0, named.stderr);
  });
});

describe('tokens', () => {
  it('are reused for a repository and scope within a run, and fetched anew once they expire', async () => {
    const connections = new Connections({ dockerConfigDir: alice.configDir, env: {} });
    try {
      const fetcher = connections.notary({ url: notary.url }).fetcher(gun);
      const requests = (): number => issuer.requests().filter((request) => request.scopes.includes(`repository:${gun}:pull`)).length;
      const before = requests();
      await fetcher.fetch('timestamp.json', 1 << 20);
      await fetcher.fetch('root.json', 1 << 20);
      assert.equal(requests() - before, 1, 'one token for both reads');
      await new Promise((resolve) => setTimeout(resolve, (TOKEN_LIFETIME_S + 1) * 1000));
      assert.ok(await fetcher.fetch('timestamp.json', 1 << 20));
      assert.equal(requests() - before, 2, 'a new token once the first expired');
    } finally {
      connections.close();
    }
  });
});

describe('a registry with no notary server behind it', () => {
  for (const [name, target] of [['token auth', () => registry] as const, ['htpasswd', () => basicRegistry] as const]) {
    it(`fails the audit with trust-unreadable (no notary server), never unsigned (${name})`, async () => {
      const login = await countersign(alice.configDir, ['login', basicRegistry.host, '--username', 'carol', '--password-stdin'], { password: HTPASSWD.carol });
      assert.equal(login.code, 0, login.stderr);
      const audit = await countersign(alice.configDir, ['audit', '--registry', target().url, '--repo', 'team/app', '--json']);
      assert.equal(audit.code, 1);
      const report = JSON.parse(audit.stdout) as AuditReport;
      const repository = report.repositories[0];
      assert.equal(repository?.unreadable, 'no notary server', JSON.stringify(repository?.trustError));
      assert.deepEqual(repository?.tags.map((tag) => tag.status), ['trust-unreadable', 'trust-unreadable']);
      assert.match(audit.stderr, /trust data unreadable: no notary server/);
    });
  }
});

describe('countersign login', () => {
  it('keeps a sign-in the server accepted in the keychain, which later commands use, until logout', async () => {
    const wrong = await countersign(nobody, ['login', notary.host, '--username', 'bob', '--password-stdin'], { password: 'not-his-password' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /sign-in refused for bob at /);
    const login = await countersign(nobody, ['login', notary.host, '--username', 'bob', '--password-stdin'], { password: USERS.bob.password });
    assert.equal(login.code, 0, login.stderr);
    const inspect = await countersign(nobody, ['inspect', gun, '--server', notary.url]);
    assert.equal(inspect.code, 0, inspect.stderr);
    const logout = await countersign(nobody, ['logout', notary.host]);
    assert.match(logout.stdout, /Signed out/);
    assert.equal((await countersign(nobody, ['inspect', gun, '--server', notary.url])).code, 1);
  });

  it('takes no password as an argument', async () => {
    assert.equal((await countersign(nobody, ['login', notary.host, '--username', 'bob', '--password', 'x'])).code, 2);
  });
});

describe('the app’s jobs, through the real handlers, with docker’s sign-in', () => {
  // The same handlers the Electron main process and the test host serve, over the real services: the
  // app finds alice's sign-in in docker's config (of the registry host the GUN names), as the CLI does.
  let appHome: string;
  const caller = recordingCaller();
  let operations = 0;

  function appFor(configDir: string) {
    const services = createServices({
      runtime: 'test-host',
      version: '0.0.0-test',
      homeDir: appHome,
      dockerConfigDir: configDir,
      settingsBackend: memoryBackend(),
      serverSecrets: memorySecretStore(),
      registrySecrets: memorySecretStore(),
      loginSecrets: memorySecretStore(),
      env: { PATH: process.env['PATH'] ?? '' },
    });
    const router = routerFor(services);
    const call = async <T>(channel: string, request: unknown): Promise<T> => {
      const result = (await router.dispatch(channel, { request, operationId: `op-${++operations}` }, caller)) as Result<T>;
      if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
      return result.value;
    };
    return { services, call };
  }

  before(async () => {
    // Pushed only now: the audits above count the repositories of the registry.
    v1app = await storage.pushImage('team/app-app', 'v1', { seed: 'signin-app-v1' });
    appHome = makeTempDir('signin-app');
    homes.push(appHome);
    const init = await countersign(alice.configDir, inHome(appHome, ['init', `${gun}-app`, '--server', notary.url]));
    assert.equal(init.code, 0, init.stderr);
  });

  it('signs by the registry’s digest as alice, and docker trust sees it', async () => {
    const app = appFor(alice.configDir);
    try {
      const settings = await app.call<Settings>('settings.saveServer', { server: { name: 'Harbor notary', url: notary.url, caPem: storage.caPem } });
      const serverId = settings.servers[0]!.id;
      const digest = await app.call<RegistryDigest>('sign.readDigest', { gun: `${gun}-app`, serverId, tag: 'v1', registry: { url: registry.url, caPem: storage.caPem } });
      assert.equal(digest.digest, `sha256:${v1app.sha256}`);
      const summary = await app.call<FlowSummary>('sign.tag', { gun: `${gun}-app`, serverId, tag: 'v1', digest: digest.digest, size: digest.size, guard: { url: registry.url, caPem: storage.caPem } });
      assert.equal(summary.outcomes[0]?.status, 'published', JSON.stringify(summary.outcomes[0]?.error));
      const docker = await alice.inspect(`${gun}-app`);
      assert.deepEqual(docker.entries?.[0]?.SignedTags.map((tag) => [tag.SignedTag, tag.Digest]), [['v1', v1app.sha256]]);
    } finally {
      app.services.close();
    }
  });

  it('as bob (pull only), a revocation is refused naming what is missing, and the server keeps the tag', async () => {
    const app = appFor(bob.configDir);
    try {
      const settings = await app.call<Settings>('settings.saveServer', { server: { name: 'Harbor notary', url: notary.url, caPem: storage.caPem } });
      const serverId = settings.servers[0]!.id;
      const summary = await app.call<FlowSummary>('revoke.tags', { gun: `${gun}-app`, serverId, tag: 'v1' });
      const outcome = summary.outcomes[0]!;
      assert.equal(outcome.status, 'failed');
      assert.equal(outcome.error?.code, 'access-denied');
      assert.match(outcome.error?.message ?? '', /signed in as bob, who may pull but not push/);
      assert.match(outcome.stillStaged.join('\n'), /revoke v1/);
      const docker = await alice.inspect(`${gun}-app`);
      assert.deepEqual(docker.entries?.[0]?.SignedTags.map((tag) => tag.SignedTag), ['v1'], 'the tag is still signed on the server');
      await app.call('publish.discard', { gun: `${gun}-app`, serverId });
    } finally {
      app.services.close();
    }
  });
});

describe('where secrets go', () => {
  /** Every file under dir (docker's own config.json aside: docker login wrote it), as text. */
  async function filesUnder(root: string): Promise<{ path: string; text: string }[]> {
    const found: { path: string; text: string }[] = [];
    for (const entry of await readdir(root, { recursive: true })) {
      const path = join(root, entry);
      if ((await stat(path)).isFile() && !(entry === 'config.json')) found.push({ path, text: await readFile(path, 'latin1') });
    }
    return found;
  }

  it('no password and no token is written by Countersign to its home or to docker\'s dir', async () => {
    const secrets = secretTraces(USERS, HTPASSWD);
    assert.ok(issuer.requests().length > 0);
    for (const root of [...homes, alice.configDir, bob.configDir, nobody]) {
      for (const file of await filesUnder(root)) {
        for (const secret of secrets) assert.ok(!file.text.includes(secret), `${file.path} holds a secret`);
      }
    }
  });
});
