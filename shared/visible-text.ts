// Escaping at the sinks: text that came from a server, a key file or the renderer is shown with its
// control characters made visible, so an ESC sequence cannot clear a terminal, retitle it or
// overwrite a line of a trust review, and a newline cannot forge an extra line.
// Pure (no Node, no DOM): the CLI and the renderer use the same rule.

// C0 controls except tab and newline, DEL, C1 controls, Unicode line separators and bidi controls.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

// Shown as \uXXXX: visible on a terminal, and a valid escape should it land inside a JSON string.
function escapeOne(char: string): string {
  return `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`;
}

/** One value inside a line (a table cell, a name in a sentence): every control character shown as \uXXXX. */
export function visibleInLine(value: string): string {
  return value.replace(UNSAFE_IN_LINE, escapeOne);
}

/** Whole output (lines and tabs kept): every other control character shown as \uXXXX. */
export function visibleText(value: string): string {
  return value.replace(UNSAFE, escapeOne);
}

/** A value cut to `max` characters for messages: a 1 MB name must not make a 1 MB answer. */
export function truncateForMessage(value: string, max = 64): string {
  const shown = value.length > max ? `${value.slice(0, max)}… (${value.length} characters)` : value;
  return visibleInLine(shown);
}
