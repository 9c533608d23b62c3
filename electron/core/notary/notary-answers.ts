// Telling a notary server's answers from anything else's. A 404 means "no trust data" only when
// notary-server says it (its errcode JSON, {"errors":[{"code":"METADATA_NOT_FOUND",…}]}); a registry's
// "404 page not found", a web server's HTML or a 405 mean that no notary server answered, and reading
// those as "unsigned" would let every tag pass an audit unseen. Fail closed: not-notary-server.
import { z } from 'zod';
import { CountersignError } from '../../../shared/errors';
import type { HttpResponse } from '../net/http';

const NOTARY_NOT_FOUND = 'METADATA_NOT_FOUND';
const errcodeBodySchema = z.looseObject({ errors: z.array(z.looseObject({ code: z.string() })).min(1) });

function contentType(response: HttpResponse): string {
  const value = response.headers['content-type'];
  return (Array.isArray(value) ? value[0] : value)?.toLowerCase() ?? '';
}

function errcodes(response: HttpResponse): string[] | undefined {
  if (!contentType(response).includes('json')) return undefined;
  try {
    const parsed = errcodeBodySchema.safeParse(JSON.parse(response.body.toString('utf8')));
    return parsed.success ? parsed.data.errors.map((error) => error.code) : undefined;
  } catch {
    return undefined;
  }
}

function describe(response: HttpResponse): string {
  const type = contentType(response) || 'no content type';
  const text = response.body.subarray(0, 80).toString('utf8').replace(/\s+/g, ' ').trim();
  return `HTTP ${response.status}, ${type}${text ? `: "${text}"` : ''}`;
}

export function notNotaryServer(url: string, response: HttpResponse): CountersignError {
  const origin = new URL(url).origin;
  return new CountersignError(
    'not-notary-server',
    `${origin} is not a notary server: it answered ${describe(response)} where notary's trust data API should be (use --server or the server's settings to name the notary server)`,
  );
}

/** Answers no notary server gives for its trust data: method not allowed, a web page, a 404 not in its errcode JSON. */
function isForeignAnswer(response: HttpResponse): boolean {
  if (response.status === 405) return true;
  // notary-server's one 404 (server/errors: ErrMetadataNotFound). A registry's own JSON 404
  // (NOT_FOUND, NAME_UNKNOWN) is the registry answering where no notary server is.
  if (response.status === 404) return !(errcodes(response) ?? []).includes(NOTARY_NOT_FOUND);
  return response.status >= 200 && response.status < 300 && contentType(response).includes('text/html');
}

/** Throws not-notary-server unless the answer to a trust data request could have come from notary-server. */
export function assertFromNotary(url: string, response: HttpResponse): void {
  if (isForeignAnswer(response)) throw notNotaryServer(url, response);
}
