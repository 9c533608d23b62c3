// The shape of the one HTTP client every server-facing module (notary, registry) goes through.
import type { NetTrace } from './trace';

export interface Credentials {
  username: string;
  /** A password, or an identity (refresh) token when `username` is IDENTITY_TOKEN_USERNAME. */
  password: string;
}

/** Docker's convention: credentials whose username is this carry an OAuth2 refresh token as password. */
export const IDENTITY_TOKEN_USERNAME = '<token>';

/** What a server asked credentials for: the token scope ("repository:<name>:pull") when it named one. */
export interface CredentialRequest {
  scope?: string;
}

/**
 * Credentials for a host ("host" or "host:port" exactly as in the URL), if the user has any. A notary
 * server's lookup reads the repository from the scope: docker signs in to it with the credentials of
 * the registry host that the GUN names.
 */
export type CredentialLookup = (host: string, request?: CredentialRequest) => Promise<Credentials | undefined>;

export interface HttpClientOptions {
  /** Extra PEM certificates trusted in addition to Node's root store (e.g. a private CA). */
  ca?: string | Buffer;
  /** Deadline for one exchange: connect, headers and the whole body. */
  timeoutMs?: number;
  userAgent?: string;
  credentials?: CredentialLookup;
  /** Connections kept per host; requests beyond it queue for a free socket. */
  maxSockets?: number;
  /** Told what each exchange gets through (DNS, TCP, TLS, answer), tokens' apart from requests'. */
  trace?: NetTrace;
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  method?: HttpMethod;
  headers?: Record<string, string>;
  body?: Buffer | Uint8Array;
  /** The body is refused (metadata-too-large) the moment it would exceed this many bytes. */
  maxBytes: number;
  signal?: AbortSignal;
  /**
   * The token scope this request needs (e.g. "repository:library/alpine:pull"), when the caller knows
   * it: lets a cached or fresh bearer token go out with the first attempt instead of after a 401.
   */
  authScope?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The URL that produced this response (after redirects). */
  url: string;
}
