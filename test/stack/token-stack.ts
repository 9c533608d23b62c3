// A deployment built like Harbor's on loopback, for every test of signing in: one registry's storage
// served twice (behind token auth and behind htpasswd), a token issuer in Harbor's core's place, and
// the real notary-server trusting that issuer's tokens. `secretTraces` lists what a leaked password
// or token would look like in a file, for the tests that prove none is written.
import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTestCa, type TestCa } from './ca';
import type { DockerTrust } from './docker-trust';
import { startNotaryServer, type NotaryServer } from './notary-server';
import { removeTempDir, runCommand } from './process';
import { guardRegistry, startRegistry, type GuardedRegistry, type Registry } from './registry';
import { startTokenIssuer, tokenAuthOf, type Rights, type TokenIssuer, type TokenUser } from './token-issuer';

export interface TokenStackOptions {
  /** Holds the CA and the issuer's signing key; removed by stop(). */
  dir: string;
  users: Record<string, TokenUser>;
  /** user -> password of the htpasswd registry. */
  htpasswd: Record<string, string>;
  anonymous?: Rights;
  /** The token service refuses anonymous token requests (see TokenIssuerOptions.refuseAnonymous). */
  refuseAnonymous?: boolean;
  lifetimeSeconds?: number;
}

export interface TokenStack {
  ca: TestCa;
  /** The registry process that holds the images (push to it; it needs no sign-in). */
  storage: Registry;
  issuer: TokenIssuer;
  /** The same storage behind token auth (service "countersign-registry"), as Harbor's registry. */
  registry: GuardedRegistry;
  /** The same storage behind htpasswd (Basic). */
  basicRegistry: GuardedRegistry;
  /** notary-server with token auth (service "countersign-notary"). */
  notary: NotaryServer;
  stop(): Promise<void>;
}

export async function startTokenStack(options: TokenStackOptions): Promise<TokenStack> {
  const ca = await makeTestCa(join(options.dir, 'ca'));
  const storage = await startRegistry({ ca });
  const issuer = await startTokenIssuer({
    ca,
    dir: options.dir,
    users: options.users,
    ...(options.anonymous === undefined ? {} : { anonymous: options.anonymous }),
    ...(options.refuseAnonymous === undefined ? {} : { refuseAnonymous: options.refuseAnonymous }),
    ...(options.lifetimeSeconds === undefined ? {} : { lifetimeSeconds: options.lifetimeSeconds }),
  });
  const registry = await guardRegistry(storage, { token: tokenAuthOf(issuer, 'countersign-registry') });
  const basicRegistry = await guardRegistry(storage, { htpasswd: options.htpasswd });
  const notary = await startNotaryServer({ ca, auth: { type: 'token', options: tokenAuthOf(issuer, 'countersign-notary') } });
  return {
    ca,
    storage,
    issuer,
    registry,
    basicRegistry,
    notary,
    stop: async () => {
      await notary.stop();
      await registry.stop();
      await basicRegistry.stop();
      await issuer.stop();
      await storage.stop();
      await removeTempDir(options.dir);
    },
  };
}

/** Every password, its Basic form, and the opening every JWT of the issuer has ({"typ":"JWT" in base64url). */
export function secretTraces(users: Record<string, { password: string }>, htpasswd: Record<string, string>, extra: readonly string[] = []): string[] {
  const logins = [...Object.entries(users).map(([name, user]) => [name, user.password] as const), ...Object.entries(htpasswd)];
  return [...logins.map(([, password]) => password), ...logins.map(([name, password]) => Buffer.from(`${name}:${password}`).toString('base64')), 'eyJ0eXAiOiJKV1Qi', ...extra];
}

/** A docker config dir that trusts the stack's CA for each host (tls/<host:port>/ca.crt), as docker users set it up. */
export async function trustCaIn(configDir: string, hosts: readonly string[], caFile: string): Promise<void> {
  for (const host of hosts) {
    await mkdir(join(configDir, 'tls', host), { recursive: true });
    await copyFile(caFile, join(configDir, 'tls', host, 'ca.crt'));
  }
}

/** `docker login HOST` in a docker client's config dir (its sign-in to notary, too, as docker trust does). */
export async function dockerLogin(client: DockerTrust, host: string, user: string, password: string, caFile: string): Promise<void> {
  // docker login reads the registry's CA from the system's certs.d; SSL_CERT_FILE gives Go the stack CA instead.
  const result = await runCommand('docker', ['login', host, '--username', user, '--password-stdin'], { env: client.env({ SSL_CERT_FILE: caFile }), input: password });
  assert.equal(result.code, 0, `docker login as ${user}: ${result.stderr}`);
}
