// The real docker CLI's trust commands, which work without a Docker engine: inspect, key generate and
// load, signer add and remove, revoke. `docker trust sign` needs an engine (it reads the image from
// it), so signLikeDocker reproduces what it writes with notary on docker's own trust dir.
//
// Behaviour of docker 28.2.2 seen here, worth knowing when reading test results:
// - `trust key generate NAME --dir DIR` fails ("public key path does not exist") unless DIR exists.
// - `trust key load FILE` refuses a FILE that group or others may read or write (mode must be 0600).
// - `trust signer remove` exits 0 and changes nothing unless the signer is the last one holding keys
//   in targets/releases, even with --force.
// - `trust revoke` without a terminal on stdin does not ask and revokes; -y is passed anyway. Like
//   sign, it only touches roles whose key this config holds, so an admin without delegation keys
//   cannot revoke a tag signed into targets/releases ("no valid signing keys for delegation roles").
// - `trust signer add` on a repository that does not exist yet initialises it, with the snapshot
//   key managed by the server.
// - `notary delegation list` prints canonical key IDs; the metadata keeps the certificate-based IDs
//   of x509 keys. docker compares canonical IDs when it decides which roles it can sign.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalKeyIdOfPem, canonicalKeyIdOfTufKey, trustDirKeys } from './keys';
import { delegationsOf, type DelegatedRole } from './metadata';
import { notaryCli, type NotaryCli } from './notary-cli';
import { trustFileUrl } from './notary-server';
import { expectStatus, httpsRequest } from './https';
import { makeTempDir, removeTempDir, runCommand, toolEnv, CommandFailedError, describeCommand, type CommandResult } from './process';

export const DEFAULT_DOCKER_PASSPHRASES = {
  root: 'countersign-docker-root-passphrase',
  repository: 'countersign-docker-repository-passphrase',
} as const;

export interface DockerTrustOptions {
  /** "https://localhost:PORT" of the notary server. */
  server: string;
  caFile: string;
  /** An existing $DOCKER_CONFIG to reuse. Default: a fresh temp dir. */
  configDir?: string;
  rootPassphrase?: string;
  /** docker uses one passphrase for targets, snapshot and delegation keys. */
  repositoryPassphrase?: string;
}

export interface DockerTrustKeyRef {
  ID: string;
}

/** One element of `docker trust inspect` JSON output. */
export interface DockerTrustInspectEntry {
  Name: string;
  SignedTags: { SignedTag: string; Digest: string; Signers: string[] }[];
  Signers: { Name: string; Keys: DockerTrustKeyRef[] }[];
  AdministrativeKeys: { Name: string; Keys: DockerTrustKeyRef[] }[];
}

export interface DockerInspectResult extends CommandResult {
  /** Parsed JSON (docker prints [] even when it fails); undefined with pretty output. */
  entries: DockerTrustInspectEntry[] | undefined;
}

export interface GeneratedSignerKey {
  name: string;
  /** Canonical ID: the private key file's name in trust/private and the ID in delegations. */
  keyId: string;
  publicKeyFile: string;
}

export interface DockerTrust {
  readonly configDir: string;
  /** $DOCKER_CONFIG/trust: a notary trust dir (keys in private/, metadata cache in tuf/). */
  readonly trustDir: string;
  readonly server: string;
  readonly caFile: string;
  env(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
  /** `docker ARGS...` with this client's environment, whatever the exit status. */
  run(args: readonly string[], options?: { input?: string }): Promise<CommandResult>;
  runOk(args: readonly string[], options?: { input?: string }): Promise<CommandResult>;
  inspect(refs: string | readonly string[], options?: { pretty?: boolean }): Promise<DockerInspectResult>;
  /** `docker trust key generate NAME --dir DIR` (DIR defaults to configDir/keys and is created). */
  keyGenerate(name: string, dir?: string): Promise<GeneratedSignerKey>;
  /** `docker trust key load FILE --name NAME`; returns the loaded key's canonical ID. */
  keyLoad(file: string, name: string): Promise<string>;
  signerAdd(name: string, gun: string, publicKeyFiles: readonly string[]): Promise<void>;
  signerRemove(name: string, gun: string, options?: { force?: boolean }): Promise<CommandResult>;
  revoke(ref: string): Promise<void>;
  /**
   * Signs GUN:TAG the way `docker trust sign` would: into targets when the repository has no
   * delegations, otherwise into every direct child of targets whose paths allow the tag and for which
   * this trust dir holds a key (targets/releases included). Returns the roles it signed.
   */
  signLikeDocker(gun: string, tag: string, size: number, sha256hex: string, options?: { roles?: readonly string[] }): Promise<string[]>;
  /** A notary client on docker's trust dir, with docker's passphrases mapped to notary's roles. */
  notary(): NotaryCli;
  /** Removes configDir if this client created it. */
  dispose(): Promise<void>;
}

export async function dockerTrust(options: DockerTrustOptions): Promise<DockerTrust> {
  const ownsConfigDir = options.configDir === undefined;
  const configDir = options.configDir ?? makeTempDir('docker-config');
  const trustDir = join(configDir, 'trust');
  const rootPassphrase = options.rootPassphrase ?? DEFAULT_DOCKER_PASSPHRASES.root;
  const repositoryPassphrase = options.repositoryPassphrase ?? DEFAULT_DOCKER_PASSPHRASES.repository;

  // docker insists on https and trusts the CA it finds under $DOCKER_CONFIG/tls/<host:port>/.
  const serverHost = new URL(options.server).host;
  await mkdir(join(configDir, 'tls', serverHost), { recursive: true });
  await copyFile(options.caFile, join(configDir, 'tls', serverHost, 'ca.crt'));
  const caPem = await readFile(options.caFile, 'utf8');

  const env = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv =>
    toolEnv({
      DOCKER_CONFIG: configDir,
      DOCKER_CONTENT_TRUST_SERVER: options.server,
      DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE: rootPassphrase,
      DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: repositoryPassphrase,
      // No engine here; make sure nothing tries to reach one somewhere else.
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
      ...extra,
    });
  const run = (args: readonly string[], runOptions: { input?: string } = {}): Promise<CommandResult> =>
    runCommand('docker', args, { env: env(), input: runOptions.input });
  const runOk = async (args: readonly string[], runOptions: { input?: string } = {}): Promise<CommandResult> => {
    const result = await run(args, runOptions);
    if (result.code !== 0) throw new CommandFailedError(describeCommand('docker', args), result);
    return result;
  };
  const notary = (): NotaryCli =>
    notaryCli({
      server: options.server,
      caFile: options.caFile,
      trustDir,
      passphrases: {
        root: rootPassphrase,
        targets: repositoryPassphrase,
        snapshot: repositoryPassphrase,
        delegation: repositoryPassphrase,
      },
    });

  return {
    configDir,
    trustDir,
    server: options.server,
    caFile: options.caFile,
    env,
    run,
    runOk,
    async inspect(refs, inspectOptions = {}) {
      const list = typeof refs === 'string' ? [refs] : [...refs];
      const pretty = inspectOptions.pretty === true;
      const result = await run(['trust', 'inspect', ...(pretty ? ['--pretty'] : []), ...list]);
      return { ...result, entries: pretty ? undefined : parseInspectJson(result.stdout) };
    },
    async keyGenerate(name, dir) {
      const keyDir = dir ?? join(configDir, 'keys');
      await mkdir(keyDir, { recursive: true });
      await runOk(['trust', 'key', 'generate', name, '--dir', keyDir]);
      const publicKeyFile = join(keyDir, `${name}.pub`);
      return { name, keyId: canonicalKeyIdOfPem(await readFile(publicKeyFile, 'utf8')), publicKeyFile };
    },
    async keyLoad(file, name) {
      const before = new Set(await privateKeyIds(trustDir));
      await runOk(['trust', 'key', 'load', file, '--name', name]);
      const added = (await privateKeyIds(trustDir)).filter((id) => !before.has(id));
      if (added.length !== 1 || added[0] === undefined) throw new Error(`docker trust key load added ${added.length} keys`);
      return added[0];
    },
    async signerAdd(name, gun, publicKeyFiles) {
      await runOk(['trust', 'signer', 'add', ...publicKeyFiles.flatMap((file) => ['--key', file]), name, gun]);
    },
    signerRemove(name, gun, removeOptions = {}) {
      return runOk(['trust', 'signer', 'remove', ...(removeOptions.force === true ? ['--force'] : []), name, gun]);
    },
    async revoke(ref) {
      await runOk(['trust', 'revoke', '-y', ref]);
    },
    async signLikeDocker(gun, tag, size, sha256hex, signOptions = {}) {
      const roles = signOptions.roles ?? (await signableRoles(options.server, caPem, trustDir, gun, tag));
      await notary().addHash(gun, tag, size, sha256hex, { roles, publish: true });
      return [...roles];
    },
    notary,
    async dispose() {
      if (ownsConfigDir) await removeTempDir(configDir);
    },
  };
}

/** The roles `docker trust sign` would sign GUN:TAG into from this trust dir (see DockerTrust). */
async function privateKeyIds(trustDir: string): Promise<string[]> {
  return (await trustDirKeys(trustDir)).map((key) => key.keyId);
}

async function signableRoles(server: string, caPem: string, trustDir: string, gun: string, tag: string): Promise<string[]> {
  const response = expectStatus(await httpsRequest(trustFileUrl(server, gun, 'targets'), { ca: caPem }), [200], `targets of ${gun}`);
  const delegations = delegationsOf(JSON.parse(response.body.toString()) as unknown);
  if (delegations.roles.length === 0) return ['targets'];

  const heldKeyIds = new Set(await privateKeyIds(trustDir));
  const signable = delegations.roles
    // Only direct children of targets (the targets file lists no others) that may sign this tag.
    .filter((role) => role.name.split('/').length === 2 && allowsPath(role, tag))
    .filter((role) =>
      role.keyids.some((id) => {
        const key = delegations.keys[id];
        return key !== undefined && heldKeyIds.has(canonicalKeyIdOfTufKey(key));
      }),
    )
    .map((role) => role.name);
  if (signable.length === 0) throw new Error(`no valid signing keys for delegation roles of ${gun} in ${trustDir}`);
  return signable;
}

function allowsPath(role: DelegatedRole, target: string): boolean {
  if (role.paths.some((prefix) => target.startsWith(prefix))) return true;
  const hash = createHash('sha256').update(target).digest('hex');
  return role.pathHashPrefixes.some((prefix) => hash.startsWith(prefix));
}

function parseInspectJson(stdout: string): DockerTrustInspectEntry[] {
  if (stdout.trim() === '') return [];
  const value: unknown = JSON.parse(stdout);
  if (!Array.isArray(value)) throw new Error(`docker trust inspect printed no JSON array: ${stdout}`);
  return value.map((entry: unknown, i) => {
    if (entry === null || typeof entry !== 'object' || typeof (entry as { Name?: unknown }).Name !== 'string') {
      throw new Error(`docker trust inspect entry ${i} has no Name: ${stdout}`);
    }
    return entry as DockerTrustInspectEntry;
  });
}

/** A docker trust dir whose keys do not share one passphrase, as one made over time does. */
export interface MixedPassphraseTrustDir {
  trustDir: string;
  /** Signer keys: alice under the first repository passphrase (with root and targets), bob under the second. */
  alice: GeneratedSignerKey;
  bob: GeneratedSignerKey;
  dispose(): Promise<void>;
}

/**
 * The real docker makes root and targets for `gun` (root under `root`, targets and signer alice under
 * `first`); later, with the same config but another repository passphrase (`second`), signer bob.
 */
export async function dockerTrustWithMixedPassphrases(
  server: { url: string; caFile: string },
  passphrases: { root: string; first: string; second: string },
  gun: string,
): Promise<MixedPassphraseTrustDir> {
  const first = await dockerTrust({ server: server.url, caFile: server.caFile, rootPassphrase: passphrases.root, repositoryPassphrase: passphrases.first });
  const alice = await first.keyGenerate('alice');
  await first.signerAdd('alice', gun, [alice.publicKeyFile]);
  const second = await dockerTrust({ server: server.url, caFile: server.caFile, configDir: first.configDir, rootPassphrase: passphrases.root, repositoryPassphrase: passphrases.second });
  const bob = await second.keyGenerate('bob');
  return {
    trustDir: first.trustDir,
    alice,
    bob,
    dispose: async () => {
      await second.dispose();
      await first.dispose();
    },
  };
}
