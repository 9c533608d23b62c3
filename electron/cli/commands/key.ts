// `countersign key ...`: the key vault from the command line. Private keys live in the OS keychain;
// files only ever hold public keys or encrypted exports. Passphrases come from
// $COUNTERSIGN_PASSPHRASE or a terminal prompt.
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { requireConfirmation } from '../confirm';
import { isSignerName } from '../../../shared/names';
import { CountersignError } from '../../../shared/errors';
import type { KeyAlgorithm } from '../../core/crypto/types';
import type { KeyRecord } from '../../core/keys/key-index';
import { envPassphraseProvider, firstPassphraseProvider } from '../../core/keys/passphrase';
import { terminalPassphraseProvider } from '../../core/keys/terminal-passphrase';
import { cosignPublicKeyPem } from '../../core/migrate';
import { publicKeyPemOf } from '../../core/keys/public-key-file';
import type { KeyImportOutcome } from '../../core/keys/key-import';
import { openKeyVault, type ImportReport, type KeyVault } from '../../core/keys/vault';
import { writeFileAtomic } from '../../core/state/atomic-file';
import { keyUsage, type KeyUse } from '../../core/trust/key-usage';
import { flag, stringOption, stringsOption, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { keyGenerateSpec, keyImportSpec, keyExportSpec, keyListSpec, keyRemoveSpec, keyLabelSpec, keyOfflineSpec, keyOnlineSpec, keyCosignPubSpec, keyCosignExportSpec } from './specs';
import type { CliContext } from '../context';
import { formatTable } from '../table';


export function openVault(context: CliContext): KeyVault {
  return openKeyVault({
    homeDir: context.home,
    passphrases: firstPassphraseProvider(envPassphraseProvider(context.env), terminalPassphraseProvider()),
    // What a run interrupted earlier left behind, and what was done about it, is always said.
    onRecovery: (events) => context.err.write(events.map((event) => `note: ${event.message}\n`).join('')),
  });
}

/** Prints `value` as JSON with --json, else the human text; a command's successful end. */
function report(context: CliContext, value: unknown, text: string): number {
  context.out.write(context.json ? `${JSON.stringify(value, null, 2)}\n` : text);
  return 0;
}

function requiredOutFile(args: ParsedArgs, command: string): string {
  const out = stringOption(args, 'out');
  if (out === undefined) throw new CountersignError('invalid-input', `${command} needs --out FILE`);
  return resolve(out);
}

/** --out FILE, refused when the file exists unless --force says to replace it. */
function replaceableOutFile(args: ParsedArgs, command: string): string {
  const file = requiredOutFile(args, command);
  if (existsSync(file) && !flag(args, 'force')) throw new CountersignError('invalid-input', `${file} exists (use --force to replace it)`);
  return file;
}

function requirePositionals(args: ParsedArgs, count: number, what: string): string[] {
  if (args.positionals.length < count) throw new CountersignError('invalid-input', `missing ${what}`);
  return args.positionals;
}

/** "example.com/app (targets, until 2029-11-24)", for the places a key is trusted. */
function describeUses(uses: readonly KeyUse[]): string {
  return uses.map((u) => `${u.gun} (${u.role}${u.expires ? `, until ${u.expires.slice(0, 10)}` : ''})`).join(', ');
}

function describeKey(record: KeyRecord): string {
  return `${record.role} key ${record.id}${record.gun ? ` for ${record.gun}` : ''}`;
}

const generateCommand: Command = {
  ...keyGenerateSpec,
  async run(context, args) {
    const [name] = requirePositionals(args, 1, 'the key name');
    if (!isSignerName(name!)) {
      throw new CountersignError('invalid-input', `key name "${name}" must start with a lowercase letter or digit and contain only lowercase letters, digits, "_" and "-"`);
    }
    const algorithm = stringOption(args, 'algorithm') ?? 'ecdsa';
    if (algorithm !== 'ecdsa' && algorithm !== 'ed25519') throw new CountersignError('invalid-input', `unknown algorithm "${algorithm}" (ecdsa or ed25519)`);
    const publicKeyFile = resolve(stringOption(args, 'dir') ?? '.', `${name}.pub`);
    if (existsSync(publicKeyFile)) throw new CountersignError('invalid-input', `public key file already exists: ${publicKeyFile}`);

    const vault = openVault(context);
    const record = await vault.generate({ role: name!, gun: stringOption(args, 'gun'), algorithm: algorithm as KeyAlgorithm, label: stringOption(args, 'label'), signal: context.signal });
    try {
      await writeFile(publicKeyFile, publicKeyPemOf(record), { flag: 'wx', mode: 0o644 });
    } catch (error) {
      // A key nobody can find the public half of is worse than none.
      await vault.remove(record.id);
      throw new CountersignError('invalid-input', `cannot write ${publicKeyFile}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return report(context, { key: record, publicKeyFile }, `Generated ${describeKey(record)} in the OS keychain.\nPublic key: ${publicKeyFile}\n`);
  },
};

const importCommand: Command = {
  ...keyImportSpec,
  async run(context, args) {
    const paths = requirePositionals(args, 1, 'a key file or trust dir').map((path) => resolve(path));
    const dirs = paths.filter((path) => existsSync(path) && statSync(path).isDirectory());
    if (dirs.length > 0 && paths.length > 1) throw new CountersignError('invalid-input', 'import one trust dir at a time, or only files');
    const vault = openVault(context);
    const options = { role: stringOption(args, 'role'), gun: stringOption(args, 'gun'), signal: context.signal };
    if (dirs.length === 0) {
      const imported = await vault.importFiles(paths, options);
      return report(context, imported, importSummary(imported));
    }
    return importKeyByKey(context, vault, dirs[0]!, stringsOption(args, 'skip'), options);
  },
};

/**
 * A trust dir, key by key: each key not of a --skip role is asked for (the role's variables, then the
 * terminal); a key without a passphrase, or with a wrong one, is reported and the rest imported. Exit
 * 1 only when keys were asked for and not one of them is in the vault afterwards.
 */
async function importKeyByKey(
  context: CliContext,
  vault: KeyVault,
  dir: string,
  skipRoles: readonly string[],
  { signal, ...defaults }: { role?: string | undefined; gun?: string | undefined; signal?: AbortSignal | undefined },
): Promise<number> {
  const { keys } = await vault.scanKeys({ kind: 'dir', path: dir }, signal === undefined ? {} : { signal });
  const skipped = new Set(skipRoles);
  const choices = keys.filter((key) => !skipped.has(key.role ?? '')).map((key) => ({ entry: key.entry, ask: true }));
  const outcomes = await vault.importChosen({ kind: 'dir', path: dir }, choices, { defaults, ...(signal === undefined ? {} : { signal }) });
  const requested = outcomes.filter((o) => choices.some((c) => c.entry === o.entry));
  const failed = requested.length > 0 && !requested.some((o) => o.status === 'imported' || o.status === 'already-present');
  const text = outcomes.length === 0 ? `No keys found in ${dir}.\n` : outcomes.map((o) => `${outcomeLine(o)}\n`).join('');
  report(context, { outcomes }, text);
  return failed ? 1 : 0;
}

function importSummary(imported: ImportReport): string {
  const lines = imported.imported.map((record) => `Imported ${describeKey(record)} from ${record.importedFrom ?? 'a file'}\n`);
  lines.push(...imported.skipped.map((skip) => `Skipped ${skip.file}: ${skip.reason.message}\n`));
  if (imported.imported.length === 0 && imported.skipped.length === 0) lines.push('No keys found.\n');
  return lines.join('');
}

function outcomeLine(outcome: KeyImportOutcome): string {
  const key = `${outcome.role ?? 'unnamed'} key${outcome.keyId === undefined ? '' : ` ${outcome.keyId}`}${outcome.gun === undefined ? '' : ` for ${outcome.gun}`}`;
  switch (outcome.status) {
    case 'imported':
      return `Imported ${key} from ${outcome.file}`;
    case 'already-present':
      return `Already in the keychain: ${key} (nothing changed)`;
    case 'skipped':
      return `Skipped ${key}: ${outcome.reason?.message ?? 'not chosen'}`;
    case 'passphrase-wrong':
      return `Not imported, wrong passphrase: ${key} (${outcome.file})`;
    case 'unreadable':
      return `Unreadable (${outcome.reason?.code ?? 'pem-invalid'}): ${outcome.file}: ${outcome.reason?.message ?? ''}`;
  }
}

const exportCommand: Command = {
  ...keyExportSpec,
  async run(context, args) {
    const ids = requirePositionals(args, 1, 'a key ID');
    const file = replaceableOutFile(args, 'key export');
    const text = await openVault(context).exportKeys(ids);
    await writeFileAtomic(file, text, 0o600);
    return report(context, { file, keys: ids.length }, `Exported ${ids.length} encrypted key${ids.length === 1 ? '' : 's'} to ${file}\n`);
  },
};

const cosignPublicCommand: Command = {
  ...keyCosignPubSpec,
  async run(context, args) {
    const [id] = requirePositionals(args, 1, 'a key ID');
    const file = replaceableOutFile(args, 'key cosign-pub');
    const record = await openVault(context).get(id!);
    const pem = cosignPublicKeyPem({ keytype: record.keytype, keyval: { public: record.publicKey } }, `key ${record.id}`);
    await writeFileAtomic(file, pem, 0o644);
    return report(context, { file, id: record.id }, `Wrote the cosign public key of ${record.id} to ${file}\n`);
  },
};

const cosignExportCommand: Command = {
  ...keyCosignExportSpec,
  async run(context, args) {
    const [id] = requirePositionals(args, 1, 'a key ID');
    const file = replaceableOutFile(args, 'key cosign-export');
    const vault = openVault(context);
    const record = await vault.get(id!);
    const text = await vault.exportCosignKey(record.id);
    await writeFileAtomic(file, text, 0o600);
    return report(context, { file, id: record.id }, `Wrote ${record.id} as an encrypted cosign key to ${file}\n`);
  },
};

const listCommand: Command = {
  ...keyListSpec,
  async run(context) {
    const records = await openVault(context).list();
    const usage = await keyUsage(context.home);
    const withUsage = records.map((r) => ({ ...r, usage: usage.get(r.id) ?? [] }));
    const rows = withUsage.map((r) => [
      r.role,
      r.gun ?? '',
      r.id,
      r.keytype,
      r.location === 'offline' ? `offline: ${r.offlineFile ?? ''}` : 'keychain',
      describeUses(r.usage) || '-',
      r.label ?? '',
    ]);
    const text = records.length === 0 ? 'No keys in the vault.\n' : formatTable([['ROLE', 'GUN', 'KEY ID', 'ALGORITHM', 'LOCATION', 'TRUSTED BY', 'LABEL'], ...rows]);
    return report(context, withUsage, text);
  },
};

const removeCommand: Command = {
  ...keyRemoveSpec,
  async run(context, args) {
    const [id] = requirePositionals(args, 1, 'a key ID');
    const vault = openVault(context);
    const record = await vault.get(id!);
    const uses = (await keyUsage(context.home)).get(record.id) ?? [];
    // Deleting a key that published metadata still trusts strands those roles: say so, always.
    if (uses.length > 0) {
      context.err.write(`warning: ${record.id} is still trusted by ${describeUses(uses)}; without it those roles cannot be re-signed\n`);
    }
    const warning = record.role === 'root' ? ' Without it you cannot change this repository’s trust any more unless you hold an offline copy.' : '';
    await requireConfirmation(args, 'yes', `Delete ${describeKey(record)}?${warning}`, `not deleting ${record.id}`);
    const { otherHomes } = await vault.remove(record.id, { signal: context.signal });
    // Each home has its own keychain entries: removing here leaves the other homes' copies.
    const elsewhere = otherHomes.map((home) => `Another Countersign home still holds or lists this key and keeps its copy: ${home.path ?? `(home ${home.tag})`}\n`).join('');
    return report(context, { removed: record.id, otherHomes }, `Deleted ${describeKey(record)} from this home\n${elsewhere}`);
  },
};

const labelCommand: Command = {
  ...keyLabelSpec,
  async run(context, args) {
    const [id, label] = requirePositionals(args, 2, 'a key ID and a label');
    const record = await openVault(context).setLabel(id!, label);
    return report(context, record, `${record.id}: ${record.label ?? '(no label)'}\n`);
  },
};

const offlineCommand: Command = {
  ...keyOfflineSpec,
  async run(context, args) {
    const [id] = requirePositionals(args, 1, 'a key ID');
    const file = requiredOutFile(args, 'key offline');
    if (existsSync(file)) throw new CountersignError('invalid-input', `${file} exists; choose a new file`);
    const record = await openVault(context).takeOffline(id!, file);
    return report(context, record, `${describeKey(record)} is now only in ${record.offlineFile}\n`);
  },
};

const onlineCommand: Command = {
  ...keyOnlineSpec,
  async run(context, args) {
    const [id] = requirePositionals(args, 1, 'a key ID');
    const from = stringOption(args, 'from');
    const record = await openVault(context).bringOnline(id!, from === undefined ? {} : { file: resolve(from) });
    return report(context, record, `${describeKey(record)} is back in the OS keychain\n`);
  },
};

export const keyCommands: readonly Command[] = [
  generateCommand,
  importCommand,
  exportCommand,
  cosignPublicCommand,
  cosignExportCommand,
  listCommand,
  removeCommand,
  labelCommand,
  offlineCommand,
  onlineCommand,
];
