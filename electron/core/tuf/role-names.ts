// The one rule for TUF role names, as notary applies it (tuf/data/roles.go: IsDelegation, IsParentOf).
// A role name becomes part of a URL (…/_trust/tuf/<role>.json) and, in docker's cache, of a file
// path; so every name metadata hands us is checked here before anything is requested for it.
import { CountersignError } from '../../../shared/errors';

export const TOP_LEVEL_ROLES = ['root', 'targets', 'snapshot', 'timestamp'] as const;
export type TopLevelRole = (typeof TOP_LEVEL_ROLES)[number];

/** notary: "Limit size of full role string to 255 chars for db column size limit" (len < 256). */
export const MAX_ROLE_NAME_LENGTH = 255;

/** notary's delegationRegexp: lower-case letters, digits, '-', '_' and '/'. No '.', no '\', no spaces. */
const DELEGATION_CHARACTERS = /^[-a-z0-9_/]+$/;

/**
 * Why `name` is not a delegation name notary accepts, or undefined when it is one. Mirrors
 * IsDelegation: under "targets/", allowed characters, under 256 characters, and a clean path
 * (path.Clean(name) == name: no empty, "." or ".." segment and no trailing slash). With '.' not an
 * allowed character, "." and ".." segments are refused by the character rule already; the segment
 * rule is kept so that the rule still holds should the character set ever widen.
 */
export function delegationNameProblem(name: string): string | undefined {
  if (!name.startsWith('targets/')) return 'it is not under targets/';
  if (name.length > MAX_ROLE_NAME_LENGTH) return `it is ${name.length} characters long, over notary's limit of ${MAX_ROLE_NAME_LENGTH}`;
  if (!DELEGATION_CHARACTERS.test(name)) return 'it has characters other than a-z, 0-9, "-", "_" and "/"';
  if (name.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) return 'it is not a clean path';
  return undefined;
}

export function isDelegationName(name: string): boolean {
  return delegationNameProblem(name) === undefined;
}

/** A top-level role or a valid delegation name (notary's ValidRole). */
export function isRoleName(name: string): boolean {
  return (TOP_LEVEL_ROLES as readonly string[]).includes(name) || isDelegationName(name);
}

/** "targets/a/b" -> "targets/a" (notary's RoleName.Parent, path.Dir). */
export function parentRoleOf(name: string): string {
  const slash = name.lastIndexOf('/');
  return slash === -1 ? '.' : name.slice(0, slash);
}

/**
 * Path traversal through role names (notary: isValidTargetsStructure, IsDelegation): a delegation
 * named "targets/../../x", "targets\\..\\x" or 300 characters long would be fetched from outside the
 * repository's URL path, or written outside a cache folder. Checked when the file that names the role
 * is admitted, so no request is ever made for such a name.
 */
export function checkDelegationName(name: string, listedBy: string): void {
  const problem = delegationNameProblem(name);
  if (problem !== undefined) {
    throw new CountersignError('role-name-invalid', `${listedBy} delegates to ${JSON.stringify(name)}, which is not a valid role name: ${problem}`, {
      role: listedBy,
    });
  }
}

/**
 * Delegation hijack (notary: isValidTargetsStructure and DelegationRole.IsParentOf): a role may only
 * delegate to its direct children, so targets/a cannot hand out targets/b or targets/a/b/c, whose
 * keys are its parent's to choose.
 */
export function checkDirectChild(name: string, parent: string): void {
  if (parentRoleOf(name) !== parent) {
    throw new CountersignError('delegation-path', `${parent} delegates ${name}, which is not its direct child`, { role: parent });
  }
}

// "<role>.json", "<N>.root.json" and "<role>.<sha256 hex>.json": the only names the updater asks for.
const METADATA_FILE = /^(?:(\d{1,20})\.)?(.+?)(?:\.([0-9a-f]{64}))?\.json$/;

/**
 * The last line before a request leaves the process: the file name asked for must be a metadata
 * file of a valid role, so that no bug elsewhere can turn a role name into a request outside the
 * repository's URL path (a request is visible to the server, whatever is done with the answer).
 */
export function checkMetadataFileName(name: string): void {
  const match = METADATA_FILE.exec(name);
  const role = match?.[2];
  const versioned = match?.[1] !== undefined;
  if (!match || role === undefined || !isRoleName(role) || (versioned && role !== 'root')) {
    throw new CountersignError('role-name-invalid', `refusing to request ${JSON.stringify(name)}: it is not the metadata file of a valid role`, {
      ...(role !== undefined ? { role } : {}),
    });
  }
}
