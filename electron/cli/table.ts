// Column layout like Go's text/tabwriter as docker configures it (min width 10, padding 3), so
// `--pretty` output lines up exactly as docker's does.
const MIN_WIDTH = 10;
const PADDING = 3;

export function formatTable(rows: readonly (readonly string[])[]): string {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths: number[] = [];
  for (let c = 0; c < columns - 1; c++) {
    widths[c] = Math.max(MIN_WIDTH, ...rows.map((r) => (r[c]?.length ?? 0) + PADDING));
  }
  return rows
    .map((row) => row.map((cell, c) => (c < row.length - 1 ? cell.padEnd(widths[c]!) : cell)).join(''))
    .map((line) => `${line}\n`)
    .join('');
}

/**
 * Text from a server or a file, made harmless for a terminal: control characters (ESC sequences can
 * clear the screen or overwrite lines of a trust review) are shown as visible escapes instead.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
