// The naming rules: one place says what a key ID, a digest, a tag, a signer, a delegation role, a
// GUN and a server key look like, so the IPC schemas, the CLI, the core and the renderer accept and
// refuse exactly the same strings. Pure functions and patterns only (no Node, no DOM): every string
// from a server, a key file or the renderer is checked against these where it enters.
//
// TUF-specific checks that need more than the name (notary's rules on which roles may be delegated
// from which parent) live in electron/core/tuf and call these.

/** A canonical key ID: the hex SHA-256 of the key's canonical JSON, as notary names key files. */
export const KEY_ID_PATTERN = /^[0-9a-f]{64}$/;
/** What a user may type for a key: a unique prefix of its ID, as `notary key list` shows them. */
export const KEY_ID_PREFIX_PATTERN = /^[0-9a-f]{1,64}$/;
/** A bare SHA-256 in hex (content-addressed files, hashes in metadata). */
export const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;
/** An image digest as registries and `docker trust` print it. */
export const DIGEST_PATTERN = /^sha256:([0-9a-f]{64})$/;
/** A tag, as docker's reference grammar allows it. */
export const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;
/** docker trust's signer (and key) names: they become the role targets/NAME. */
export const SIGNER_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** A delegated role Countersign creates: targets/NAME[/NAME...], each NAME lower-case as docker writes them. */
export const DELEGATION_ROLE_PATTERN = /^targets(\/[-a-z0-9_]+)+$/;
/** "targets" or a delegation of it. */
export const TARGETS_ROLE_PATTERN = /^targets(\/[-a-z0-9_]+)*$/;
/** A GUN is a path: host[:port]/name[/name...]. No empty, dot or dot-dot segments (it names a folder). */
export const GUN_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+$/;
export const MAX_GUN_LENGTH = 255;
/** notary caps role names at 255 characters too (data.ValidRole and the server's storage). */
export const MAX_ROLE_NAME_LENGTH = 255;

export const BASE_ROLES = ['root', 'targets', 'snapshot', 'timestamp'] as const;

export function isKeyId(value: string): boolean {
  return KEY_ID_PATTERN.test(value);
}

export function isKeyIdPrefix(value: string): boolean {
  return KEY_ID_PREFIX_PATTERN.test(value);
}

export function isSha256Hex(value: string): boolean {
  return SHA256_HEX_PATTERN.test(value);
}

/** The hex of a "sha256:HEX" digest, or undefined when it is not one. */
export function digestHex(value: string): string | undefined {
  return DIGEST_PATTERN.exec(value)?.[1];
}

export function isTag(value: string): boolean {
  return TAG_PATTERN.test(value);
}

export function isSignerName(value: string): boolean {
  return SIGNER_NAME_PATTERN.test(value);
}

export function isDelegationRoleName(value: string): boolean {
  return value.length <= MAX_ROLE_NAME_LENGTH && DELEGATION_ROLE_PATTERN.test(value);
}

export function isTargetsRoleName(value: string): boolean {
  return value.length <= MAX_ROLE_NAME_LENGTH && TARGETS_ROLE_PATTERN.test(value);
}

export function isValidGun(gun: string): boolean {
  return gun.length <= MAX_GUN_LENGTH && GUN_PATTERN.test(gun);
}

/**
 * A role name read from a server or a key file, before any TUF rule: at most 255 characters, no
 * control characters (NUL, ESC, newline), no backslash, and "/"-separated segments that are neither
 * empty nor "." or ".." (role names become file and folder names, URL paths and PEM headers).
 * notary itself allows more; a name that fails this is refused, never printed or stored.
 */
export function isSafeRoleName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_ROLE_NAME_LENGTH) return false;
  if (hasControlCharacters(name) || name.includes('\\')) return false;
  return name.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** Which role names a key record may carry: a base role, a delegation, or a docker signer name. */
export function isKeyRoleName(name: string): boolean {
  return isSafeRoleName(name) && /^[A-Za-z0-9_./-]+$/.test(name);
}

// C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators and bidi overrides that
// make text display as something else.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

export function hasControlCharacters(value: string): boolean {
  return CONTROL.test(value);
}

/** How one repository on one server is keyed in maps and lists ("serverId gun"; a GUN has no spaces). */
export function repositoryKey(ref: { serverId: string; gun: string }): string {
  return `${ref.serverId} ${ref.gun}`;
}

/** A server URL as a single safe path segment: "https://localhost:4443" -> "localhost%3A4443". */
export function serverKey(serverUrl: string): string {
  const url = new URL(serverUrl);
  return encodeURIComponent(url.host + url.pathname.replace(/\/+$/, ''));
}
