// Every failure that crosses a boundary (IPC, CLI output, logs) carries one of these stable codes.
// Codes are strings, not classes, because `instanceof` does not survive IPC or a process exit.

export const ERROR_CODES = [
  // Verification: each names one step of the TUF client workflow that refused the data.
  'metadata-malformed', // not JSON, wrong shape, or a field of the wrong type
  'metadata-duplicate-key', // a JSON object with the same key twice (e.g. two "signed")
  'metadata-wrong-type', // _type is not the role we asked for
  'metadata-too-large', // a download went past its size cap
  'signature-threshold', // fewer distinct valid signatures than the role's threshold
  'key-id-mismatch', // a key whose ID does not hash to its content
  'key-unsupported', // a key type or signature method we do not verify
  'expired', // freeze attack, or simply stale metadata
  'version-rollback', // a version lower than one already trusted
  'hash-mismatch', // bytes differ from what snapshot/timestamp promised (mix-and-match)
  'length-mismatch',
  'root-rotation', // a new root not signed by the old root's threshold
  'root-pin-mismatch', // the root does not chain to the pinned (TOFU or configured) root
  'root-certificate', // a root certificate that is not valid for this GUN
  'delegation-path', // a delegated role lists a target outside its allowed paths, or a role delegates to a non-child
  'role-name-invalid', // a role name notary refuses (characters, length, not a clean path under targets/)
  'target-without-sha256', // a target with no 32-byte sha256: not a signed tag (left out with a warning)
  'role-missing', // a role that must exist does not
  // Network and servers.
  'server-unreachable',
  'tls-failed',
  'http-status',
  'auth-required',
  'auth-failed',
  'access-denied', // signed in, but the account lacks the right (pull, push, *) the request needs
  'repository-not-found',
  'not-notary-server', // something answered, but not notary's API (a registry's 404 page, HTML, 405)
  'publish-conflict', // someone else published meanwhile (notary: 400 VERSION)
  'publish-rejected', // the server refused the update (notary: 400 INVALID_UPDATE)
  'publish-not-served', // the server accepted an upload, but what it serves when read back is not it
  'timeout',
  'cancelled',
  // Keys.
  'key-not-found',
  'key-exists',
  'passphrase-wrong',
  'passphrase-required',
  'pem-invalid',
  'keychain-unavailable',
  'offline-path-inside-app-data', // an offline key file would sit in Countersign's own data folder, beside the keychain's index
  // Input and local state.
  'invalid-input',
  'invalid-ipc-payload',
  'config-invalid',
  'not-found',
  'confirmation-required',
  // The file system, in plain words (from ENOSPC, EROFS, EACCES/EPERM, ENOENT ...).
  'disk-full',
  'read-only',
  'permission-denied',
  'file-not-found',
  'file-system', // any other refusal of the file system (EIO, ELOOP, ENAMETOOLONG, ...)
  'busy', // another Countersign process holds the vault and did not let go in time
  'staged-changes-pending', // changes staged earlier that this command would send too: the user must say so
  'registry-digest-changed', // the digest guard: the registry serves another digest than the one to sign
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The serialisable shape of an error: what IPC carries and what `--json` prints. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  /** The TUF role the failed check was about, when there is one (e.g. "targets/releases"). */
  role?: string;
}

export class CountersignError extends Error {
  readonly code: ErrorCode;
  readonly role: string | undefined;

  constructor(code: ErrorCode, message: string, options: { role?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CountersignError';
    this.code = code;
    this.role = options.role;
  }

  toInfo(): ErrorInfo {
    return this.role === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, role: this.role };
  }
}

/**
 * Failures that mean the data could not be read — the network, the server's health, a sign-in — not
 * that what the server served is bad. Fail-closed reads must tell the two apart: unreachable is
 * neither "tampered" nor "unsigned".
 */
const COULD_NOT_READ_CODES = ['server-unreachable', 'timeout', 'tls-failed', 'http-status', 'auth-required', 'auth-failed', 'access-denied', 'not-notary-server'] as const satisfies readonly ErrorCode[];
export type CouldNotReadCode = (typeof COULD_NOT_READ_CODES)[number];
const COULD_NOT_READ: ReadonlySet<string> = new Set(COULD_NOT_READ_CODES);

export function couldNotRead(code: ErrorCode): code is CouldNotReadCode {
  return COULD_NOT_READ.has(code);
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Anything thrown, as an ErrorInfo; unknown failures become `internal` without leaking stack traces. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof CountersignError) return error.toInfo();
  const fileSystem = fileSystemErrorInfo(error);
  if (fileSystem !== undefined) return fileSystem;
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message };
}

const FILE_SYSTEM_ERRORS: Record<string, { code: ErrorCode; words: string }> = {
  ENOSPC: { code: 'disk-full', words: 'The disk is full' },
  EDQUOT: { code: 'disk-full', words: 'The disk quota is used up' },
  EROFS: { code: 'read-only', words: 'The file system is read-only' },
  EACCES: { code: 'permission-denied', words: 'Permission denied' },
  EPERM: { code: 'permission-denied', words: 'The operation is not permitted' },
  ENOENT: { code: 'file-not-found', words: 'No such file or folder' },
  ENOTDIR: { code: 'file-not-found', words: 'A part of the path is not a folder' },
  EISDIR: { code: 'file-system', words: 'This is a folder, not a file' },
  EEXIST: { code: 'file-system', words: 'The file already exists' },
  ENAMETOOLONG: { code: 'file-system', words: 'The path is too long' },
  ELOOP: { code: 'file-system', words: 'The path has a symbolic link loop' },
  EIO: { code: 'file-system', words: 'The disk could not be read or written (I/O error)' },
  EMFILE: { code: 'file-system', words: 'Too many files are open' },
  EBUSY: { code: 'file-system', words: 'The file is busy' },
};

/**
 * A Node file system error (`{ code: 'ENOSPC', path, syscall }`) in plain words with its own code,
 * or undefined when `error` is not one. "internal: ENOSPC" tells a user nothing; "disk-full" does.
 */
export function fileSystemErrorInfo(error: unknown, what?: string): ErrorInfo | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, path } = error as { code?: unknown; path?: unknown };
  if (typeof code !== 'string' || !Object.hasOwn(FILE_SYSTEM_ERRORS, code)) return undefined;
  const known = FILE_SYSTEM_ERRORS[code]!;
  const where = what ?? (typeof path === 'string' ? path : undefined);
  return { code: known.code, message: where === undefined ? `${known.words} (${code}).` : `${known.words}: ${where} (${code}).` };
}
