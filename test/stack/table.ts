// Reads the aligned text tables notary prints (`list`, `key list`, `delegation list`):
//
//   ROLE         PATHS    KEY IDS    THRESHOLD
//   ----         -----    -------    ---------
//   targets/m    a/       fbad…      1
//                b/       664e…
//
// Columns are cut at the starts of the dash runs, because cells may contain spaces ("KEY ID",
// `"" <all paths>`) and may be empty (a key without a GUN, continuation lines).

export type TableRow = string[];

export function parseAlignedTable(text: string): TableRow[] {
  const lines = text.split('\n');
  const ruleIndex = lines.findIndex((line) => /^-+(\s+-+)*\s*$/.test(line) && line.trim() !== '');
  if (ruleIndex < 0) return [];
  const rule = lines[ruleIndex] ?? '';
  const starts = [...rule.matchAll(/-+/g)].map((match) => match.index);
  const rows: TableRow[] = [];
  for (const line of lines.slice(ruleIndex + 1)) {
    if (line.trim() === '') continue;
    rows.push(
      starts.map((start, i) => {
        const end = starts[i + 1];
        return (end === undefined ? line.slice(start) : line.slice(start, end)).trim();
      }),
    );
  }
  return rows;
}
