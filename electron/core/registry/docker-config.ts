// Reads docker's client config ($DOCKER_CONFIG/config.json, else ~/.docker/config.json): which
// credentials it holds inline (`auths`) and which credential helpers hold the others.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CountersignError } from '../../../shared/errors';
import { IDENTITY_TOKEN_USERNAME, type Credentials } from '../net/http';

const authEntrySchema = z.looseObject({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  identitytoken: z.string().optional(),
});

const dockerConfigSchema = z.looseObject({
  auths: z.record(z.string(), authEntrySchema).optional(),
  credsStore: z.string().optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
});

export type AuthEntry = z.infer<typeof authEntrySchema>;

export interface DockerConfig {
  /** Keyed by registry host ("localhost:5000", or DOCKER_HUB_KEY for Docker Hub). */
  auths: Map<string, AuthEntry>;
  credsStore: string | undefined;
  credHelpers: Map<string, string>;
}

/** Docker Hub's historical key in config.json and in credential helpers. */
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** The key docker files a registry's credentials under: its host, except Docker Hub's legacy URL. */
export function credentialKey(hostOrUrl: string): string {
  const host = hostOrUrl.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
  return DOCKER_HUB_HOSTS.has(host) ? DOCKER_HUB_KEY : host;
}

export { dockerConfigDir } from './docker-config-dir';

const EMPTY: DockerConfig = { auths: new Map(), credsStore: undefined, credHelpers: new Map() };

/** The parsed config; an absent file means "no credentials", a broken one is an error. */
export async function readDockerConfig(configDir: string): Promise<DockerConfig> {
  const file = join(configDir, 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') return EMPTY;
    throw new CountersignError('config-invalid', `cannot read ${file}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CountersignError('config-invalid', `${file} is not valid JSON`, { cause: error });
  }
  const parsed = dockerConfigSchema.safeParse(json);
  if (!parsed.success) throw new CountersignError('config-invalid', `${file} has an unexpected shape: ${parsed.error.message}`);
  const { auths = {}, credsStore, credHelpers = {} } = parsed.data;
  return {
    // Docker accepts keys written as URLs ("https://host/v1/"), so they are normalised like lookups are.
    auths: new Map(Object.entries(auths).map(([key, entry]) => [credentialKey(key), entry])),
    credsStore: credsStore === '' ? undefined : credsStore,
    credHelpers: new Map(Object.entries(credHelpers).map(([key, helper]) => [credentialKey(key), helper])),
  };
}

/** Credentials written inline in config.json, if this entry has any. */
export function credentialsFromEntry(entry: AuthEntry, where: string): Credentials | undefined {
  if (entry.identitytoken !== undefined && entry.identitytoken !== '') {
    return { username: IDENTITY_TOKEN_USERNAME, password: entry.identitytoken };
  }
  if (entry.auth !== undefined && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new CountersignError('config-invalid', `the "auth" for ${where} in docker's config.json is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username !== undefined && entry.password !== undefined) {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}
