// The key vault behind the keys.* channels. Only public facts about keys cross to the renderer:
// KeySummary has no field that could carry key material, and every record is mapped field by field.
import { keyUsage } from '../core/trust/key-usage';
import type { KeyRecord, KeyVault, PassphraseProvider } from '../core/keys';
import { publicKeyFileName, publicKeyPemOf } from '../core/keys/public-key-file';
import type { KeySummary, KeyUsage } from '../../shared/schemas/views';
import { CountersignError } from '../../shared/errors';
import { vaultNotesSchema } from '../../shared/schemas/vault-notes';
import { VaultNotes } from './vault-notes';
import type { KeyService } from './services';

function summary(record: KeyRecord, usage: readonly KeyUsage[]): KeySummary {
  return {
    id: record.id,
    role: record.role,
    keytype: record.keytype,
    origin: record.origin,
    location: record.location,
    createdAt: record.createdAt,
    usage: [...usage],
    publicKeyPem: publicKeyPemOf(record),
    publicKeyFileName: publicKeyFileName(record),
    ...(record.offlineFile === undefined ? {} : { offlineFile: record.offlineFile }),
    ...(record.gun === undefined ? {} : { gun: record.gun }),
    ...(record.label === undefined ? {} : { label: record.label }),
  };
}

/** Offers the passphrases the user typed, one per attempt, then gives up (no prompts in the main process). */
export function passphraseList(passphrases: readonly string[]): PassphraseProvider {
  return { passphrase: async (request) => (request.kind === 'unlock' ? passphrases[request.attempt - 1] : undefined) };
}

/**
 * `openVault` opens the vault with a passphrase source; the vault is cheap (an index and the keychain).
 * `notes` collects what every vault of this process recovered (default: this service's vault only).
 */
export function vaultKeyService(openVault: (passphrases: PassphraseProvider) => KeyVault, homeDir: string, notes = new VaultNotes()): KeyService {
  const vault = openVault(passphraseList([]));
  /** Which verified repositories trust each key, from the verified-metadata cache (no network). */
  const usageById = async (): Promise<Map<string, KeyUsage[]>> => {
    const uses = await keyUsage(homeDir);
    return new Map(
      [...uses].map(([id, list]) => [id, list.map((u) => (u.expires === undefined ? { gun: u.gun, role: u.role } : { gun: u.gun, role: u.role, expires: u.expires }))]),
    );
  };
  const summarise = async (records: readonly KeyRecord[]) => {
    const usage = await usageById();
    return records.map((r) => summary(r, usage.get(r.id) ?? []));
  };
  return {
    list: async () => summarise(await vault.list()),
    generate: async (input) => (await summarise([await vault.generate(input)]))[0]!,
    scanImport: async (source) => (await vault.scanKeys(source)).keys,
    importChosen: async (source, choices, { signal, progress }) => ({
      // One passphrase per key, and only for that key: the renderer's table says which goes where.
      outcomes: await vault.importChosen(
        source,
        choices.map(({ entry, passphrase }) => ({ entry, passphrases: passphrase === undefined ? [] : [passphrase] })),
        { signal, progress },
      ),
    }),
    remove: async (id) => ({ otherHomes: (await vault.remove(id)).otherHomes }),
    label: async (id, label) => (await summarise([await vault.setLabel(id, label)]))[0]!,
    get: async (id) => (await summarise([await vault.get(id)]))[0]!,
    exportKeys: (ids, passphrase) => vault.exportKeys(ids, { passphrase }),
    notes: async () => {
      // The first call is the app's start: the recovery runs now if nothing else has run it yet. A
      // locked keychain recovers nothing (the Keys screen says the keychain is unavailable).
      await vault.recover().catch((error: unknown) => {
        if (!(error instanceof CountersignError && error.code === 'keychain-unavailable')) throw error;
      });
      const pending = notes.list();
      const withHomes = await Promise.all(
        pending.map(async (note) => ({ ...note, otherHomes: (await vault.otherHomesWith(note.keyId)).map((home) => home.path ?? `home ${home.tag}`) })),
      );
      // Parsed on the way out: only the schema's public fields can reach the renderer.
      return vaultNotesSchema.parse(withHomes);
    },
    dismissNotes: (through) => notes.dismiss(through),
  };
}
