// Decrypting the keys of one import or restore. Like notary, a passphrase that opened one key is
// tried on the next before asking again: a trust dir usually shares one passphrase per role.
import { CountersignError } from '../../../shared/errors';
import { decryptPrivateKeyBlock } from '../crypto/key-file';
import type { PrivateKeyMaterial } from '../crypto/types';
import type { KeyCandidate } from './key-sources';
import type { PassphraseProvider } from './passphrase';

/** Wrong answers allowed per key before giving up, as a terminal prompt would. */
export const MAX_PASSPHRASE_ATTEMPTS = 3;

export class UnlockSession {
  private readonly known: string[] = [];

  constructor(
    private readonly provider: PassphraseProvider,
    /** Passphrases the caller was given up front: every one is tried on every key before asking. */
    offered?: string | readonly string[],
  ) {
    for (const passphrase of typeof offered === 'string' ? [offered] : (offered ?? [])) {
      if (passphrase !== '' && !this.known.includes(passphrase)) this.known.push(passphrase);
    }
  }

  async unlock(candidate: KeyCandidate): Promise<PrivateKeyMaterial> {
    const { block, file, role } = candidate;
    if (!block.encrypted) return withFile(file, () => decryptPrivateKeyBlock(block));
    for (const passphrase of block.triesEmptyPassphrase ? ['', ...this.known] : this.known) {
      const material = tryPassphrase(candidate, passphrase);
      if (material) return material;
    }
    for (let attempt = 1; attempt <= MAX_PASSPHRASE_ATTEMPTS; attempt++) {
      const passphrase = await this.provider.passphrase({ kind: 'unlock', keyId: candidate.claimedId, role, gun: candidate.gun, file, attempt });
      if (passphrase === undefined) {
        if (attempt === 1 && this.known.length === 0) {
          throw new CountersignError('passphrase-required', `${file}: ${theKey(role)} is encrypted and no passphrase was given`);
        }
        break;
      }
      const material = tryPassphrase(candidate, passphrase);
      if (material) {
        this.known.push(passphrase);
        return material;
      }
    }
    throw new CountersignError('passphrase-wrong', `${file}: the passphrase does not decrypt ${theKey(role)}`);
  }
}

function theKey(role: string | undefined): string {
  return role === undefined ? 'the key' : `the ${role} key`;
}

function tryPassphrase(candidate: KeyCandidate, passphrase: string): PrivateKeyMaterial | undefined {
  try {
    return withFile(candidate.file, () => decryptPrivateKeyBlock(candidate.block, passphrase));
  } catch (error) {
    if (error instanceof CountersignError && error.code === 'passphrase-wrong') return undefined;
    throw error;
  }
}

/** Prefixes a crypto error with the file it came from, keeping its code. */
export function withFile<T>(file: string, operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    if (error instanceof CountersignError) throw new CountersignError(error.code, `${file}: ${error.message}`, { cause: error });
    throw error;
  }
}
