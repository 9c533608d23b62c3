import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CODES, type ErrorCode } from '../../../shared/errors';
import { describeTrust, isVerificationFailure } from '../../../shared/schemas/trust-status';

const failed = (code: ErrorCode, role?: string) => describeTrust({ state: 'failed', error: role === undefined ? { code, message: 'x' } : { code, message: 'x', role } });

describe('trust status words and colours', () => {
  it('an unsigned repository, an unreachable server and a forged signature are three different states', () => {
    const unsigned = failed('repository-not-found');
    const unreachable = failed('server-unreachable');
    const tampered = failed('signature-threshold', 'targets');
    assert.deepEqual([unsigned.kind, unreachable.kind, tampered.kind], ['unsigned', 'unreachable', 'tampered']);
    assert.deepEqual([unsigned.tone, unreachable.tone, tampered.tone], ['neutral', 'warn', 'bad']);
    assert.equal(new Set([unsigned.label, unreachable.label, tampered.label]).size, 3);
  });

  it('a failed verification names the check and the role, and says what to do', () => {
    const status = failed('hash-mismatch', 'snapshot');
    assert.equal(status.check, 'file hashes (snapshot and timestamp), on snapshot');
    assert.match(status.action ?? '', /do not pull/i);
    assert.match(status.summary, /tampering/);
  });

  it('every verification code is red and every other failure is amber or neutral, never red', () => {
    for (const code of ERROR_CODES) {
      const status = failed(code);
      if (isVerificationFailure(code)) assert.equal(status.tone, 'bad', code);
      else assert.notEqual(status.tone, 'bad', code);
    }
  });

  it('network and sign-in failures are not verification failures', () => {
    for (const code of ['server-unreachable', 'timeout', 'tls-failed', 'http-status'] as const) {
      assert.equal(isVerificationFailure(code), false, code);
      assert.equal(failed(code).kind, 'unreachable', code);
    }
  });

  it('a sign-in needed or refused is its own amber state, never unsigned or unreachable, and names who was refused', () => {
    for (const code of ['auth-required', 'auth-failed', 'access-denied'] as const) {
      assert.equal(isVerificationFailure(code), false, code);
      assert.deepEqual([failed(code).kind, failed(code).tone], ['sign-in', 'warn'], code);
    }
    assert.equal(failed('auth-required').label, 'Sign-in needed');
    const refused = describeTrust({ state: 'failed', error: { code: 'auth-failed', message: 'sign-in refused for alice at 127.0.0.1:5001' } });
    assert.equal(refused.label, 'Sign-in refused');
    assert.equal(refused.cause, 'sign-in refused for alice at 127.0.0.1:5001');
    assert.notEqual(refused.label, failed('server-unreachable').label);
  });

  it('an unreachable or stale state says since when', () => {
    const since = '2026-12-01T10:00:00.000Z';
    assert.equal(describeTrust({ state: 'failed', error: { code: 'timeout', message: '' }, since }).since, since);
    const stale = describeTrust({ state: 'stale', error: { code: 'server-unreachable', message: '' }, since });
    assert.deepEqual([stale.kind, stale.tone, stale.since], ['stale', 'warn', since]);
  });

  it('only a plainly verified repository is green', () => {
    assert.equal(describeTrust({ state: 'verified' }).tone, 'ok');
    assert.equal(describeTrust({ state: 'warnings', error: { code: 'signature-threshold', message: '', role: 'targets/alice' } }).tone, 'warn');
    assert.equal(describeTrust({ state: 'not-checked' }).tone, 'neutral');
  });
});
