// The Content-Security-Policy of the renderer: only our own scripts and styles, no inline code, no
// eval, no plugins, no frames, no network. The test host is the one place that lets the page talk
// to its own origin, because its shim carries IPC over HTTP.
export function contentSecurityPolicy(options: { connectToSelf: boolean } = { connectToSelf: false }): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${options.connectToSelf ? "'self'" : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "object-src 'none'",
    "worker-src 'none'",
  ].join('; ');
}

/** The policy as a <meta> tag can carry it (browsers ignore frame-ancestors there, and say so). */
export function metaContentSecurityPolicy(options?: { connectToSelf: boolean }): string {
  return contentSecurityPolicy(options)
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .join('; ');
}

/** Headers sent with every app resource. */
export function securityHeaders(options?: { connectToSelf: boolean }): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(options),
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
  };
}
