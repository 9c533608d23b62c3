// Where private keys live: the OS keychain (Secret Service on Linux, Keychain on macOS, Credential
// Manager on Windows) behind a four-call interface of our own, so the vault does not depend on the
// binding. The binding is @napi-rs/keyring's keytar-compatible entry point (keytar itself is
// archived and needs a native build). The native module is loaded on the first call, not with this
// module: a command that never reaches the keychain (or reaches it only after a request is on its
// way, as a warm `inspect` does) does not wait for the library to load.
import { CountersignError } from '../../../shared/errors';

type Keytar = typeof import('./keytar-binding').keytar;
let binding: Promise<Keytar> | undefined;
const loadKeytar = (): Promise<Keytar> => (binding ??= import('./keytar-binding').then((module) => module.keytar));

export interface SecretStore {
  /** The secret stored under `account`, or null when there is none. */
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
  /** Every account that holds a secret. */
  list(): Promise<string[]>;
}

export const KEYCHAIN_SERVICE = 'countersign';
const PROBE_ACCOUNT = 'countersign-keychain-probe';

const UNAVAILABLE_HELP =
  'The OS keychain is not available: no Secret Service is running, or its keyring is locked. ' +
  'Start and unlock your keyring (GNOME Keyring, KWallet or KeePassXC with Secret Service) and try again.';

/**
 * The OS keychain. On Linux the binding answers "nothing stored" both when a secret is absent and
 * when no Secret Service is reachable or the keyring is locked; so every empty answer is confirmed
 * by a test write before we believe it, and a keychain we cannot write to is `keychain-unavailable`.
 */
export function keychainSecretStore(service = KEYCHAIN_SERVICE): SecretStore {
  const unavailable = (cause: unknown) => new CountersignError('keychain-unavailable', `${UNAVAILABLE_HELP} (${messageOf(cause)})`, { cause });

  const call = async <T>(operation: (keytar: Keytar) => Promise<T>): Promise<T> => {
    try {
      return await operation(await loadKeytar());
    } catch (cause) {
      throw unavailable(cause);
    }
  };

  const confirmReachable = async (): Promise<void> => {
    await call((keytar) => keytar.setPassword(service, PROBE_ACCOUNT, 'probe'));
    await call((keytar) => keytar.deletePassword(service, PROBE_ACCOUNT));
  };

  return {
    async get(account) {
      const secret = await call((keytar) => keytar.getPassword(service, account));
      if (secret === null) await confirmReachable();
      return secret;
    },
    async set(account, secret) {
      await call((keytar) => keytar.setPassword(service, account, secret));
      // A locked keyring can accept a write it did not keep; only a read-back proves the key is safe.
      if ((await call((keytar) => keytar.getPassword(service, account))) !== secret) {
        throw unavailable(new Error('the keychain did not keep the secret'));
      }
    },
    async delete(account) {
      const deleted = await call((keytar) => keytar.deletePassword(service, account));
      if (!deleted) await confirmReachable();
      return deleted;
    },
    async list() {
      const credentials = await call((keytar) => keytar.findCredentials(service));
      if (credentials.length === 0) await confirmReachable();
      return credentials.map((c) => c.account).filter((account) => account !== PROBE_ACCOUNT);
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
