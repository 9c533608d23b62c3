// JSON.parse keeps the last of two equal keys without a word. A metadata file with two "signed"
// objects is the classic parser-differential attack (one client verifies the first, another uses the
// second), so every untrusted document is scanned for repeated keys before it is used.
import { CountersignError } from '../../../shared/errors';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Parses untrusted bytes as JSON, refusing invalid UTF-8, invalid JSON and repeated object keys. */
export function parseStrictJson(bytes: Uint8Array, what: string, role?: string): unknown {
  let text: string;
  let value: unknown;
  try {
    text = decoder.decode(bytes);
    value = JSON.parse(text);
  } catch (error) {
    throw new CountersignError('metadata-malformed', `${what} is not valid JSON: ${(error as Error).message}`, {
      role,
      cause: error,
    });
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) {
    throw new CountersignError('metadata-duplicate-key', `${what} repeats the key "${duplicate}" in one object`, {
      role,
    });
  }
  return value;
}

/**
 * Walks text that JSON.parse already accepted, so it only has to track structure: a stack of the
 * keys seen in each open object (null for arrays). Returns the first repeated key, if any.
 */
export function findDuplicateKey(text: string): string | undefined {
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = endOfString(text, i);
      const top = stack[stack.length - 1];
      if (top && expectKey) {
        const raw = text.slice(i, end + 1);
        // "\u0061" and "a" are the same key to JSON.parse; decode only when escapes are present.
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.has(key)) return key;
        top.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === OPEN_OBJECT) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === OPEN_ARRAY) {
      stack.push(null);
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] != null;
    } else if (c === COLON) {
      expectKey = false;
    }
  }
  return undefined;
}

function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return text.length - 1;
}
