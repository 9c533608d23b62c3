// Every error code said in words a publisher or reviewer can act on. Used by the main process (the
// connection check's explanation) and by the renderer (why a repository is not trusted), so the same
// failure reads the same everywhere.
import type { ErrorCode, ErrorInfo } from '../errors';

const WORDS: Record<ErrorCode, string> = {
  'metadata-malformed': 'The server sent trust data that is not valid metadata.',
  'metadata-duplicate-key': 'The trust data contains a field twice — a sign of tampering, so it was refused.',
  'metadata-wrong-type': 'The server sent one kind of trust file in place of another.',
  'metadata-too-large': 'The server sent more data than a trust file may hold, so the download was stopped.',
  'signature-threshold': 'Not enough valid signatures: the file was not signed by the keys that are trusted for it.',
  'key-id-mismatch': 'A key does not match its ID — a sign of tampering, so it was refused.',
  'key-unsupported': 'The data uses a key type or signature method Countersign cannot check.',
  expired: 'The trust data has expired. Someone holding the keys must re-sign it.',
  'version-rollback': 'The server offered an older version than one already trusted — a possible rollback attack.',
  'hash-mismatch': 'A file does not match the hash the repository promised for it — a possible mix-and-match attack.',
  'length-mismatch': 'A file does not have the length the repository promised for it.',
  'root-rotation': 'A new root is not signed by enough keys of the previous root, so the key change is not trusted.',
  'root-pin-mismatch': 'The root keys differ from the ones trusted for this repository before.',
  'root-certificate': 'The root certificate is not valid for this repository (wrong name, expired, or a CA certificate).',
  'delegation-path': 'A signer signed a tag outside the paths it was delegated.',
  'role-name-invalid': 'The trust data names a signer role that is not a valid role name — a sign of tampering, so it was refused.',
  'target-without-sha256': 'A signed entry has no SHA-256 digest, so it does not name an image anyone can pull; it is not shown as a signed tag.',
  'role-missing': 'A required part of the trust data is missing.',
  'server-unreachable': 'The server could not be reached. Check the address, the port and your network.',
  'tls-failed': "The server's certificate is not trusted. If it is issued by your own CA, add that CA's certificate to this server.",
  'http-status': 'The server answered with an unexpected status.',
  'auth-required': 'The server wants you to sign in.',
  'auth-failed': 'The server refused the sign-in: check the user name and password.',
  'access-denied': 'You are signed in, but this account may not do that on this server (ask for push rights).',
  'repository-not-found': 'The server has no trust data for this repository (it was never signed, or the name is wrong).',
  'not-notary-server': 'Something answered at this address, but it is not a notary server, so no trust data could be read.',
  'publish-conflict': 'Someone else published changes meanwhile. Refresh and try again.',
  'publish-rejected': 'The server refused the update.',
  'publish-not-served': 'The server accepted the update, but does not serve it when asked again; it stays staged for the next publish to check.',
  timeout: 'The server took too long to answer.',
  cancelled: 'Cancelled.',
  'key-not-found': 'The key is not in the keychain.',
  'key-exists': 'That key is already in the keychain.',
  'passphrase-wrong': 'The passphrase is wrong.',
  'passphrase-required': 'A passphrase is needed to read this key.',
  'pem-invalid': 'The file is not a key or certificate Countersign can read.',
  'keychain-unavailable': "The system keychain is locked or not available.",
  'offline-path-inside-app-data': "An offline key belongs apart from this machine's Countersign data: choose a file outside its data folder (a USB stick, another disk, your Documents).",
  'invalid-input': 'Some of the input is not valid.',
  'invalid-ipc-payload': 'The app sent a request the main process does not accept.',
  'config-invalid': 'The settings file is not valid.',
  'not-found': 'Not found.',
  'confirmation-required': 'This needs your confirmation.',
  'disk-full': 'The disk is full: free some space and try again.',
  'read-only': 'The file system is read-only: Countersign cannot save here.',
  'permission-denied': 'Permission denied: this user may not read or write that file or folder.',
  'file-not-found': 'The file or folder does not exist.',
  'file-system': 'The file system refused the operation.',
  busy: 'Another Countersign window or command is changing the keys right now. Try again in a moment.',
  'staged-changes-pending': 'Changes staged earlier would be published too: choose whether to include them or leave them staged.',
  'registry-digest-changed': 'The registry serves another digest for this tag than the one to be signed.',
  internal: 'Something went wrong inside Countersign.',
};

/** One sentence for the code, then the error's own message when it adds something. */
export function explainError(error: ErrorInfo): { summary: string; detail?: string } {
  const summary = WORDS[error.code];
  const detail = error.message && error.message !== summary ? error.message : undefined;
  return detail === undefined ? { summary } : { summary, detail };
}
