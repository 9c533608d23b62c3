// How the vault asks for passphrases: one small interface for every front end (the CLI prompts on
// the terminal or reads COUNTERSIGN_PASSPHRASE; the app shows a dialog), like notary's PassRetriever.

export interface PassphraseRequest {
  /** 'unlock': decrypt an existing key file. 'new': choose one to encrypt an export (confirm it). */
  kind: 'unlock' | 'new';
  keyId?: string;
  role?: string;
  gun?: string;
  /** The file the key comes from or goes to. */
  file?: string;
  /** 1 on the first ask for this key; higher after a wrong passphrase. */
  attempt: number;
}

export interface PassphraseProvider {
  /**
   * A passphrase, or undefined when there is none (left): the vault then reports
   * `passphrase-required` (first attempt) or `passphrase-wrong`. A provider whose user cancels
   * throws CountersignError('cancelled').
   */
  passphrase(request: PassphraseRequest): Promise<string | undefined>;
}

export const PASSPHRASE_ENV = 'COUNTERSIGN_PASSPHRASE';

/** The roles' own variables, as docker trust and notary read them; one line each for --help. */
export const ROLE_PASSPHRASE_ENV = {
  root: ['DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE', 'NOTARY_ROOT_PASSPHRASE'],
  targets: ['NOTARY_TARGETS_PASSPHRASE', 'DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE'],
  snapshot: ['NOTARY_SNAPSHOT_PASSPHRASE', 'DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE'],
  delegation: ['NOTARY_DELEGATION_PASSPHRASE', 'DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE'],
} as const;

export type PassphraseGroup = keyof typeof ROLE_PASSPHRASE_ENV;

/**
 * The group a key's passphrase belongs to. notary names it by the key's role (targets/* and
 * docker's signer keys, whose role is the signer's name, are delegation keys); docker has two: root,
 * and "repository" for every other key.
 */
export function passphraseGroup(role: string | undefined): PassphraseGroup | undefined {
  if (role === undefined || role === '') return undefined;
  if (role === 'root' || role === 'targets' || role === 'snapshot') return role;
  // The server holds timestamp keys; a file that says "timestamp" is read with the repository's.
  if (role === 'timestamp') return 'snapshot';
  return 'delegation';
}

/** The variables that may hold a passphrase for a key of this role, most specific first. */
export function passphraseVariables(role: string | undefined): string[] {
  const group = passphraseGroup(role);
  return [...(group === undefined ? [] : ROLE_PASSPHRASE_ENV[group]), PASSPHRASE_ENV];
}

/**
 * The role's own variables (docker's, notary's), then $COUNTERSIGN_PASSPHRASE: attempt N gets the Nth
 * distinct value set, so each is offered once per key (repeating a wrong one would only loop). A
 * folder whose root and repository keys have different passphrases is read in one run.
 */
export function envPassphraseProvider(env: NodeJS.ProcessEnv = process.env): PassphraseProvider {
  return {
    async passphrase(request) {
      const values = [...new Set(passphraseVariables(request.role).map((name) => env[name]).filter((value): value is string => value !== undefined && value !== ''))];
      return values[request.attempt - 1];
    },
  };
}

/** Asks each provider in turn until one answers (e.g. the environment, then a terminal prompt). */
export function firstPassphraseProvider(...providers: PassphraseProvider[]): PassphraseProvider {
  return {
    async passphrase(request) {
      for (const provider of providers) {
        const answer = await provider.passphrase(request);
        if (answer !== undefined) return answer;
      }
      return undefined;
    },
  };
}

/** A provider that never has a passphrase: for operations that must not prompt. */
export const noPassphrases: PassphraseProvider = { passphrase: async () => undefined };
