// Turns Node's socket and TLS failures into CountersignErrors a user can act on.
import { CountersignError } from '../../../shared/errors';

// OpenSSL's verify codes that all mean "no trusted CA vouches for this certificate".
const UNKNOWN_CA_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'EPIPE',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function tlsProblem(code: string): string | undefined {
  if (UNKNOWN_CA_CODES.has(code)) return 'the certificate is not signed by a trusted CA (unknown CA)';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'the certificate is not valid for this host name (hostname mismatch)';
  if (code === 'CERT_HAS_EXPIRED') return 'the certificate has expired';
  if (code === 'CERT_NOT_YET_VALID') return 'the certificate is not valid yet';
  if (code === 'CERT_REVOKED') return 'the certificate has been revoked';
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO') {
    return 'the TLS handshake failed';
  }
  return undefined;
}

/** A failure of the connection itself (never an HTTP status) as a CountersignError naming the server. */
export function describeNetworkError(error: unknown, url: URL): CountersignError {
  if (error instanceof CountersignError) return error;
  const code = errorCode(error) ?? '';
  const detail = error instanceof Error ? error.message : String(error);
  const where = url.host;
  const tls = tlsProblem(code);
  if (tls !== undefined) {
    return new CountersignError('tls-failed', `TLS to ${where} failed: ${tls} (${detail})`, { cause: error });
  }
  if (code === 'ETIMEDOUT') {
    return new CountersignError('timeout', `connecting to ${where} timed out`, { cause: error });
  }
  if (UNREACHABLE_CODES.has(code)) {
    return new CountersignError('server-unreachable', `cannot reach ${where}: ${detail}`, { cause: error });
  }
  return new CountersignError('server-unreachable', `request to ${url.origin}${url.pathname} failed: ${detail}`, {
    cause: error,
  });
}

export function tooLarge(url: URL, maxBytes: number): CountersignError {
  return new CountersignError(
    'metadata-too-large',
    `${url.origin}${url.pathname} is larger than the ${maxBytes}-byte limit for it`,
  );
}
