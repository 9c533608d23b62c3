// The CLI's output streams with control characters made visible (shared/visible-text.ts). The one
// sequence of our own that must pass is the progress line's "return, erase line" on a terminal.
import { visibleText } from '../../shared/visible-text';
import type { Output } from './context';

/** Written by progress lines to redraw in place (electron/cli/commands/audit.ts). */
export const REDRAW_LINE = '\r\u001b[K';

export function visibleOutput(output: Output): Output {
  return {
    ...output,
    write: (text: string) => output.write(text.split(REDRAW_LINE).map(visibleText).join(REDRAW_LINE)),
  };
}
