// PEM blocks as notary and docker write them: RFC 1421-style `Key: value` header lines (role, gun,
// path) between the BEGIN line and the base64 body. Node's own PEM reader refuses such headers, so
// every PEM that enters Countersign goes through here first.
import { CountersignError } from '../../../shared/errors';

export interface PemBlock {
  type: string;
  headers: Record<string, string>;
  bytes: Uint8Array;
}

const BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;
const BASE64_LINE = /^[A-Za-z0-9+/=]*$/;

/**
 * Every PEM block in `text`, in order. Text between blocks is ignored (as Go's pem.Decode does);
 * a block that starts but does not end, or whose body is not base64, is an error, and so is
 * text without any block at all.
 */
export function parsePemBlocks(text: string): PemBlock[] {
  const normalized = text.replace(/\r\n?/g, '\n');
  const blocks: PemBlock[] = [];
  BEGIN.lastIndex = 0;
  for (let match = BEGIN.exec(normalized); match !== null; match = BEGIN.exec(normalized)) {
    const type = match[1]!;
    const endMarker = `-----END ${type}-----`;
    const bodyStart = match.index + match[0].length;
    const endIndex = normalized.indexOf(endMarker, bodyStart);
    if (endIndex < 0) throw new CountersignError('pem-invalid', `PEM block "${type}" has no END line (is the file truncated?)`);
    blocks.push(parseBody(type, normalized.slice(bodyStart, endIndex)));
    BEGIN.lastIndex = endIndex + endMarker.length;
  }
  if (blocks.length === 0) throw new CountersignError('pem-invalid', 'no PEM block found');
  return blocks;
}

function parseBody(type: string, body: string): PemBlock {
  const lines = body.split('\n').map((line) => line.trim());
  const headers: Record<string, string> = {};
  let i = lines[0] === '' ? 1 : 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon < 0) break;
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  const base64Lines = lines.slice(i).filter((line) => line !== '');
  if (!base64Lines.every((line) => BASE64_LINE.test(line))) {
    throw new CountersignError('pem-invalid', `PEM block "${type}" has a body that is not base64`);
  }
  const base64 = base64Lines.join('');
  const bytes = Uint8Array.from(Buffer.from(base64, 'base64'));
  if (bytes.length === 0 || Buffer.from(bytes).toString('base64') !== base64) {
    throw new CountersignError('pem-invalid', `PEM block "${type}" has a damaged or empty body`);
  }
  return { type, headers, bytes };
}

/** The first block of the given type; `pem-invalid` when there is none. */
export function firstPemBlock(text: string, type: string): PemBlock {
  const block = parsePemBlocks(text).find((b) => b.type === type);
  if (block === undefined) throw new CountersignError('pem-invalid', `no "${type}" PEM block found`);
  return block;
}

/** Encodes like Go's pem.Encode: Proc-Type first, other headers sorted, 64-column base64. */
/**
 * RFC 1421 headers as Go's pem package writes them: a token name, then a value on one line. A value
 * with a newline would become extra headers (`gun:`, `path: ../../..`) that `notary key import` follows.
 */
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
const HEADER_VALUE = /^[^\u0000-\u001f\u007f]{0,1024}$/;
const BLOCK_TYPE = /^[A-Z0-9]+(?: [A-Z0-9]+)*$/;

export function encodePemBlock(block: PemBlock): string {
  if (!BLOCK_TYPE.test(block.type)) throw new CountersignError('pem-invalid', 'a PEM block type is upper-case words');
  for (const [name, value] of Object.entries(block.headers)) {
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value) || value.trim() !== value) {
      throw new CountersignError('pem-invalid', `the PEM header "${name.slice(0, 64).replace(/[^\w-]/g, '?')}" holds characters a header may not (a line break or control character)`);
    }
  }
  const names = Object.keys(block.headers).sort((a, b) => (a === 'Proc-Type' ? -1 : b === 'Proc-Type' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  const headerLines = names.map((name) => `${name}: ${block.headers[name]}\n`).join('');
  const base64 = Buffer.from(block.bytes).toString('base64');
  const bodyLines = base64.match(/.{1,64}/g) ?? [];
  return [
    `-----BEGIN ${block.type}-----\n`,
    headerLines === '' ? '' : `${headerLines}\n`,
    bodyLines.map((line) => `${line}\n`).join(''),
    `-----END ${block.type}-----\n`,
  ].join('');
}
