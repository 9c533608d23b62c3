// Test setup: every key of a trust dir into the app's keychain through the app's own key-by-key
// import (keys.scanImport, then keys.importChosen), as the Keys screen does it. A test knows the
// passphrases a notary or docker client used, not which key each one opens, so each passphrase is
// tried in turn on the keys still locked; a wrong one only leaves that key for the next round.
import type { ChannelName, RequestOf, ResponseOf } from '../../../shared/contract';
import type { KeyImportOutcome } from '../../../shared/schemas/views';

/** One request to the main process: through the test host's router or the page's bridge. */
export type CallMain = <C extends ChannelName>(channel: C, request: RequestOf<C>) => Promise<ResponseOf<C>>;

/** Imports every readable key of the trust dir chosen as `dir` (a files.choose reference); throws if one stays locked. */
export async function importEveryKey(call: CallMain, dir: string, passphrases: readonly string[]): Promise<KeyImportOutcome[]> {
  const { keys } = await call('keys.scanImport', { dir });
  let locked = keys.filter((key) => !key.present && key.problem === undefined).map((key) => key.entry);
  const imported: KeyImportOutcome[] = [];
  for (const passphrase of passphrases) {
    if (locked.length === 0) break;
    const { outcomes } = await call('keys.importChosen', { dir, keys: locked.map((entry) => ({ entry, passphrase })) });
    imported.push(...outcomes.filter((outcome) => outcome.status === 'imported'));
    locked = locked.filter((entry) => !outcomes.some((outcome) => outcome.entry === entry && outcome.status === 'imported'));
  }
  if (locked.length > 0) throw new Error(`no passphrase given opens ${locked.join(', ')}`);
  return imported;
}
