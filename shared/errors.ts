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
  'delegation-path', // a delegated role lists a target outside its allowed paths
  'role-missing', // a role that must exist does not
  // Network and servers.
  'server-unreachable',
  'tls-failed',
  'http-status',
  'auth-required',
  'auth-failed',
  'repository-not-found',
  'publish-conflict', // someone else published meanwhile (notary: 400 VERSION)
  'publish-rejected', // the server refused the update (notary: 400 INVALID_UPDATE)
  'timeout',
  'cancelled',
  // Keys.
  'key-not-found',
  'key-exists',
  'passphrase-wrong',
  'passphrase-required',
  'pem-invalid',
  'keychain-unavailable',
  // Input and local state.
  'invalid-input',
  'invalid-ipc-payload',
  'config-invalid',
  'not-found',
  'confirmation-required',
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

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Anything thrown, as an ErrorInfo; unknown failures become `internal` without leaking stack traces. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof CountersignError) return error.toInfo();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message };
}
