// What `countersign --help` and the argument parser need to know of every command, and nothing
// else: this module imports no core code, so help and usage errors never load zod, the keychain or
// the network (each command's module, with its run(), is imported only when that command runs).
import { DEFAULT_AUDIT_CONCURRENCY, DEFAULT_EXPIRING_WITHIN_DAYS } from '../../core/audit/defaults';
import { DEFAULT_MIGRATION_CONCURRENCY } from '../../core/migrate/defaults';
import type { OptionSpec } from '../args';
import type { CommandSpec } from '../command';

export const STAGE_OPTION: Record<string, OptionSpec> = {
  stage: { type: 'boolean', description: 'only stage the change (by default it is published at once, as docker trust does); `countersign publish GUN` sends everything staged' },
  'include-staged': { type: 'boolean', description: 'publish changes staged earlier (by another command) together with this one' },
  'leave-staged': { type: 'boolean', description: 'publish only this change and leave changes staged earlier as they are' },
};

/** The plan the app shows before its last click (core/jobs/plan.ts), for the commands whose job has one. */
export const PLAN_OPTION: Record<string, OptionSpec> = {
  plan: {
    type: 'boolean',
    description: 'only show the plan: the roles that get a new version, the key that signs each and where it is, changes staged earlier, and what blocks the job with its fix; writes nothing; exit 1 when blocked',
  },
};

/** --out FILE and --force, for the key commands that write one file and never replace it unasked. */
function outFileOptions(file: string) {
  return {
    out: { type: 'string', value: 'FILE', description: `the file to write, ${file}; never overwritten without --force` },
    force: { type: 'boolean', description: 'replace an existing file' },
  } as const satisfies Record<string, OptionSpec>;
}

const PATH_OPTIONS = {
  paths: { type: 'strings', value: 'PREFIX', description: 'a path prefix the role may sign (repeatable); "" is every path' },
  'all-paths': { type: 'boolean', description: 'every path' },
} as const;

export const archiveSpec = {
  name: 'archive',
  summary: "Export repositories' complete verified trust data (every root version) as one evidence archive",
  usage: 'GUN... --out FILE [--registry URL --cosign-key FILE]',
  options: {
    out: { type: 'string', value: 'FILE', description: 'where to write the archive (a tar; see electron/core/archive/README.md)' },
    registry: { type: 'string', value: 'URL', description: 'with --cosign-key: the registry holding the cosign signatures that replaced the DCT ones' },
    'registry-ca': { type: 'string', value: 'FILE', description: 'CA bundle for the registry (default: ~/.docker/tls/<host:port>/*.crt)' },
    'cosign-key': { type: 'string', value: 'FILE', description: 'also keep, per signed tag, the cosign signature by this public key (cosign.pub)' },
  },
} satisfies CommandSpec;

export const verifyArchiveSpec = {
  name: 'verify-archive',
  summary: 'Verify an evidence archive offline: root chain, every signature and hash, the tag map',
  usage: 'FILE',
  options: {
    sha256: { type: 'string', value: 'HEX', description: "also require the archive file's sha256 (as printed by archive)" },
  },
} satisfies CommandSpec;

export const auditSpec = {
  name: 'audit',
  summary: 'Review a registry: which tags are signed, by whom, and whether the registry serves what was signed',
  usage: '--registry URL [--repo REPO]...',
  options: {
    registry: { type: 'string', value: 'URL', description: 'the registry to audit (https://host[:port]); its notary server is --server' },
    repo: { type: 'strings', value: 'REPO', description: 'audit only this repository (repeatable; default: the registry catalog)' },
    csv: { type: 'boolean', description: 'one CSV row per tag' },
    'fail-on': {
      type: 'strings',
      value: 'LIST',
      description: 'exit 1 if a tag is any of: unsigned, mismatch, invalid (and revoked), revoked, expiring, unreadable; or all (unreadable trust data always fails)',
    },
    'expiring-days': { type: 'string', value: 'N', description: `"expiring soon" means within N days (default ${DEFAULT_EXPIRING_WITHIN_DAYS})` },
    concurrency: { type: 'string', value: 'N', description: `repositories audited at once (default ${DEFAULT_AUDIT_CONCURRENCY})` },
    'registry-ca': { type: 'string', value: 'FILE', description: "CA bundle for the registry (default: ~/.docker/tls/<host:port>/*.crt)" },
    'gun-host': { type: 'string', value: 'HOST', description: "the registry's name in trust data, when not its address (GUN = HOST/REPO)" },
    'cosign-key': { type: 'string', value: 'FILE', description: 'also check each tag for a cosign signature by this public key (cosign.pub); --fail-on cosign requires one' },
  },
} satisfies CommandSpec;

export const delegationAddSpec = {
  name: 'delegation add',
  summary: 'Delegate a role (or give it more keys, paths, a threshold): its parent lists it (notary delegation add)',
  usage: 'GUN ROLE --key FILE... [--paths PREFIX... | --all-paths] [--threshold N]',
  options: {
    key: { type: 'strings', value: 'FILE', description: 'a public key (.pub) or certificate of the role; repeatable' },
    ...PATH_OPTIONS,
    threshold: { type: 'string', value: 'N', description: 'signatures the role needs (default: 1 for a new role, unchanged otherwise)' },
    ...STAGE_OPTION,
  },
} satisfies CommandSpec;

export const delegationRemoveSpec = {
  name: 'delegation remove',
  summary: 'Remove keys or paths from a role, or the whole role with what it delegated (notary delegation remove)',
  usage: 'GUN ROLE [--key KEYID...] [--paths PREFIX... | --all-paths]',
  options: {
    key: { type: 'strings', value: 'KEYID', description: 'remove this key (canonical ID or an unambiguous prefix; repeatable)' },
    paths: { type: 'strings', value: 'PREFIX', description: 'remove this path prefix (repeatable)' },
    'all-paths': { type: 'boolean', description: 'remove every path' },
    yes: { type: 'boolean', description: 'do not ask before removing the whole role or leaving its tags untrusted (required without a terminal)' },
    ...STAGE_OPTION,
  },
} satisfies CommandSpec;

export const delegationListSpec = {
  name: 'delegation list',
  summary: 'List the delegations of a repository as the server serves them, verified (notary delegation list)',
  usage: 'GUN',
} satisfies CommandSpec;

export const inspectSpec = {
  name: 'inspect',
  summary: 'Show the signed tags, signers and keys of repositories (docker trust inspect, verified)',
  usage: 'GUN[:TAG]...',
  options: {
    pretty: { type: 'boolean', description: 'human-friendly tables, as docker trust inspect --pretty' },
    strict: { type: 'boolean', description: 'fail when any delegation fails verification or the data is stale' },
  },
} satisfies CommandSpec;

export const keyGenerateSpec = {
  name: 'key generate',
  summary: 'Generate a signing key in the OS keychain and write NAME.pub (docker trust key generate)',
  usage: 'NAME',
  options: {
    algorithm: { type: 'string', value: 'ALG', description: 'ecdsa (default) or ed25519 (docker and notary refuse ed25519 delegation keys)' },
    dir: { type: 'string', value: 'DIR', description: 'where NAME.pub is written (default: the current directory)' },
    gun: { type: 'string', value: 'GUN', description: 'repository of a targets or snapshot key; for a root key, its certificate’s name' },
    label: { type: 'string', value: 'TEXT', description: 'a note to recognise the key by' },
  },
} satisfies CommandSpec;

export const keyImportSpec = {
  name: 'key import',
  summary: "Import encrypted or plain PEM key files (cosign.key too), or a whole notary/docker trust dir, into the keychain",
  usage: 'FILE...|TRUST_DIR',
  options: {
    role: { type: 'string', value: 'ROLE', description: 'role for keys whose file names none (default: delegation, as notary)' },
    gun: { type: 'string', value: 'GUN', description: 'repository for targets/snapshot keys whose file names none' },
    skip: { type: 'strings', value: 'ROLE', description: 'trust dir: leave the keys of this role where they are (e.g. --skip root); the others are asked for key by key' },
  },
} satisfies CommandSpec;

export const keyExportSpec = {
  name: 'key export',
  summary: 'Write keys as one encrypted PEM file that notary key import and docker trust key load accept',
  usage: 'KEYID... --out FILE',
  options: outFileOptions('owner-only'),
} satisfies CommandSpec;

export const keyListSpec = {
  name: 'key list',
  summary: 'List the keys in the vault (as notary key list, plus where each key is)',
  usage: '',
} satisfies CommandSpec;

export const keyRemoveSpec = {
  name: 'key remove',
  summary: 'Delete a key from the keychain and the vault (cannot be undone)',
  usage: 'KEYID',
  options: { yes: { type: 'boolean', description: 'do not ask for confirmation' } },
} satisfies CommandSpec;

export const keyLabelSpec = {
  name: 'key label',
  summary: 'Give a key a note to recognise it by (an empty label removes it)',
  usage: 'KEYID LABEL',
} satisfies CommandSpec;

export const keyOfflineSpec = {
  name: 'key offline',
  summary: 'Move a key (typically root) out of the keychain into an encrypted file',
  usage: 'KEYID --out FILE',
  options: { out: { type: 'string', value: 'FILE', description: 'where the encrypted copy goes (keep it somewhere safe)' } },
} satisfies CommandSpec;

export const keyOnlineSpec = {
  name: 'key online',
  summary: 'Bring an offline key back into the keychain (for a rotation or a root re-sign)',
  usage: 'KEYID',
  options: { from: { type: 'string', value: 'FILE', description: 'the encrypted copy (default: where key offline put it)' } },
} satisfies CommandSpec;

export const initSpec = {
  name: 'init',
  summary: 'Create a signed repository: root, targets and snapshot keys in the keychain, timestamp key on the server',
  usage: 'GUN',
  options: {
    'server-managed-snapshot': { type: 'boolean', description: 'let the server hold the snapshot key (as docker trust signer add does)' },
    'root-key': { type: 'string', value: 'KEYID', description: 'use this root key from the vault instead of making a new one' },
    ...STAGE_OPTION,
    ...PLAN_OPTION,
  },
} satisfies CommandSpec;

export const signSpec = {
  name: 'sign',
  summary: 'Sign a tag: into targets, or every signer role of yours whose paths allow it (docker trust sign)',
  usage: 'GUN:TAG (--digest sha256:HEX --size BYTES | --registry URL | --plan)',
  options: {
    digest: { type: 'string', value: 'sha256:HEX', description: "the manifest's digest (required without --registry)" },
    size: { type: 'string', value: 'BYTES', description: "the manifest's size in bytes (required with --digest)" },
    registry: { type: 'string', value: 'URL', description: 'read the digest from this registry, or with --digest: refuse unless the registry serves exactly it' },
    'registry-ca': { type: 'string', value: 'FILE', description: 'CA bundle for the registry (default: ~/.docker/tls/<host:port>/*.crt)' },
    role: { type: 'strings', value: 'ROLE', description: 'sign into this role (repeatable) instead of the roles docker would choose' },
    ...STAGE_OPTION,
    ...PLAN_OPTION,
  },
} satisfies CommandSpec;

export const revokeSpec = {
  name: 'revoke',
  summary: 'Remove the signature of a tag (or of all tags) from every role whose key you hold (docker trust revoke)',
  usage: 'GUN[:TAG] | --key ID GUN...',
  options: {
    yes: { type: 'boolean', description: 'do not ask before revoking all tags or a key (required without a terminal)' },
    key: { type: 'string', value: 'ID', description: 'revoke a compromised key: remove it from every delegation of the repositories named (full ID or a unique prefix)' },
    resign: { type: 'string', value: 'ROLE', description: 'with --key: sign the tags that lose their signatures again into ROLE (targets or targets/releases)' },
    ...STAGE_OPTION,
    ...PLAN_OPTION,
  },
} satisfies CommandSpec;

export const publishSpec = {
  name: 'publish',
  summary: 'Publish the staged changes of a repository (retrying when someone else published meanwhile)',
  usage: 'GUN',
} satisfies CommandSpec;

export const statusSpec = {
  name: 'status',
  summary: 'List the staged changes of a repository',
  usage: 'GUN',
} satisfies CommandSpec;

export const resetSpec = {
  name: 'reset',
  summary: 'Drop the staged changes of a repository (all, or those named with --id)',
  usage: 'GUN',
  options: { id: { type: 'strings', value: 'ID', description: 'drop only this staged change (repeatable; IDs as status lists them)' } },
} satisfies CommandSpec;

export const rotateSpec = {
  name: 'rotate',
  summary: 'Rotate a key of a repository: root (clients that trusted the old root follow), targets, snapshot, timestamp (notary key rotate); resumable',
  usage: 'GUN root|targets|snapshot|timestamp | --resume ID | --pending',
  options: {
    'server-managed': { type: 'boolean', description: 'the server makes and holds the new key (snapshot; timestamp always)' },
    resume: { type: 'string', value: 'ID', description: 'go on with an interrupted rotation (its ID from --pending)' },
    pending: { type: 'boolean', description: 'list interrupted rotations' },
    ...STAGE_OPTION,
  },
} satisfies CommandSpec;

export const signerAddSpec = {
  name: 'signer add',
  summary: 'Add a signer: targets/NAME and targets/releases with its public keys; creates the repository if needed (docker trust signer add)',
  usage: 'NAME GUN... (--key PUBFILE... | --plan)',
  options: {
    key: { type: 'strings', value: 'FILE', description: "the signer's public key: a .pub file (docker trust key generate) or a certificate; repeatable" },
    ...STAGE_OPTION,
    ...PLAN_OPTION,
  },
} satisfies CommandSpec;

export const signerRemoveSpec = {
  name: 'signer remove',
  summary: "Remove a signer: its keys leave targets/releases and targets/NAME goes (docker trust signer remove)",
  usage: 'NAME GUN...',
  options: {
    force: { type: 'boolean', description: 'do not ask before a removal that leaves targets/releases unsignable or its tags untrusted (required without a terminal)' },
    ...STAGE_OPTION,
  },
} satisfies CommandSpec;

export const witnessSpec = {
  name: 'witness',
  summary: 'Re-sign roles as they are, renewing their expiry (targets, targets/NAME, root)',
  usage: 'GUN ROLE...',
  options: { ...STAGE_OPTION, ...PLAN_OPTION },
} satisfies CommandSpec;

export const loginSpec = {
  name: 'login',
  summary: 'Sign in to a notary server or registry and keep the sign-in in the OS keychain (shared with the app)',
  usage: 'SERVER',
  options: {
    username: { type: 'string', value: 'U', description: 'the user name (asked at a terminal when not given)' },
    'password-stdin': { type: 'boolean', description: 'read the password from stdin (never pass it as an argument)' },
  },
} satisfies CommandSpec;

export const logoutSpec = {
  name: 'logout',
  summary: "Forget the keychain's sign-in for a server (docker's own logins stay: docker logout removes those)",
  usage: 'SERVER',
} satisfies CommandSpec;

export const migrateSpec = {
  name: 'migrate',
  summary: 'Re-sign every tag Docker Content Trust verifiably signs as a cosign signature in the registry',
  usage: '--registry URL [--repo REPO]... (--key KEYID | --new-key NAME) [--dry-run]',
  options: {
    registry: { type: 'string', value: 'URL', description: 'the registry (https://host[:port]); its notary server is --server' },
    repo: { type: 'strings', value: 'REPO', description: 'only this repository (repeatable; default: the registry catalog)' },
    key: { type: 'string', value: 'KEYID', description: 'the vault key (ECDSA P-256) that signs' },
    'new-key': { type: 'string', value: 'NAME', description: 'generate a new ECDSA P-256 key in the vault under this name and sign with it' },
    'dry-run': { type: 'boolean', description: 'print the plan and what is already signed; write nothing to the registry' },
    'public-key-out': { type: 'string', value: 'FILE', description: 'also write the key as cosign.pub (PKIX PEM) for policy engines' },
    concurrency: { type: 'string', value: 'N', description: `images signed at once (default ${DEFAULT_MIGRATION_CONCURRENCY})` },
    'registry-ca': { type: 'string', value: 'FILE', description: 'CA bundle for the registry (default: ~/.docker/tls/<host:port>/*.crt)' },
    'gun-host': { type: 'string', value: 'HOST', description: "the registry's name in trust data and image references, when not its address" },
  },
} satisfies CommandSpec;

export const keyCosignPubSpec = {
  name: 'key cosign-pub',
  summary: "Write a key's public half as cosign.pub (PKIX PEM), what cosign, Kyverno and containers/image verify with",
  usage: 'KEYID --out FILE',
  options: outFileOptions('e.g. cosign.pub'),
} satisfies CommandSpec;

export const keyCosignExportSpec = {
  name: 'key cosign-export',
  summary: 'Write an ECDSA P-256 key as cosign.key (cosign\'s encrypted format) for CI that signs with cosign sign --key; the passphrase is $COUNTERSIGN_PASSPHRASE or asked',
  usage: 'KEYID --out FILE',
  options: outFileOptions('e.g. cosign.key (owner-only)'),
} satisfies CommandSpec;
