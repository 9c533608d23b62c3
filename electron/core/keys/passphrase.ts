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

/** $COUNTERSIGN_PASSPHRASE, offered once per key: repeating a wrong one would only loop. */
export function envPassphraseProvider(env: NodeJS.ProcessEnv = process.env): PassphraseProvider {
  return {
    async passphrase(request) {
      const value = env[PASSPHRASE_ENV];
      return request.attempt === 1 && value !== undefined && value !== '' ? value : undefined;
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
