// The reference notary client (`notary` from Debian, 0.7) driven from tests: a fresh trust dir per
// client unless one is given, passphrases through NOTARY_*_PASSPHRASE, and typed helpers over the
// commands the tests need. run() stays available for anything not wrapped here.
import { readFile } from 'node:fs/promises';
import { canonicalKeyIdOfPem, trustDirKeys, type TrustDirKey } from './keys';
import { makeTempDir, removeTempDir, runCommand, toolEnv, CommandFailedError, describeCommand, type CommandResult } from './process';
import { parseAlignedTable } from './table';

export interface NotaryPassphrases {
  root: string;
  targets: string;
  snapshot: string;
  delegation: string;
}

export const DEFAULT_NOTARY_PASSPHRASES: NotaryPassphrases = {
  root: 'countersign-root-passphrase',
  targets: 'countersign-targets-passphrase',
  snapshot: 'countersign-snapshot-passphrase',
  delegation: 'countersign-delegation-passphrase',
};

export interface NotaryCliOptions {
  /** "https://localhost:PORT". */
  server: string;
  caFile: string;
  /** Use an existing trust dir (e.g. docker's $DOCKER_CONFIG/trust). Default: a fresh temp dir. */
  trustDir?: string;
  passphrases?: Partial<NotaryPassphrases>;
}

export interface NotaryRunOptions {
  input?: string;
  /** Extra environment, e.g. a different passphrase for one call. */
  env?: Record<string, string | undefined>;
}

/** A row of `notary list`. */
export interface NotaryTarget {
  name: string;
  /** Hex SHA-256. */
  digest: string;
  size: number;
  role: string;
}

/** A row of `notary key list`. gun is empty for root and delegation keys. */
export interface NotaryKey {
  role: string;
  gun: string;
  keyId: string;
  location: string;
}

/** An entry of `notary delegation list`; key IDs are canonical (public-key) IDs. */
export interface NotaryDelegation {
  role: string;
  /** [''] means all paths. */
  paths: string[];
  keyIds: string[];
  threshold: number;
}

export type DelegationPaths = { allPaths: true } | { paths: readonly string[] };

export type RotatableRole = 'root' | 'targets' | 'snapshot' | 'timestamp';

export interface NotaryCli {
  readonly trustDir: string;
  readonly server: string;
  readonly caFile: string;
  readonly passphrases: NotaryPassphrases;
  /** The environment notary runs with (passphrases set), for callers that spawn it themselves. */
  env(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
  /** `notary -d TRUSTDIR -s SERVER --tlscacert CA ARGS...`, whatever the exit status. */
  run(args: readonly string[], options?: NotaryRunOptions): Promise<CommandResult>;
  /** Like run, but a non-zero exit throws with notary's stderr. */
  runOk(args: readonly string[], options?: NotaryRunOptions): Promise<CommandResult>;
  /** Creates the repository (root, targets and snapshot keys local) and publishes it by default. */
  init(gun: string, options?: { publish?: boolean; rootKeyFile?: string }): Promise<void>;
  addHash(
    gun: string,
    tag: string,
    size: number,
    sha256hex: string,
    options?: { roles?: readonly string[]; publish?: boolean },
  ): Promise<void>;
  remove(gun: string, tag: string, options?: { roles?: readonly string[]; publish?: boolean }): Promise<void>;
  publish(gun: string): Promise<void>;
  list(gun: string, options?: { role?: string }): Promise<NotaryTarget[]>;
  /** `notary key list` as printed (long GUNs and locations shortened); see also privateKeys. */
  keyList(): Promise<NotaryKey[]>;
  /** The private keys in the trust dir with their exact role and GUN, read from the key files. */
  privateKeys(): Promise<TrustDirKey[]>;
  /** Generates a key into the trust dir (encrypted with the role's passphrase) and returns its ID. */
  keyGenerate(role: string, options?: { algorithm?: 'ecdsa' | 'ed25519' | 'rsa' }): Promise<string>;
  keyImport(file: string, options?: { role?: string; gun?: string }): Promise<void>;
  delegationAdd(
    gun: string,
    role: string,
    publicKeyFiles: readonly string[],
    paths: DelegationPaths,
    options?: { publish?: boolean },
  ): Promise<{ keyIds: string[] }>;
  delegationRemove(gun: string, role: string, options?: { keyIds?: readonly string[]; publish?: boolean }): Promise<void>;
  delegationList(gun: string): Promise<NotaryDelegation[]>;
  /**
   * `notary key rotate`. Publishes at once (notary has no staged rotation). Root rotation asks for
   * confirmation on stdin; this answers yes.
   */
  rotate(gun: string, role: RotatableRole, options?: { serverManaged?: boolean; keyFiles?: readonly string[] }): Promise<void>;
  /** Removes the trust dir if this client created it. */
  dispose(): Promise<void>;
}

export function notaryCli(options: NotaryCliOptions): NotaryCli {
  const ownsTrustDir = options.trustDir === undefined;
  const trustDir = options.trustDir ?? makeTempDir('notary-trust');
  const passphrases: NotaryPassphrases = { ...DEFAULT_NOTARY_PASSPHRASES, ...options.passphrases };

  const env = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv =>
    toolEnv({
      NOTARY_ROOT_PASSPHRASE: passphrases.root,
      NOTARY_TARGETS_PASSPHRASE: passphrases.targets,
      NOTARY_SNAPSHOT_PASSPHRASE: passphrases.snapshot,
      NOTARY_DELEGATION_PASSPHRASE: passphrases.delegation,
      ...extra,
    });
  const fullArgs = (args: readonly string[]): string[] => [
    '-d', trustDir, '-s', options.server, '--tlscacert', options.caFile, ...args,
  ];
  const run = (args: readonly string[], runOptions: NotaryRunOptions = {}): Promise<CommandResult> =>
    runCommand('notary', fullArgs(args), { env: env(runOptions.env), input: runOptions.input });
  const runOk = async (args: readonly string[], runOptions: NotaryRunOptions = {}): Promise<CommandResult> => {
    const result = await run(args, runOptions);
    if (result.code !== 0) throw new CommandFailedError(describeCommand('notary', fullArgs(args)), result);
    return result;
  };
  const publishFlag = (publish: boolean | undefined): string[] => (publish === false ? [] : ['-p']);
  const roleFlags = (roles: readonly string[] | undefined): string[] => (roles ?? []).flatMap((role) => ['--roles', role]);

  return {
    trustDir,
    server: options.server,
    caFile: options.caFile,
    passphrases,
    env,
    run,
    runOk,
    async init(gun, initOptions = {}) {
      const rootKey = initOptions.rootKeyFile === undefined ? [] : ['--rootkey', initOptions.rootKeyFile];
      await runOk(['init', gun, ...rootKey, ...publishFlag(initOptions.publish)]);
    },
    async addHash(gun, tag, size, sha256hex, addOptions = {}) {
      await runOk([
        'addhash', gun, tag, String(size), '--sha256', sha256hex,
        ...roleFlags(addOptions.roles), ...publishFlag(addOptions.publish),
      ]);
    },
    async remove(gun, tag, removeOptions = {}) {
      await runOk(['remove', gun, tag, ...roleFlags(removeOptions.roles), ...publishFlag(removeOptions.publish)]);
    },
    async publish(gun) {
      await runOk(['publish', gun]);
    },
    async list(gun, listOptions = {}) {
      const role = listOptions.role === undefined ? [] : ['--roles', listOptions.role];
      const { stdout } = await runOk(['list', gun, ...role]);
      return parseAlignedTable(stdout).map(([name = '', digest = '', size = '', targetRole = '']) => ({
        name,
        digest,
        size: Number(size),
        role: targetRole,
      }));
    },
    async keyList() {
      const { stdout } = await runOk(['key', 'list']);
      return parseAlignedTable(stdout).map(([role = '', gun = '', keyId = '', location = '']) => ({ role, gun, keyId, location }));
    },
    privateKeys: () => trustDirKeys(trustDir),
    async keyGenerate(role, generateOptions = {}) {
      const { stdout } = await runOk(['key', 'generate', generateOptions.algorithm ?? 'ecdsa', '--role', role]);
      const match = /keyID: ([0-9a-f]{64})/.exec(stdout);
      if (match?.[1] === undefined) throw new Error(`notary key generate printed no key ID: ${stdout}`);
      return match[1];
    },
    async keyImport(file, importOptions = {}) {
      const role = importOptions.role === undefined ? [] : ['--role', importOptions.role];
      const gun = importOptions.gun === undefined ? [] : ['--gun', importOptions.gun];
      await runOk(['key', 'import', file, ...role, ...gun]);
    },
    async delegationAdd(gun, role, publicKeyFiles, paths, addOptions = {}) {
      const pathFlags = 'allPaths' in paths ? ['--all-paths'] : paths.paths.flatMap((p) => ['--paths', p]);
      await runOk(['delegation', 'add', gun, role, ...publicKeyFiles, ...pathFlags, ...publishFlag(addOptions.publish)]);
      const keyIds = await Promise.all(publicKeyFiles.map(async (file) => canonicalKeyIdOfPem(await readFile(file, 'utf8'))));
      return { keyIds };
    },
    async delegationRemove(gun, role, removeOptions = {}) {
      // -y: removing a whole role asks for confirmation otherwise.
      await runOk(['delegation', 'remove', gun, role, ...(removeOptions.keyIds ?? []), '-y', ...publishFlag(removeOptions.publish)]);
    },
    async delegationList(gun) {
      const { stdout } = await runOk(['delegation', 'list', gun]);
      return parseDelegationTable(stdout);
    },
    async rotate(gun, role, rotateOptions = {}) {
      const keys = (rotateOptions.keyFiles ?? []).flatMap((file) => ['--key', file]);
      const serverManaged = rotateOptions.serverManaged === true ? ['-r'] : [];
      await runOk(['key', 'rotate', gun, role, ...serverManaged, ...keys], { input: 'yes\n' });
    },
    async dispose() {
      if (ownsTrustDir) await removeTempDir(trustDir);
    },
  };
}

/** Continuation lines (empty ROLE) carry further paths and key IDs of the role above. */
function parseDelegationTable(stdout: string): NotaryDelegation[] {
  const delegations: NotaryDelegation[] = [];
  for (const [role = '', paths = '', keyId = '', threshold = ''] of parseAlignedTable(stdout)) {
    if (role !== '') {
      delegations.push({ role, paths: [], keyIds: [], threshold: Number(threshold) });
    }
    const current = delegations[delegations.length - 1];
    if (current === undefined) throw new Error(`unexpected continuation line in notary delegation list:\n${stdout}`);
    // notary prints the empty "all paths" prefix as `"" <all paths>`.
    if (paths !== '') current.paths.push(paths.startsWith('""') ? '' : paths);
    if (keyId !== '') current.keyIds.push(keyId);
  }
  return delegations;
}
