// Sign-ins kept in the OS keychain, one per server host ("host:port"), shared by the app and the CLI
// (`countersign login`). The secret is the JSON {username, password}: one keychain entry per server,
// so nothing about a login is ever written to a file.
import { z } from 'zod';
import { CountersignError } from '../../../shared/errors';
import type { SecretStore } from '../keys/secret-store';
import type { Credentials } from '../net/http';
import { registryOrigin } from '../registry/registry-client';

/** The keychain service of these sign-ins (apart from private keys and the app's per-server passwords). */
import { LOGIN_KEYCHAIN_SERVICE } from './constants';
export { LOGIN_KEYCHAIN_SERVICE };

const loginSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });

export interface LoginStore {
  get(host: string): Promise<Credentials | undefined>;
  set(host: string, credentials: Credentials): Promise<void>;
  /** True when there was a login to forget. */
  delete(host: string): Promise<boolean>;
  hosts(): Promise<string[]>;
}

/** "https://Notary.Example.com:4443/" or "notary.example.com:4443" -> "notary.example.com:4443". */
export function loginHost(server: string): string {
  // Notary servers and registries are named alike: "host:port" means https.
  return registryOrigin(server).host.toLowerCase();
}

export function keychainLoginStore(secrets: SecretStore): LoginStore {
  return {
    async get(host) {
      const secret = await secrets.get(loginHost(host));
      if (secret === null) return undefined;
      let json: unknown;
      try {
        json = JSON.parse(secret);
      } catch (error) {
        throw new CountersignError('config-invalid', `the keychain's sign-in for ${host} is not readable; run countersign login ${host} again`, { cause: error });
      }
      const parsed = loginSchema.safeParse(json);
      if (!parsed.success) throw new CountersignError('config-invalid', `the keychain's sign-in for ${host} has an unexpected shape; run countersign login ${host} again`);
      return parsed.data;
    },
    set: (host, credentials) => secrets.set(loginHost(host), JSON.stringify(loginSchema.parse(credentials))),
    delete: (host) => secrets.delete(loginHost(host)),
    hosts: () => secrets.list(),
  };
}
