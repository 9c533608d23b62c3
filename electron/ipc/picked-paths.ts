// Paths on this machine that the renderer may use are only ever ones the user picked in the main
// process's own open/save dialog. The renderer gets an opaque, single-use reference to the choice and
// sends that back; it can never name a path itself, so a compromised renderer cannot make the main
// process read a key file it chooses or write a key outside where the user said.
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { CountersignError } from '../../shared/errors';
import type { PickPurpose, PickedPath } from '../../shared/schemas/views';
import { checkLocalPath } from '../core/state/local-path';

/** The main process's dialog (Electron), or the test host's stand-in. Undefined: the user cancelled. */
export interface PathChooser {
  choose(purpose: PickPurpose, options: { suggestedName?: string }): Promise<string | undefined>;
}

export const noPathChooser: PathChooser = {
  choose: () => Promise.reject(new CountersignError('invalid-input', 'This runtime has no file dialog (no PathChooser was wired).')),
};

const MAX_PENDING = 64;
const LIFETIME_MS = 30 * 60_000;

export class PickedPaths {
  private readonly picks = new Map<string, { path: string; purpose: PickPurpose; until: number }>();

  constructor(private readonly chooser: PathChooser) {}

  async pick(purpose: PickPurpose, options: { suggestedName?: string } = {}): Promise<PickedPath> {
    const chosen = await this.chooser.choose(purpose, options);
    if (chosen === undefined || chosen === '') return { chosen: false };
    const path = checkLocalPath(chosen, purpose === 'open-trust-dir' ? 'folder' : 'file');
    return { chosen: true, ref: this.issue(path, purpose), name: basename(path), path };
  }

  /**
   * Uses a reference and hands out a new one for the same path and purpose: a scan reads the choice
   * and the import that follows needs it once more (still never a path from the renderer).
   */
  renew(ref: string, purpose: PickPurpose): { path: string; ref: string } {
    const path = this.take(ref, purpose);
    return { path, ref: this.issue(path, purpose) };
  }

  private issue(path: string, purpose: PickPurpose): string {
    this.expire();
    const ref = `pick-${randomBytes(16).toString('hex')}`;
    this.picks.set(ref, { path, purpose, until: Date.now() + LIFETIME_MS });
    return ref;
  }

  /** The path behind a reference, once: for the purpose it was picked for and no other. */
  take(ref: string, purpose: PickPurpose): string {
    this.expire();
    const pick = this.picks.get(ref);
    if (pick === undefined || pick.purpose !== purpose) {
      throw new CountersignError('invalid-input', 'That file choice is unknown or was used already: choose the file again.');
    }
    this.picks.delete(ref);
    return pick.path;
  }

  private expire(): void {
    const now = Date.now();
    for (const [ref, pick] of this.picks) if (pick.until < now) this.picks.delete(ref);
    while (this.picks.size >= MAX_PENDING) this.picks.delete(this.picks.keys().next().value!);
  }
}
