// Docker's credentials as a CredentialLookup for the HttpClient, resolved the way the docker CLI does:
// a per-registry helper (credHelpers) first, then the default store (credsStore), then config.json's
// inline `auths`.
import type { CredentialLookup, Credentials } from '../net/http';
import { credentialsFromHelper } from './credential-helper';
import { credentialKey, credentialsFromEntry, dockerConfigDir, readDockerConfig, type DockerConfig } from './docker-config';

export interface DockerCredentialOptions {
  /** The directory holding config.json; defaults to $DOCKER_CONFIG, else ~/.docker. */
  configDir?: string;
  /** Environment for the credential helpers (PATH decides which one runs). */
  env?: NodeJS.ProcessEnv;
  helperTimeoutMs?: number;
  /** How long an answer is reused: helpers are processes, and an audit asks for every request. */
  cacheMs?: number;
}

async function resolve(config: DockerConfig, host: string, options: DockerCredentialOptions): Promise<Credentials | undefined> {
  const key = credentialKey(host);
  const helper = config.credHelpers.get(key) ?? config.credsStore;
  if (helper !== undefined) {
    const fromHelper = await credentialsFromHelper(helper, key, { env: options.env, timeoutMs: options.helperTimeoutMs });
    if (fromHelper !== undefined) return fromHelper;
  }
  const entry = config.auths.get(key);
  return entry === undefined ? undefined : credentialsFromEntry(entry, key);
}

export function dockerCredentialLookup(options: DockerCredentialOptions = {}): CredentialLookup {
  const configDir = options.configDir ?? dockerConfigDir(options.env);
  const cacheMs = options.cacheMs ?? 5 * 60_000;
  const answers = new Map<string, { at: number; credentials: Promise<Credentials | undefined> }>();
  return (host) => {
    const cached = answers.get(host);
    if (cached !== undefined && Date.now() - cached.at < cacheMs) return cached.credentials;
    const credentials = readDockerConfig(configDir).then((config) => resolve(config, host, options));
    const entry = { at: Date.now(), credentials };
    answers.set(host, entry);
    credentials.catch(() => {
      if (answers.get(host) === entry) answers.delete(host);
    });
    return credentials;
  };
}

/** Tries each lookup in turn (e.g. Countersign's keychain, then docker's config) and takes the first answer. */
export function firstCredentials(...lookups: CredentialLookup[]): CredentialLookup {
  return async (host) => {
    for (const lookup of lookups) {
      const found = await lookup(host);
      if (found !== undefined) return found;
    }
    return undefined;
  };
}
