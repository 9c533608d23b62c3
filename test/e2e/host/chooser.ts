// The test host's stand-in for the main process's file dialogs. A test plays the user: it says
// which path the next dialog is answered with (in process: `host.chooser.answer(path)`; for a child
// host: POST /__countersign/test/choose with the path as body, from Node — a page's POST carries an
// Origin header and is refused). An unanswered dialog counts as cancelled.
import type { PickPurpose } from '../../../shared/schemas/views';
import type { PathChooser } from '../../../electron/ipc/picked-paths';

export const CHOOSE_PATH = '/__countersign/test/choose';

export class ScriptedChooser implements PathChooser {
  private readonly answers: string[] = [];
  /** What each dialog was opened for, in order. */
  readonly asked: { purpose: PickPurpose; suggestedName?: string }[] = [];

  answer(path: string): void {
    this.answers.push(path);
  }

  async choose(purpose: PickPurpose, options: { suggestedName?: string }): Promise<string | undefined> {
    this.asked.push({ purpose, ...options });
    return this.answers.shift();
  }
}
