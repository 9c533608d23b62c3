// The one place that turns a repository's trust state and failure into the words and colour a person
// sees: the watch list, the repository screen and the expiry list all ask here, so an outage never
// reads like an attack and an unsigned repository never reads like either.
//
// Four families, never merged:
// - signed and verified (green);
// - not signed (neutral): the server has no trust data for it;
// - could not be checked / stale (amber): we could not ask, so we say nothing about the data, and since when;
//   a sign-in the server wants or refused is its own amber state, so that nobody reads it as an outage;
// - verification failed (red): the server answered with data that failed a named check: possible tampering.
import type { ErrorCode, ErrorInfo } from '../errors';
import { explainError } from './plain-words';
import type { TrustState } from './views';

export type TrustStatusKind = 'verified' | 'warnings' | 'unsigned' | 'sign-in' | 'unreachable' | 'stale' | 'tampered' | 'not-checked';
export type TrustTone = 'ok' | 'neutral' | 'warn' | 'bad';

export interface TrustStatus {
  kind: TrustStatusKind;
  tone: TrustTone;
  /** The badge: two or three words. */
  label: string;
  /** One sentence on what this means. */
  summary: string;
  /** For a failed verification: which check refused the data, and on which role. */
  check?: string;
  /** For unreachable and stale: why the server could not be asked, in words. */
  cause?: string;
  /** What the person should do now. */
  action?: string;
  /** For unreachable and stale: since when (RFC 3339). */
  since?: string;
}

/** The checks of the TUF client workflow, by the code each one refuses with, in words. */
const CHECKS: Partial<Record<ErrorCode, { check: string; action: string }>> = {
  'metadata-malformed': { check: 'well-formed metadata', action: 'Do not pull from this repository. Ask its publisher to re-publish; if they changed nothing, report it as tampering.' },
  'metadata-duplicate-key': { check: 'strict JSON (a field given twice)', action: 'Treat this as tampering: do not pull, and tell the repository’s owners.' },
  'metadata-wrong-type': { check: 'the role of each file', action: 'Treat this as tampering or a broken server: do not pull, and tell the server’s operators.' },
  'metadata-too-large': { check: 'file size limits', action: 'Treat this as an attack on clients: do not pull, and tell the server’s operators.' },
  'signature-threshold': { check: 'signatures by the trusted keys', action: 'Do not pull. If the owners did not change keys, treat this as tampering; if they did, ask them to re-sign with the trusted keys.' },
  'key-id-mismatch': { check: 'key IDs', action: 'Treat this as tampering: do not pull, and tell the repository’s owners.' },
  'key-unsupported': { check: 'supported key types', action: 'Countersign cannot check this repository’s signatures; do not rely on it until its owners use ecdsa, ed25519 or rsa keys.' },
  expired: { check: 'expiry dates', action: 'Ask someone holding the repository’s keys to re-sign it (Expiry list → Re-sign). Until then, do not rely on it.' },
  'version-rollback': { check: 'rollback protection (versions only go up)', action: 'The server offered older data than you trusted before: treat it as an attack, do not pull, and tell the server’s operators.' },
  'hash-mismatch': { check: 'file hashes (snapshot and timestamp)', action: 'Files were mixed or changed after signing: treat it as tampering, do not pull.' },
  'length-mismatch': { check: 'file lengths', action: 'Files were changed after signing: treat it as tampering, do not pull.' },
  'root-rotation': { check: 'the root key change (signed by the old root)', action: 'A new root was not signed by the root you trusted. Do not pull; ask the owners out of band whether they rotated the root.' },
  'root-pin-mismatch': { check: 'the pinned root', action: 'The root keys are not the ones you pinned. Do not pull; compare the fingerprint with the owners out of band.' },
  'root-certificate': { check: 'the root certificate', action: 'The root certificate is wrong for this repository or expired. Do not pull; ask the owners to rotate the root.' },
  'delegation-path': { check: 'the paths each signer may sign', action: 'A signer signed outside its paths: treat it as tampering or a misconfigured delegation.' },
  'role-missing': { check: 'required roles', action: 'Part of the trust data is missing: do not pull until the owners re-publish it.' },
};

/** What to do when the server could not be asked, by code. */
const UNREACHABLE_ACTIONS: Partial<Record<ErrorCode, string>> = {
  'server-unreachable': 'Check the server’s address and your network, then refresh.',
  timeout: 'The server may be overloaded or blocked by a firewall; refresh later.',
  'tls-failed': 'Add the CA that issued the server’s certificate to the server (Servers → Edit).',
  'auth-required': 'Set a user name and password for the server (Servers → Edit).',
  'auth-failed': 'Check the user name and password saved for the server (Servers).',
  'access-denied': 'Sign in with an account that may pull this repository (Servers → Edit).',
  'http-status': 'The server answered with an error; ask its operators or refresh later.',
  'keychain-unavailable': 'Unlock the system keychain, then refresh.',
};

/** The server wants a sign-in, or refused the one it got: trust unreadable, never unsigned or unreachable. */
const SIGN_IN_LABELS: Partial<Record<ErrorCode, string>> = {
  'auth-required': 'Sign-in needed',
  'auth-failed': 'Sign-in refused',
  'access-denied': 'Sign-in refused',
};

/** The error codes that mean the data itself was refused: the red family. */
export function isVerificationFailure(code: ErrorCode): boolean {
  return CHECKS[code] !== undefined;
}

export interface TrustInput {
  state: TrustState;
  error?: ErrorInfo | undefined;
  /** When the current problem started (unreachable, stale). */
  since?: string | undefined;
}

/** The status a person sees for a repository, from its state and the reason it is not plainly verified. */
export function describeTrust(input: TrustInput): TrustStatus {
  const { state, error } = input;
  const since = input.since === undefined ? {} : { since: input.since };
  switch (state) {
    case 'verified':
      return { kind: 'verified', tone: 'ok', label: 'Signed and verified', summary: 'Every signature and hash checked out against the pinned root.' };
    case 'not-checked':
      return { kind: 'not-checked', tone: 'neutral', label: 'Not checked yet', summary: 'Countersign has not read this repository yet.' };
    case 'stale':
      return {
        kind: 'stale',
        tone: 'warn',
        label: 'Unreachable, last verified data',
        summary: 'The server could not be reached; what is shown is the last data that verified, which may be out of date.',
        ...(error === undefined ? {} : { cause: explainError(error).summary }),
        action: (error && UNREACHABLE_ACTIONS[error.code]) ?? 'Refresh when the server is back.',
        ...since,
      };
    case 'warnings':
      return failedPart(error);
    case 'failed':
      return failure(error, input.since);
  }
}

function failure(error: ErrorInfo | undefined, since: string | undefined): TrustStatus {
  if (error === undefined) return { kind: 'tampered', tone: 'bad', label: 'Verification failed', summary: 'The trust data did not verify.' };
  if (error.code === 'repository-not-found') {
    return {
      kind: 'unsigned',
      tone: 'neutral',
      label: 'Not signed',
      summary: 'The server has no trust data for this repository: nobody has signed it yet, or the name is wrong.',
      action: 'Check the name; to start signing it, initialise it and sign a tag.',
    };
  }
  const signIn = SIGN_IN_LABELS[error.code];
  if (signIn !== undefined) {
    return {
      kind: 'sign-in',
      tone: 'warn',
      label: signIn,
      summary: 'This says nothing about the trust data: the server did not let Countersign read it without a sign-in it accepts.',
      // The message names who was refused and by which service ("sign-in refused for alice at …").
      cause: error.message || explainError(error).summary,
      action: UNREACHABLE_ACTIONS[error.code] ?? 'Sign in with an account that may pull this repository.',
      ...(since === undefined ? {} : { since }),
    };
  }
  const check = CHECKS[error.code];
  if (check !== undefined) {
    return {
      kind: 'tampered',
      tone: 'bad',
      label: 'Verification failed',
      summary: `${explainError(error).summary} Possible tampering: nothing from it is shown.`,
      check: error.role === undefined ? check.check : `${check.check}, on ${error.role}`,
      action: check.action,
    };
  }
  return {
    kind: 'unreachable',
    tone: 'warn',
    label: 'Could not be checked',
    summary: 'This says nothing about the trust data: it could not be read.',
    cause: explainError(error).summary,
    action: UNREACHABLE_ACTIONS[error.code] ?? 'Refresh later.',
    ...(since === undefined ? {} : { since }),
  };
}

/** The repository verified, but a delegation it names did not, and was left out. */
function failedPart(error: ErrorInfo | undefined): TrustStatus {
  const check = error === undefined ? undefined : CHECKS[error.code];
  return {
    kind: 'warnings',
    tone: 'warn',
    label: 'Verified, part refused',
    summary: 'The repository verified, but part of it failed its checks and was left out (as docker does).',
    ...(check === undefined || error === undefined ? {} : { check: error.role === undefined ? check.check : `${check.check}, on ${error.role}`, action: check.action }),
  };
}
