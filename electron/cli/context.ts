// Everything a command needs from the outside world, built lazily from the global options and the
// environment, so that `--help` or a usage error costs nothing.
import { readFileSync } from 'node:fs';
import { CountersignError } from '../../shared/errors';
import { parseReference } from '../../shared/reference';
import { Connections, keychainLoginStore, LOGIN_KEYCHAIN_SERVICE, readCaFile, type ConnectOptions, type LoginStore } from '../core/connect';
import { keychainSecretStore } from '../core/keys/secret-store';
import type { RegistryClient } from '../core/registry';
import type { NotaryClient } from '../core/notary/notary-client';
import { defaultHome, dockerConfigDir } from '../core/state/home';
import { stringOption, flag, type ParsedArgs } from './args';

export interface Output {
  write(text: string): void;
  /** A terminal (not a pipe or a file): progress lines are only worth drawing there. */
  isTTY?: boolean;
}

export interface CliContext {
  out: Output;
  err: Output;
  env: NodeJS.ProcessEnv;
  json: boolean;
  home: string;
  /** docker's config dir ($DOCKER_CONFIG, else ~/.docker): its credentials and tls/ CAs. */
  dockerConfigDir: string;
  /** The keychain's sign-ins (`countersign login`), shared with the app. */
  logins: LoginStore;
  /** Where --password-stdin reads from; default the process's stdin (tests pass their own). */
  readPassword?: () => Promise<string>;
  /** Aborted when the user stops the run (SIGTERM, Ctrl-C): long work passes it on and stops between steps. */
  signal: AbortSignal;
  /** The notary server for a GUN: --server, $DOCKER_CONTENT_TRUST_SERVER, or https://<registry host>. */
  serverFor(gun: string): string;
  /** The notary server's client: --tls-ca and docker's CAs, docker's and the keychain's sign-in. */
  notary(server: string): NotaryClient;
  /** A registry client; its CA from caFile beside docker's ($DOCKER_CONFIG/tls/, /etc/docker/certs.d/). */
  registry(url: string, caFile?: string): RegistryClient;
  /** Clients of their own (e.g. the audit's retrying ones), closed with the context. */
  connections(options?: Pick<ConnectOptions, 'retry' | 'maxSockets'>): Connections;
  close(): void;
}

export function createContext(
  args: ParsedArgs,
  io: { out: Output; err: Output; env: NodeJS.ProcessEnv; readPassword?: () => Promise<string>; signal?: AbortSignal },
): CliContext {
  const explicitServer = stringOption(args, 'server') ?? (io.env['DOCKER_CONTENT_TRUST_SERVER'] || undefined);
  const explicitCa = stringOption(args, 'tls-ca');
  const logins = keychainLoginStore(keychainSecretStore(LOGIN_KEYCHAIN_SERVICE));
  const opened: Connections[] = [];
  const connections = (options: Pick<ConnectOptions, 'retry' | 'maxSockets'> = {}): Connections => {
    const made = new Connections({ dockerConfigDir: dockerConfigDir(io.env), env: io.env, logins, ...options });
    opened.push(made);
    return made;
  };
  let shared: Connections | undefined;
  const plain = (): Connections => (shared ??= connections());
  return {
    ...io,
    // In-process runs (tests) that pass no signal are never stopped.
    signal: io.signal ?? new AbortController().signal,
    json: flag(args, 'json'),
    home: stringOption(args, 'home') ?? defaultHome(io.env),
    dockerConfigDir: dockerConfigDir(io.env),
    logins,
    serverFor(gun) {
      if (explicitServer) return explicitServer;
      const host = gun.split('/')[0]!;
      // docker would use notary.docker.io here; it shuts down on 2026-12-08, so we never default to it.
      if (host === 'docker.io') {
        throw new CountersignError('invalid-input', `no notary server for ${gun}: pass --server URL or set DOCKER_CONTENT_TRUST_SERVER (Docker Hub's notary.docker.io is not a default: it shuts down on 2026-12-08)`);
      }
      return `https://${host}`;
    },
    notary: (server) => plain().notary({ url: server, ...caOf(explicitCa) }),
    registry: (url, caFile) => plain().registry({ url, ...caOf(caFile) }),
    connections,
    close() {
      for (const made of opened) made.close();
    },
  };
}

function caOf(file: string | undefined): { caPem?: string } {
  return file === undefined ? {} : { caPem: readCaFile(file) };
}

/** A small text input file (a public key), with a usage error naming it when unreadable. */
export function readTextFile(path: string, what = 'the file'): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CountersignError('invalid-input', `cannot read ${what} ${path}: ${(error as Error).message}`);
  }
}

export function gunOf(input: string): { gun: string; tag?: string } {
  const parsed = parseReference(input);
  if (!parsed) throw new CountersignError('invalid-input', `"${input}" is not a valid repository name`);
  return parsed;
}
