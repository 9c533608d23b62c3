// The CLI's output streams with control characters made visible (shared/visible-text.ts). The
// sequences of our own that must pass: the progress line's "return, erase line" on a terminal, and
// CSV's CRLF line ends (RFC 4180). A lone carriage return, which can overwrite a line, stays visible.
import { visibleText } from '../../shared/visible-text';
import type { Output } from './context';

/** Written by progress lines to redraw in place (electron/cli/commands/audit.ts). */
export const REDRAW_LINE = '\r\u001b[K';
const CRLF = '\r\n';

export function visibleOutput(output: Output): Output {
  return {
    ...output,
    write: (text: string) => output.write(text.split(REDRAW_LINE).map((part) => part.split(CRLF).map(visibleText).join(CRLF)).join(REDRAW_LINE)),
  };
}
