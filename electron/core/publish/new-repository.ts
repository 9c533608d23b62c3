// Creating a repository, as `notary init` does: a root key (in a self-signed certificate for the GUN),
// a targets key and a snapshot key made in the vault — before any metadata naming them exists — and
// the timestamp key (optionally also the snapshot key) asked from the server, which makes and keeps it.
import { keyId } from '../crypto/key-id';
import type { TufPublicKey } from '../crypto/types';
import type { KeyVault } from '../keys/vault';
import type { NotaryClient } from '../notary/notary-client';
import type { PublicKeyJson, RootSigned } from '../tuf/metadata';
import type { RepositoryInitChange } from './changes';
import { emptyTargets, RepositoryDraft } from './draft';
import type { SigningKeys } from './signing';

export interface NewRepositoryKeysOptions {
  gun: string;
  vault: Pick<KeyVault, 'generate' | 'get' | 'getSigner'>;
  /** Reuse this root key (notary init --rootkey) instead of making a new one. */
  rootKeyId?: string;
  /** The server holds the snapshot key (docker trust's default for repositories it creates). */
  serverManagedSnapshot?: boolean;
  now?: Date;
}

/** Makes the repository's keys in the vault and returns the change that publishes them. */
export async function newRepositoryKeys(options: NewRepositoryKeysOptions): Promise<RepositoryInitChange> {
  const { gun, vault } = options;
  const now = options.now ?? new Date();
  const root = options.rootKeyId === undefined ? await newRootKey(vault, gun) : await existingRootKey(vault, options.rootKeyId, gun, now);
  const targets = await vault.generate({ role: 'targets', gun });
  const snapshot = options.serverManagedSnapshot ? undefined : await vault.generate({ role: 'snapshot', gun });
  return {
    kind: 'repository-init',
    rootKeyId: root.id,
    rootCertificate: root.certificate.keyval.public,
    rootKeyType: root.certificate.keytype === 'rsa-x509' ? 'rsa-x509' : 'ecdsa-x509',
    targetsKeyId: targets.id,
    ...(snapshot ? { snapshotKeyId: snapshot.id } : {}),
  };
}

async function newRootKey(vault: NewRepositoryKeysOptions['vault'], gun: string): Promise<{ id: string; certificate: TufPublicKey }> {
  const record = await vault.generate({ role: 'root', gun });
  const certificate = record.certificates?.find((c) => c.gun === gun);
  if (certificate) return { id: record.id, certificate: { keytype: 'ecdsa-x509', keyval: { public: certificate.certificate, private: null } } };
  return { id: record.id, certificate: (await vault.getSigner(record.id)).certificateKey(gun) };
}

async function existingRootKey(vault: NewRepositoryKeysOptions['vault'], id: string, gun: string, now: Date): Promise<{ id: string; certificate: TufPublicKey }> {
  const record = await vault.get(id);
  const signer = await vault.getSigner(record.id);
  return { id: record.id, certificate: signer.certificateKey(gun, { notBefore: now }) };
}

/** The ID root.json lists the init's root certificate under. */
export function rootCertificateKeyId(init: RepositoryInitChange): string {
  return keyId(rootCertificateKey(init));
}

function rootCertificateKey(init: RepositoryInitChange): PublicKeyJson {
  return { keytype: init.rootKeyType, keyval: { private: null, public: init.rootCertificate } };
}

/**
 * The first root and an empty targets for a staged init (version 0: signing makes them version 1).
 * Asks the server for its timestamp key — and snapshot key when it manages that — at publish time:
 * the server makes each once and returns the same key after.
 */
export async function draftForNewRepository(
  gun: string,
  init: RepositoryInitChange,
  context: { notary: NotaryClient; keys: SigningKeys; signal?: AbortSignal },
): Promise<RepositoryDraft> {
  const publicKeyOf = async (id: string): Promise<PublicKeyJson> => metadataKey((await context.keys.signer(id)).publicKey);
  const timestamp = metadataKey(await context.notary.serverKey(gun, 'timestamp', context.signal));
  const snapshot = init.snapshotKeyId ? await publicKeyOf(init.snapshotKeyId) : metadataKey(await context.notary.serverKey(gun, 'snapshot', context.signal));
  const targets = await publicKeyOf(init.targetsKeyId);
  const rootKey = rootCertificateKey(init);
  const keys: Record<string, PublicKeyJson> = {};
  const role = (key: PublicKeyJson) => {
    const id = keyId(key);
    keys[id] = key;
    return { keyids: [id], threshold: 1 };
  };
  const root: RootSigned = {
    _type: 'Root',
    consistent_snapshot: false,
    expires: '1970-01-01T00:00:00Z',
    keys,
    roles: { root: role(rootKey), snapshot: role(snapshot), targets: role(targets), timestamp: role(timestamp) },
    version: 0,
  };
  return RepositoryDraft.create(gun, root, emptyTargets());
}

/** A public key exactly as notary lists it in metadata: keytype and keyval {private: null, public}. */
function metadataKey(key: PublicKeyJson | TufPublicKey): PublicKeyJson {
  return { keytype: key.keytype, keyval: { private: null, public: key.keyval.public } };
}
