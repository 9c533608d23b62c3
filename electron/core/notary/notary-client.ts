// HTTP client of a notary server's TUF endpoints (/v2/<GUN>/_trust/tuf/...). It knows URLs and
// status codes; what the bytes mean is the TUF layer's business.
import { isSafeRoleName, isValidGun } from '../../../shared/names';
import { truncateForMessage } from '../../../shared/visible-text';
import { randomBytes } from 'node:crypto';
import { CountersignError } from '../../../shared/errors';
import type { HttpClient, HttpResponse } from '../net/http';
import { parsePublicKey, type PublicKeyJson } from '../tuf/metadata';
import type { MetadataFetcher } from '../tuf/updater';
import { assertFromNotary } from './notary-answers';

/** The roles whose keys a notary server can hold (GET/POST .../<role>.key). */
export type ServerManagedRole = 'timestamp' | 'snapshot';

/** A public key is a few hundred bytes; an x509 one a few KiB. */
const MAX_KEY_BYTES = 64 * 1024;
/** The server answers a publish with an empty body or a short JSON error. */
const MAX_PUBLISH_ANSWER_BYTES = 1024 * 1024;

/** Who a token service says is signed in (no subject: anonymous), and what they may do with one repository. */
export interface RepositoryAccess {
  subject?: string;
  pull: boolean;
  push: boolean;
}

export class NotaryClient {
  readonly serverUrl: string;

  constructor(serverUrl: string, private readonly http: HttpClient) {
    const url = new URL(serverUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new CountersignError('invalid-input', `notary server URL must be https://…, got ${serverUrl}`);
    }
    this.serverUrl = url.origin + url.pathname.replace(/\/+$/, '');
  }

  /** Built from checked parts only: a GUN, and a file name whose segments are safe role names (or none). */
  tufUrl(gun: string, name: string): string {
    if (!isValidGun(gun)) throw new CountersignError('invalid-input', `"${truncateForMessage(gun)}" is not a GUN`);
    // '' is the repository's own endpoint (a publish posts every file there).
    if (name !== '' && !isSafeRoleName(name)) throw new CountersignError('invalid-input', `"${truncateForMessage(name)}" is not a metadata file name`);
    return `${this.serverUrl}/v2/${gun}/_trust/tuf/${name.split('/').map(encodeURIComponent).join('/')}`;
  }

  /**
   * Reads one repository's metadata files; notary's own 404 is "no such file", a 404 or page from
   * anything else is not-notary-server, anything else unexpected is an error.
   */
  fetcher(gun: string): MetadataFetcher {
    return {
      fetch: async (name, maxBytes, signal) => {
        const url = this.tufUrl(gun, name);
        const response = await this.http.request(url, {
          maxBytes,
          // A file by its current name (timestamp.json, not targets.<sha256>.json or 2.root.json)
          // changes with every publish: a cache between us and the server must ask the server again,
          // or what we read back after a publish, and every refresh, could be an older version.
          ...(isCurrentName(name) ? { headers: { 'cache-control': 'no-cache' } } : {}),
          ...(signal ? { signal } : {}),
          authScope: scopeFor(gun, 'read'),
        });
        assertFromNotary(url, response);
        if (response.status === 404) return null;
        expectOk(response, `GET ${name}`);
        return new Uint8Array(response.body);
      },
    };
  }

  /**
   * Uploads signed metadata files in one multipart POST, as notary's client does: form field "files",
   * filename = role name. The server validates them together and adds its own timestamp (and
   * snapshot when it holds that key). 400 VERSION -> publish-conflict; other 400s -> publish-rejected.
   */
  async publish(gun: string, files: ReadonlyMap<string, Uint8Array>, signal?: AbortSignal): Promise<void> {
    const boundary = `countersign${randomBytes(16).toString('hex')}`;
    const response = await this.http.request(this.tufUrl(gun, ''), {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: multipartFiles(boundary, files),
      maxBytes: MAX_PUBLISH_ANSWER_BYTES,
      ...(signal ? { signal } : {}),
      authScope: scopeFor(gun, 'write'),
    });
    if (response.status === 400) throw publishRefusal(response);
    assertFromNotary(this.tufUrl(gun, ''), response);
    if (response.status === 404) throw new CountersignError('repository-not-found', `the server has no repository ${gun} to publish to`);
    expectOk(response, 'publish');
  }

  /** GET .../<role>.key: the public key the server signs that role with (created on first ask). */
  async serverKey(gun: string, role: ServerManagedRole, signal?: AbortSignal): Promise<PublicKeyJson> {
    return this.keyRequest(gun, role, 'GET', signal);
  }

  /** POST .../<role>.key: the server makes a new key for the role; publishing a root naming it completes the rotation. */
  async rotateServerKey(gun: string, role: ServerManagedRole, signal?: AbortSignal): Promise<PublicKeyJson> {
    return this.keyRequest(gun, role, 'POST', signal);
  }

  private async keyRequest(gun: string, role: ServerManagedRole, method: 'GET' | 'POST', signal: AbortSignal | undefined): Promise<PublicKeyJson> {
    const response = await this.http.request(this.tufUrl(gun, `${role}.key`), {
      method,
      maxBytes: MAX_KEY_BYTES,
      ...(signal ? { signal } : {}),
      // notary-server hands out a server key only to those who may push, and rotates one only for
      // those who may do anything ("*"), as for deleting a repository.
      authScope: scopeFor(gun, method === 'GET' ? 'write' : 'manage'),
    });
    assertFromNotary(this.tufUrl(gun, `${role}.key`), response);
    expectOk(response, `${method} ${role}.key`);
    let json: unknown;
    try {
      json = JSON.parse(response.body.toString('utf8'));
    } catch {
      json = undefined;
    }
    const key = parsePublicKey(json);
    if (!key) throw new CountersignError('metadata-malformed', `the server's ${role}.key is not a public key`, { role });
    return key;
  }

  /**
   * What the sign-in may do with a repository, as the token service grants it for notary's push scope
   * ("pull", "push"): asked once the server's challenge is known (after any read). Undefined when the
   * server asks for no token. Only words for a connection check: the server decides every request.
   */
  async access(gun: string, signal?: AbortSignal): Promise<RepositoryAccess | undefined> {
    const grant = await this.http.grant(this.tufUrl(gun, 'root.json'), scopeFor(gun, 'write'), signal);
    if (grant === undefined) return undefined;
    const actions = new Set(grant.access.filter((a) => a.type === 'repository' && a.name === gun).flatMap((a) => a.actions));
    const may = (action: string) => actions.has(action) || actions.has('*');
    return { ...(grant.subject === undefined ? {} : { subject: grant.subject }), pull: may('pull'), push: may('push') };
  }

  /** GET /_notary_server/health: a cheap "is this a notary server and do we trust its TLS". */
  async health(signal?: AbortSignal): Promise<void> {
    const url = `${this.serverUrl}/_notary_server/health`;
    const response = await this.http.request(url, { maxBytes: 64 * 1024, ...(signal ? { signal } : {}) });
    assertFromNotary(url, response);
    expectOk(response, 'health check');
  }
}

/**
 * The token scopes docker and notary ask a notary server for: pull to read; push,pull to publish or
 * to get a server-managed key; "*" to rotate a server-managed key or delete trust data.
 */
export function scopeFor(gun: string, access: 'read' | 'write' | 'manage'): string {
  const actions = access === 'read' ? 'pull' : access === 'write' ? 'push,pull' : '*';
  return `repository:${gun}:${actions}`;
}

export function expectOk(response: HttpResponse, what: string): void {
  if (response.status >= 200 && response.status < 300) return;
  if (response.status === 401) throw new CountersignError('auth-required', `${what}: the server asks to sign in (401)`);
  if (response.status === 403) throw new CountersignError('auth-failed', `${what}: the server refused access (403)`);
  const detail = response.body.subarray(0, 300).toString('utf8').trim();
  throw new CountersignError('http-status', `${what}: the server answered ${response.status}${detail ? `: ${detail}` : ''}`);
}

function multipartFiles(boundary: string, files: ReadonlyMap<string, Uint8Array>): Buffer {
  const parts: Buffer[] = [];
  for (const [role, bytes] of files) {
    // Role names are [a-z0-9/_-]; quoting rules for anything else are a matter between Go and us.
    if (!/^[A-Za-z0-9/_.-]+$/.test(role)) throw new CountersignError('invalid-input', `cannot publish a role named "${role}"`);
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${role}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      Buffer.from(bytes),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

/** notary-server's errcode body: {"errors":[{"code":"VERSION","message":"...","detail":...}]}. */
function publishRefusal(response: HttpResponse): CountersignError {
  let first: { code?: unknown; message?: unknown; detail?: unknown } | undefined;
  try {
    const body = JSON.parse(response.body.toString('utf8')) as { errors?: unknown };
    if (Array.isArray(body.errors)) first = body.errors[0] as typeof first;
  } catch {
    first = undefined;
  }
  const code = typeof first?.code === 'string' ? first.code : 'UNKNOWN';
  const message = typeof first?.message === 'string' ? first.message : response.body.subarray(0, 300).toString('utf8').trim();
  const detail = first?.detail === undefined || first.detail === null ? '' : `: ${JSON.stringify(first.detail).slice(0, 500)}`;
  if (code === 'VERSION') return new CountersignError('publish-conflict', `the repository changed on the server meanwhile (${message})`);
  return new CountersignError('publish-rejected', `the server refused the update (${code}: ${message}${detail})`);
}

/** ROLE.json, as opposed to ROLE.<hash>.json or N.root.json (role names have no dots: role-names.ts). */
function isCurrentName(name: string): boolean {
  return name.indexOf('.') === name.lastIndexOf('.');
}
