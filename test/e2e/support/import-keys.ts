// Test setup: every key of a trust dir into the app's keychain through the app's own key-by-key
// import (keys.scanImport, then keys.importChosen), as the Keys screen does it. A test knows the
// passphrases a notary or docker client used, not which key each one opens, so each passphrase is
// tried in turn on the keys still locked; a wrong one only leaves that key for the next round. A
// file choice is single use (the scan renews it for one import), so each round chooses the folder again.
import type { ChannelName, RequestOf, ResponseOf } from '../../../shared/contract';
import type { KeyImportOutcome } from '../../../shared/schemas/views';

/** One request to the main process: through the test host's router or the page's bridge. */
export type CallMain = <C extends ChannelName>(channel: C, request: RequestOf<C>) => Promise<ResponseOf<C>>;

/**
 * Imports every readable key of a trust dir; `chooseDir` answers the main process's dialog with it
 * and returns the files.choose reference. Throws if a key stays locked after every passphrase.
 */
export async function importEveryKey(call: CallMain, chooseDir: () => Promise<string>, passphrases: readonly string[]): Promise<KeyImportOutcome[]> {
  const imported: KeyImportOutcome[] = [];
  let locked: string[] = [];
  for (const passphrase of passphrases) {
    const { keys, source } = await call('keys.scanImport', { dir: await chooseDir() });
    locked = keys.filter((key) => !key.present && key.problem === undefined).map((key) => key.entry);
    if (locked.length === 0) break;
    const { outcomes } = await call('keys.importChosen', { ...source, keys: locked.map((entry) => ({ entry, passphrase })) });
    imported.push(...outcomes.filter((outcome) => outcome.status === 'imported'));
    locked = locked.filter((entry) => !outcomes.some((outcome) => outcome.entry === entry && outcome.status === 'imported'));
  }
  if (locked.length > 0) throw new Error(`no passphrase given opens ${locked.join(', ')}`);
  return imported;
}

/** chooseDir for a test host: answers its scripted dialog with `dir`, then asks files.choose. */
export function chooserOf(call: CallMain, answer: () => void | Promise<void>): () => Promise<string> {
  return async () => {
    await answer();
    const chosen = await call('files.choose', { purpose: 'open-trust-dir' });
    if (!chosen.chosen) throw new Error('the trust dir was not chosen');
    return chosen.ref;
  };
}
