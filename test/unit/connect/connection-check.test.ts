// Which step a connection check failed or timed out at: the rules of the step tracker and of the
// report the app shows (the real servers are in test/integration/connect).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failedStep, refusalProvesSignIn, StepTracker } from '../../../electron/core/connect/connection-check';
import type { ExchangePurpose, NetPhase } from '../../../electron/core/net/trace';
import { connectionReport } from '../../../electron/ipc/handlers/servers';

const HTTPS = new URL('https://notary.example.com:4443');

function feed(tracker: StepTracker, ...events: [NetPhase, ExchangePurpose?, number?][]): void {
  for (const [phase, purpose = 'request', status] of events) tracker.observe({ phase, purpose, url: HTTPS, ...(phase === 'answered' ? { status: status ?? 200 } : {}) });
}

describe('StepTracker', () => {
  it('starts at the DNS step for a host name, and at TCP for an IP address (no lookup to wait for)', () => {
    assert.equal(new StepTracker(HTTPS).current, 'address');
    assert.equal(new StepTracker(new URL('https://127.0.0.1:4443')).current, 'connect');
    assert.equal(new StepTracker(new URL('https://[::1]:4443')).current, 'connect');
  });

  it('is at TCP after DNS answered, at TLS once connected, at HTTP once the handshake finished', () => {
    const tracker = new StepTracker(HTTPS);
    feed(tracker, ['started'], ['resolved']);
    assert.equal(tracker.current, 'connect');
    feed(tracker, ['connected']);
    assert.equal(tracker.current, 'tls');
    feed(tracker, ['secured']);
    assert.equal(tracker.current, 'http');
  });

  it('skips TLS for plain http: connected means waiting for the HTTP answer', () => {
    const tracker = new StepTracker(new URL('http://notary.example.com'));
    feed(tracker, ['resolved'], ['connected']);
    assert.equal(tracker.current, 'http');
    assert.equal(tracker.outcome('http').find((s) => s.step === 'tls')?.status, 'not-applicable');
  });

  it('is at the notary step once the health request was answered, and at reading once it was a notary', () => {
    const tracker = new StepTracker(HTTPS);
    feed(tracker, ['resolved'], ['connected'], ['secured'], ['answered']);
    assert.equal(tracker.current, 'notary');
    tracker.pass('notary');
    assert.equal(tracker.current, 'auth');
  });

  it('is at the token step while a token request runs, whatever connection that request makes itself', () => {
    const tracker = new StepTracker(HTTPS);
    feed(tracker, ['resolved'], ['connected'], ['secured'], ['answered']);
    tracker.pass('notary');
    feed(tracker, ['answered'], ['started', 'token'], ['resolved', 'token'], ['connected', 'token']);
    assert.equal(tracker.current, 'token');
    feed(tracker, ['answered', 'token']);
    assert.equal(tracker.current, 'auth');
  });

  it('stays at the token step when the token service refused (401, 403): the sign-in failed there, not at reading', () => {
    for (const status of [401, 403]) {
      const tracker = new StepTracker(HTTPS);
      feed(tracker, ['resolved'], ['connected'], ['secured'], ['answered']);
      tracker.pass('notary');
      feed(tracker, ['answered', 'request', 401], ['started', 'token'], ['answered', 'token', status]);
      assert.equal(tracker.current, 'token');
      assert.equal(tracker.tokenGranted, false);
      assert.equal(failedStep('auth-required', tracker.current), 'token');
    }
  });

  it('counts a token as granted only once the token service answered with one', () => {
    const tracker = new StepTracker(HTTPS);
    feed(tracker, ['resolved'], ['connected'], ['secured'], ['answered']);
    tracker.pass('notary');
    assert.equal(tracker.tokenGranted, false);
    feed(tracker, ['answered', 'request', 401], ['answered', 'token', 200]);
    assert.equal(tracker.tokenGranted, true);
  });

  it('takes a pooled socket as connected and secured at once', () => {
    const tracker = new StepTracker(HTTPS);
    feed(tracker, ['connected'], ['secured']);
    assert.equal(tracker.current, 'http');
  });

  it('reports the token step as not applicable when reading passed without a 401', () => {
    const tracker = new StepTracker(HTTPS);
    feed(tracker, ['resolved'], ['connected'], ['secured'], ['answered']);
    tracker.pass('notary');
    tracker.pass('auth');
    assert.deepEqual(
      tracker.outcome().map((s) => s.status),
      ['passed', 'passed', 'passed', 'passed', 'passed', 'not-applicable', 'passed'],
    );
  });

  it('reports the steps after a failure as not reached', () => {
    const tracker = new StepTracker(HTTPS);
    feed(tracker, ['resolved'], ['connected']);
    assert.deepEqual(
      tracker.outcome(tracker.current).map((s) => `${s.step}:${s.status}`),
      ['address:passed', 'connect:passed', 'tls:failed', 'http:not-reached', 'notary:not-reached', 'token:not-reached', 'auth:not-reached'],
    );
  });
});

describe('failedStep', () => {
  it('puts certificate problems at TLS wherever they surface', () => {
    assert.equal(failedStep('tls-failed', 'http'), 'tls');
  });
  it('puts refusals at reading, or at the token step when the token service refused', () => {
    assert.equal(failedStep('auth-required', 'auth'), 'auth');
    assert.equal(failedStep('auth-failed', 'token'), 'token');
  });
  it('puts "not a notary server" answers to the health request at the notary step', () => {
    assert.equal(failedStep('not-notary-server', 'notary'), 'notary');
    assert.equal(failedStep('http-status', 'http'), 'notary');
  });
  it('puts everything else (unreachable, timeouts) at the step in progress, never by default at the address', () => {
    assert.equal(failedStep('server-unreachable', 'connect'), 'connect');
    assert.equal(failedStep('timeout', 'tls'), 'tls');
    assert.equal(failedStep('server-unreachable', 'http'), 'http');
  });
});

describe('refusalProvesSignIn (the read of a name nobody uses, refused)', () => {
  it('proves a signed-in user\'s sign-in: the token service accepted the login and granted nothing for the name', () => {
    assert.equal(refusalProvesSignIn('access-denied', true), true);
  });
  it('proves an anonymous sign-in only when the token service gave an anonymous token (Harbor\'s public projects)', () => {
    assert.equal(refusalProvesSignIn('auth-required', true), true);
  });
  it('fails an anonymous check where no token was given: the server demands a sign-in', () => {
    assert.equal(refusalProvesSignIn('auth-required', false), false);
  });
  it('fails a refused login, and anything that is not a refusal', () => {
    assert.equal(refusalProvesSignIn('auth-failed', true), false);
    assert.equal(refusalProvesSignIn('auth-failed', false), false);
    assert.equal(refusalProvesSignIn('server-unreachable', true), false);
    assert.equal(refusalProvesSignIn('not-notary-server', true), false);
  });
});

describe('connectionReport', () => {
  const server = { name: 'Team', url: 'https://notary.example.com:4443' };
  it('names the step and the time given when the check timed out', () => {
    const tracker = new StepTracker(HTTPS);
    feed(tracker, ['resolved'], ['connected']);
    const report = connectionReport(server, { steps: tracker.outcome('tls'), failure: { step: 'tls', error: { code: 'timeout', message: 'no answer within 15 s' }, timedOut: true } });
    assert.equal(report.ok, false);
    assert.deepEqual(report.timedOut, { step: 'tls', seconds: 15 });
    assert.match(report.explanation, /^The TLS handshake with notary\.example\.com:4443 did not finish \(TLS\)\. /);
    const tls = report.checks.find((c) => c.step === 'tls');
    assert.deepEqual([tls?.status, /Timed out after 15 s/.test(tls?.detail ?? '')], ['failed', true]);
    assert.deepEqual(report.checks.filter((c) => c.status === 'passed').map((c) => c.step), ['address', 'connect']);
    assert.ok(report.checks.filter((c) => c.step !== 'tls' && c.status !== 'passed').every((c) => c.status === 'skipped'));
  });

  it('says a failure that is not a timeout in the failure\'s own words, with no timeout', () => {
    const tracker = new StepTracker(HTTPS);
    const report = connectionReport(server, { steps: tracker.outcome('connect'), failure: { step: 'connect', error: { code: 'server-unreachable', message: 'cannot reach notary.example.com:4443: ECONNREFUSED' }, timedOut: false } });
    assert.equal(report.timedOut, undefined);
    assert.equal(report.checks.find((c) => c.step === 'connect')?.detail, 'cannot reach notary.example.com:4443: ECONNREFUSED');
  });
});
