// What the user configures: notary servers, the repositories they watch, and UI preferences.
// The same schemas validate IPC requests and the settings file read back from disk, so a
// hand-edited or older settings file cannot smuggle a bad shape into the app.
import { z } from 'zod';
import { isValidGun } from '../reference';

/** Docker Hub's notary server; shown with a notice, never offered as a default. */
export const DOCKER_HUB_NOTARY_HOST = 'notary.docker.io';
export const DOCKER_HUB_NOTARY_SHUTDOWN = '2026-12-08';

const httpsUrlOf = (message: string) =>
  z
    .string()
    .trim()
    .max(2048)
    .refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', { message })
    // A password in the address would be saved in the settings file in plaintext (and shown back):
    // sign-in details belong in the user name field and the keychain.
    .refine((value) => !URL.canParse(value) || (new URL(value).username === '' && new URL(value).password === ''), {
      message: 'must not carry a user name or password: enter the user name in its own field, and the password when asked (it is kept in the keychain)',
    });
const httpsUrl = httpsUrlOf('must be an https:// URL (notary servers speak TLS only)');

const pemCertificates = z
  .string()
  .max(256 * 1024)
  .refine((value) => value.includes('-----BEGIN CERTIFICATE-----'), {
    message: 'must contain at least one PEM certificate (-----BEGIN CERTIFICATE-----)',
  })
  .refine((value) => !/PRIVATE KEY-----/.test(value), {
    message: 'contains a private key; a CA bundle holds certificates only',
  });

export const serverIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and dashes');

/** A server as the user types it in; `id` is absent for a server not saved yet. */
export const serverInputSchema = z.strictObject({
  id: serverIdSchema.optional(),
  name: z.string().trim().min(1).max(100),
  url: httpsUrl,
  /** PEM bundle of the CA(s) that issued the server's certificate, when it is not publicly trusted. */
  caPem: pemCertificates.optional(),
  /** Sign-in name; the password lives in the OS keychain, never in settings. */
  username: z.string().trim().max(200).optional(),
});

export const serverConfigSchema = serverInputSchema.extend({ id: serverIdSchema });

/** A Globally Unique Name as docker uses it (host[:port]/path), by the same rule the CLI applies. */
export const gunSchema = z
  .string()
  .trim()
  .refine(isValidGun, 'not a repository name such as registry.example.com/team/app');

export const watchedRepositorySchema = z.strictObject({
  gun: gunSchema,
  serverId: serverIdSchema,
});

export const uiPrefsSchema = z.strictObject({
  theme: z.enum(['system', 'light', 'dark']),
  /** Roles expiring within this many days are shown as warnings. */
  expiryWarningDays: z.number().int().min(1).max(365),
  density: z.enum(['comfortable', 'compact']),
});

/** A registry's name in GUNs ("host[:port]"), when it is not the address it is reached at. */
const gunHostSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?$/, 'a host name, with a port if any (registry.example.com:5000)');

/** A Docker registry the security review reads; like a server, its password lives in the OS keychain. */
export const registryInputSchema = z.strictObject({
  id: serverIdSchema.optional(),
  name: z.string().trim().min(1).max(100),
  url: httpsUrlOf('must be an https:// URL (Countersign reads registries over TLS only)'),
  caPem: pemCertificates.optional(),
  username: z.string().trim().max(200).optional(),
  /** The notary server holding this registry's trust data: the audit's default. */
  serverId: serverIdSchema.optional(),
  /** The registry's name in trust data (GUN = gunHost/repository); default: the URL's host:port. */
  gunHost: gunHostSchema.optional(),
});

export const registryConfigSchema = registryInputSchema.extend({ id: serverIdSchema });

export const settingsSchema = z.strictObject({
  servers: z.array(serverConfigSchema).max(100),
  watched: z.array(watchedRepositorySchema).max(5000),
  ui: uiPrefsSchema,
  /** Absent from settings written before the security review existed. */
  registries: z.array(registryConfigSchema).max(100).default([]),
});

export type ServerInput = z.infer<typeof serverInputSchema>;
export type ServerConfig = z.infer<typeof serverConfigSchema>;
export type WatchedRepository = z.infer<typeof watchedRepositorySchema>;
export type UiPrefs = z.infer<typeof uiPrefsSchema>;
export type Settings = z.infer<typeof settingsSchema>;
export type RegistryInput = z.infer<typeof registryInputSchema>;
export type RegistryConfig = z.infer<typeof registryConfigSchema>;

export const DEFAULT_SETTINGS: Settings = {
  servers: [],
  watched: [],
  ui: { theme: 'system', expiryWarningDays: 30, density: 'comfortable' },
  registries: [],
};

export function isDockerHubNotary(url: string): boolean {
  return URL.canParse(url) && new URL(url).hostname === DOCKER_HUB_NOTARY_HOST;
}
