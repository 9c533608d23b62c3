// Parses WWW-Authenticate challenges (RFC 7235): `Bearer realm="…",service="…",scope="…"` or
// `Basic realm="…"`, possibly several in one header or spread over repeated headers.

export interface Challenge {
  /** Lower-cased scheme, e.g. "bearer" or "basic". */
  scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
const SPACE_OR_COMMA = /[\s,]*/y;
const SPACE = /\s*/y;

class Cursor {
  position = 0;
  constructor(readonly text: string) {}

  done(): boolean {
    return this.position >= this.text.length;
  }

  match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.position;
    const found = pattern.exec(this.text);
    if (found === null) return undefined;
    this.position = pattern.lastIndex;
    return found[0];
  }

  peek(): string | undefined {
    return this.text[this.position];
  }

  quoted(): string {
    let value = '';
    this.position += 1; // opening quote
    while (!this.done()) {
      const char = this.text[this.position++];
      if (char === '"') return value;
      if (char === '\\' && !this.done()) value += this.text[this.position++];
      else value += char;
    }
    return value;
  }
}

/** Reads `name=value` if the cursor is at one; leaves the cursor untouched when it is at a new scheme. */
function readParam(cursor: Cursor): [string, string] | undefined {
  const start = cursor.position;
  const name = cursor.match(TOKEN);
  cursor.match(SPACE);
  if (name === undefined || cursor.peek() !== '=') {
    cursor.position = start;
    return undefined;
  }
  cursor.position += 1;
  cursor.match(SPACE);
  const value = cursor.peek() === '"' ? cursor.quoted() : (cursor.match(TOKEN) ?? '');
  return [name.toLowerCase(), value];
}

function parseHeader(text: string): Challenge[] {
  const cursor = new Cursor(text);
  const challenges: Challenge[] = [];
  while (true) {
    cursor.match(SPACE_OR_COMMA);
    const scheme = cursor.match(TOKEN);
    if (scheme === undefined) return challenges;
    const params: Record<string, string> = {};
    while (true) {
      cursor.match(SPACE_OR_COMMA);
      const param = readParam(cursor);
      if (param === undefined) break;
      params[param[0]] = param[1];
    }
    challenges.push({ scheme: scheme.toLowerCase(), params });
  }
}

export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  return (Array.isArray(header) ? header : [header]).flatMap(parseHeader);
}
