// Everything a command needs from the outside world, built lazily from the global options and the
// environment, so that `--help` or a usage error costs nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CountersignError } from '../../shared/errors';
import { parseReference } from '../../shared/reference';
import { HttpClient } from '../core/net/http';
import { dockerCredentialLookup, RegistryClient, registryOrigin } from '../core/registry';
import { NotaryClient } from '../core/notary/notary-client';
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
  /** The notary server for a GUN: --server, $DOCKER_CONTENT_TRUST_SERVER, or https://<registry host>. */
  serverFor(gun: string): string;
  notary(server: string): NotaryClient;
  /** A registry client; its CA from caFile, else docker's $DOCKER_CONFIG/tls/<host:port>/. */
  registry(url: string, caFile?: string): RegistryClient;
  close(): void;
}

export function createContext(args: ParsedArgs, io: { out: Output; err: Output; env: NodeJS.ProcessEnv }): CliContext {
  const explicitServer = stringOption(args, 'server') ?? (io.env['DOCKER_CONTENT_TRUST_SERVER'] || undefined);
  const explicitCa = stringOption(args, 'tls-ca');
  const clients = new Map<string, NotaryClient>();
  const registries = new Map<string, RegistryClient>();
  const https: HttpClient[] = [];
  // One client per server: its CA from the given file, else docker's $DOCKER_CONFIG/tls/<host:port>/;
  // docker's stored credentials, which registries and the notary servers behind their token
  // services (Harbor, MSR, ACR) accept.
  const httpFor = (url: string, caFile: string | undefined): HttpClient => {
    const ca = caFile ? readCa(caFile) : dockerTlsCa(url, io.env);
    const credentials = dockerCredentialLookup({ env: io.env });
    const http = new HttpClient(ca ? { ca, credentials } : { credentials });
    https.push(http);
    return http;
  };
  return {
    ...io,
    json: flag(args, 'json'),
    home: stringOption(args, 'home') ?? defaultHome(io.env),
    serverFor(gun) {
      if (explicitServer) return explicitServer;
      const host = gun.split('/')[0]!;
      // docker would use notary.docker.io here; it shuts down on 2026-12-08, so we never default to it.
      if (host === 'docker.io') {
        throw new CountersignError('invalid-input', `no notary server for ${gun}: pass --server URL or set DOCKER_CONTENT_TRUST_SERVER (Docker Hub's notary.docker.io is not a default: it shuts down on 2026-12-08)`);
      }
      return `https://${host}`;
    },
    notary(server) {
      let notary = clients.get(server);
      if (!notary) {
        notary = new NotaryClient(server, httpFor(server, explicitCa));
        clients.set(server, notary);
      }
      return notary;
    },
    registry(url, caFile) {
      const origin = registryOrigin(url).origin;
      let registry = registries.get(origin);
      if (!registry) {
        registry = new RegistryClient({ url: origin, http: httpFor(origin, caFile) });
        registries.set(origin, registry);
      }
      return registry;
    },
    close() {
      for (const http of https) http.close();
    },
  };
}

export function readCa(path: string): string {
  return readTextFile(path, 'the CA file');
}

/** A small text input file (a CA bundle, a public key), with a usage error naming it when unreadable. */
export function readTextFile(path: string, what = 'the file'): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CountersignError('invalid-input', `cannot read ${what} ${path}: ${(error as Error).message}`);
  }
}

/** docker trusts every *.crt in $DOCKER_CONFIG/tls/<host:port>/ for that server; so do we. */
export function dockerTlsCa(server: string, env: NodeJS.ProcessEnv): string | undefined {
  const dir = join(dockerConfigDir(env), 'tls', new URL(server).host);
  if (!existsSync(dir)) return undefined;
  const pems = readdirSync(dir)
    .filter((name) => name.endsWith('.crt'))
    .map((name) => readFileSync(join(dir, name), 'utf8'));
  return pems.length ? pems.join('\n') : undefined;
}

export function gunOf(input: string): { gun: string; tag?: string } {
  const parsed = parseReference(input);
  if (!parsed) throw new CountersignError('invalid-input', `"${input}" is not a valid repository name`);
  return parsed;
}
