// Canonical JSON exactly as notary signs it (docker/go canonical encoding): object keys sorted by
// their UTF-8 bytes, no whitespace, integers only, and only `"` and `\` escaped. Control characters
// and non-ASCII are written raw, which is where RFC 8785 encoders differ, so we write our own.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const encoder = new TextEncoder();

export function canonicalString(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalString(value));
}

function write(value: unknown, out: string[]): void {
  if (value === null) {
    out.push('null');
  } else if (typeof value === 'boolean') {
    out.push(value ? 'true' : 'false');
  } else if (typeof value === 'number') {
    // Notary's metadata has only integers (versions, lengths, thresholds); a float would be
    // encoded differently by Go, so refusing it keeps signatures honest.
    if (!Number.isSafeInteger(value)) throw new TypeError(`canonical JSON allows only safe integers, got ${value}`);
    out.push(String(value));
  } else if (typeof value === 'string') {
    out.push(quote(value));
  } else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(',');
      write(item, out);
    });
    out.push(']');
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => compareUtf8(a, b));
    out.push('{');
    entries.forEach(([key, item], i) => {
      if (i > 0) out.push(',');
      out.push(quote(key), ':');
      write(item, out);
    });
    out.push('}');
  } else {
    throw new TypeError(`canonical JSON cannot encode ${typeof value}`);
  }
}

function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Byte order of UTF-8 equals code point order; JS `<` compares UTF-16 units, which differs above U+FFFF. */
function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const ca = [...a];
  const cb = [...b];
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = ca[i]!.codePointAt(0)!;
    const y = cb[i]!.codePointAt(0)!;
    if (x !== y) return x - y;
  }
  return ca.length - cb.length;
}
