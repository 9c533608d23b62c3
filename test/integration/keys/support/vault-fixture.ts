// A vault on the real Secret Service of the test session (scripts/with-keyring.sh), with its own
// home dir, plus the checks the tests share: what the keychain holds, and that no file anywhere we
// wrote holds a private key in the clear.
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as keytar from '@napi-rs/keyring/keytar.js';
import { KEYCHAIN_SERVICE, keychainSecretStore, type SecretStore } from '../../../../electron/core/keys/secret-store';
import { KeyIndex, confBackend } from '../../../../electron/core/keys/key-index';
import { KeyVault } from '../../../../electron/core/keys/vault';
import { homeKeychain, homeTag } from '../../../../electron/core/keys/home-keychain';
import { decodeStoredKey } from '../../../../electron/core/keys/stored-key';
import type { PassphraseProvider, PassphraseRequest } from '../../../../electron/core/keys/passphrase';
import { makeTempDir, runCommand } from '../../../stack/process';

export function requireKeyringSession(): void {
  assert.equal(
    process.env['COUNTERSIGN_KEYRING_SESSION'],
    '1',
    'keyring tests need a private Secret Service: run them under scripts/with-keyring.sh',
  );
}

/** Answers passphrase requests from a script and records what was asked. */
export class ScriptedPassphrases implements PassphraseProvider {
  readonly requests: PassphraseRequest[] = [];
  constructor(private readonly answer: (request: PassphraseRequest) => string | undefined) {}
  async passphrase(request: PassphraseRequest): Promise<string | undefined> {
    this.requests.push(request);
    return this.answer(request);
  }
}

export interface VaultFixture {
  home: string;
  vault: KeyVault;
  secrets: SecretStore;
}

export function openTestVault(passphrases: PassphraseProvider, options: { home?: string; secrets?: SecretStore } = {}): VaultFixture {
  const home = options.home ?? makeTempDir('vault-home');
  const secrets = options.secrets ?? keychainSecretStore();
  return { home, secrets, vault: new KeyVault({ secrets: homeKeychain(secrets, home), index: new KeyIndex(home, confBackend(home)), passphrases }) };
}

/** Every account the Secret Service holds for Countersign's keys, asked through libsecret's own CLI. */
export async function rawKeychainAccounts(): Promise<string[]> {
  const result = await runCommand('secret-tool', ['search', '--all', 'service', KEYCHAIN_SERVICE]);
  // secret-tool prints the attributes on stderr and the rest on stdout.
  return [...`${result.stdout}\n${result.stderr}`.matchAll(/^attribute\.(?:username|account) = (.+)$/gm)].map((m) => m[1]!);
}

/** The key IDs the keychain holds, for one home (its namespace "home-<tag>/") or for any home. */
export async function keychainAccounts(home?: string): Promise<string[]> {
  const prefix = home === undefined ? /^home-[0-9a-f]{16}\// : new RegExp(`^home-${homeTag(home)}/`);
  return (await rawKeychainAccounts()).filter((account) => prefix.test(account)).map((account) => account.replace(prefix, ''));
}

/** Every keychain entry (any home's) of these keys. */
export async function keychainSecretsOf(ids: Iterable<string>): Promise<string[]> {
  const wanted = new Set(ids);
  const secrets: string[] = [];
  for (const account of await rawKeychainAccounts()) {
    if (!wanted.has(account.split('/').at(-1)!)) continue;
    const secret = await keytar.getPassword(KEYCHAIN_SERVICE, account);
    if (secret !== null) secrets.push(secret);
  }
  return secrets;
}

/** The raw keychain entry of a key in a home (tests only: to look for its bytes on disk). */
export async function keychainSecret(id: string, home: string): Promise<string | null> {
  return keytar.getPassword(KEYCHAIN_SERVICE, `home-${homeTag(home)}/${id}`);
}

/** The bare private value (EC scalar or ed25519 seed), whatever container it might be copied in. */
function privateScalarOf(secret: string): Buffer {
  const material = decodeStoredKey(secret, 'test');
  if (material.algorithm === 'ed25519') return Buffer.from(material.seed);
  return Buffer.from(material.key.export({ format: 'jwk' }).d!, 'base64url');
}

const PLAINTEXT_PEM = /-----BEGIN ((?!ENCRYPTED)[A-Z0-9 ]*)PRIVATE KEY-----/;

/**
 * Every file under `dirs` that holds a private key in the clear: an unencrypted PEM private key
 * block, or any of the given secrets (the keychain entries' content) in base64 or as raw bytes.
 */
export async function filesWithPlaintextKeys(
  dirs: readonly string[],
  secrets: readonly string[],
  options: { anyPlaintextPem: boolean } = { anyPlaintextPem: true },
): Promise<string[]> {
  const needles = secrets.flatMap((secret) => {
    const pkcs8 = Buffer.from((JSON.parse(secret) as { pkcs8: string }).pkcs8, 'base64');
    const scalar = privateScalarOf(secret);
    return [pkcs8, Buffer.from(pkcs8.toString('base64')), Buffer.from(pkcs8.toString('hex')), scalar, Buffer.from(scalar.toString('base64')), Buffer.from(scalar.toString('hex'))];
  });
  const found: string[] = [];
  const visit = async (path: string): Promise<void> => {
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) return;
    if (info.isDirectory()) {
      for (const name of await readdir(path)) await visit(join(path, name));
      return;
    }
    if (!info.isFile() || info.size > 16 * 1024 * 1024) return;
    const bytes = await readFile(path);
    if ((options.anyPlaintextPem && PLAINTEXT_PEM.test(bytes.toString('latin1'))) || needles.some((needle) => bytes.includes(needle))) found.push(path);
  };
  for (const dir of dirs) await visit(dir);
  return found;
}
