// What one exchange has got through so far, for a caller that must say where a slow or failed
// connection stopped (the connection check). Only the steps that actually happen are reported: a
// pooled socket skips straight to `connected` (and `secured`), an IP address has no `resolved`.

/** Why the exchange was made: the caller's request, or the token request a 401 led to. */
export type ExchangePurpose = 'request' | 'token';

export type NetPhase =
  /** The exchange was started (no socket yet). */
  | 'started'
  /** DNS answered for the host. */
  | 'resolved'
  /** The TCP connection is up. */
  | 'connected'
  /** The TLS handshake finished. */
  | 'secured'
  /** The whole answer (headers and body) arrived. */
  | 'answered';

export interface NetEvent {
  phase: NetPhase;
  purpose: ExchangePurpose;
  url: URL;
  /** For `answered`. */
  status?: number;
}

export type NetTrace = (event: NetEvent) => void;
