import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckedStep, ConnectionOutcome } from '../../../electron/core/connect/connection-check';
import { connectionReport, describeSignIn } from '../../../electron/ipc/handlers/servers';
import { CONNECTION_STEPS, type ConnectionStep } from '../../../shared/schemas/views';

const SERVER = { name: 'Harbor notary', url: 'https://notary.example.com', username: 'alice' };
const GUN = 'registry.example.com/team/app';

/** Every step passed, up to `failed` (which failed; those after it were not reached). */
function steps(failed?: ConnectionStep, notApplicable: ConnectionStep[] = []): CheckedStep[] {
  const stop = failed === undefined ? CONNECTION_STEPS.length : CONNECTION_STEPS.indexOf(failed);
  return CONNECTION_STEPS.map((step, index) => ({
    step,
    status: notApplicable.includes(step) ? 'not-applicable' : index < stop ? 'passed' : index === stop ? 'failed' : 'not-reached',
  }));
}

const passed = (signIn?: ConnectionOutcome['signIn']): ConnectionOutcome => ({ steps: steps(), ...(signIn === undefined ? {} : { signIn }) });

describe('the connection check in words', () => {
  it('says who the token service signed in and what they may do with each watched repository', () => {
    const report = connectionReport(SERVER, passed({ account: 'alice', access: [{ gun: GUN, pull: true, push: true }] }));
    assert.equal(report.ok, true);
    assert.match(report.explanation, /^Connected and signed in as alice:/);
    assert.equal(report.checks.find((check) => check.step === 'auth')?.detail, `Signed in as alice, who may pull and push ${GUN}.`);
    assert.deepEqual(report.signIn?.access, [{ gun: GUN, pull: true, push: true }]);
  });

  it('puts a pull-only user in the words a refused write uses', () => {
    assert.equal(describeSignIn({ account: 'bob', access: [{ gun: GUN, pull: true, push: false }] }), `Signed in as bob, who may pull but not push ${GUN}.`);
    assert.equal(describeSignIn({ account: 'eve', access: [{ gun: GUN, pull: false, push: false }] }), `Signed in as eve, who may neither pull nor push ${GUN}.`);
  });

  it('with no watched repository says rights are per repository; anonymous says so', () => {
    assert.match(describeSignIn({ account: 'alice', access: [] }), /^Signed in as alice\. Rights are per repository/);
    assert.match(describeSignIn({ access: [] }), /^Not signed in \(anonymous\)/);
  });

  it('an anonymous check that got a token passes, not signed in, with the rights per repository', () => {
    const anonymous = { name: 'Harbor public', url: 'https://notary.example.com' };
    const report = connectionReport(anonymous, passed({ access: [{ gun: GUN, pull: true, push: false }] }));
    assert.equal(report.ok, true);
    assert.match(report.explanation, /^Connected, not signed in \(anonymous\):/);
    assert.equal(report.checks.find((check) => check.step === 'token')?.detail, 'The sign-in service gave a token without a sign-in (anonymous).');
    assert.equal(report.checks.find((check) => check.step === 'auth')?.detail, `Not signed in (anonymous), who may pull but not push ${GUN}.`);
    const nothingWatched = connectionReport(anonymous, passed({ access: [] }));
    assert.equal(nothingWatched.checks.find((check) => check.step === 'auth')?.detail, 'Not signed in (anonymous). Rights are per repository: watch one on this server to see them here.');
  });

  it('a token service that demands a sign-in fails the token step and asks for a user name in plain words', () => {
    const message = 'the token service of notary.example.com wants a login (HTTP 401); no credentials are stored for notary.example.com';
    const report = connectionReport({ name: 'n', url: 'https://notary.example.com' }, { steps: steps('token'), failure: { step: 'token', error: { code: 'auth-required', message }, timedOut: false } });
    assert.equal(report.ok, false);
    assert.equal(report.checks.find((check) => check.step === 'token')?.status, 'failed');
    assert.equal(report.explanation, 'The server wants you to sign in: add your user name, and your password when asked.');
    assert.equal(report.signIn, undefined);
  });

  it('a server without a token service keeps the plain words', () => {
    const report = connectionReport({ name: 'n', url: 'https://notary.example.com' }, { steps: steps(undefined, ['token']) });
    assert.match(report.explanation, /^Connected:/);
    assert.equal(report.checks.find((check) => check.step === 'auth')?.detail, 'Reading trust data is allowed.');
    assert.equal(report.checks.find((check) => check.step === 'token')?.status, 'not-applicable');
    assert.equal(report.signIn, undefined);
  });

  it('a refused sign-in fails the token step, names the user, and says the server stays saved', () => {
    const message = 'sign-in refused for alice at auth.example.com, the token service of notary.example.com (HTTP 401): wrong user name or password, or an expired token';
    const report = connectionReport(SERVER, { steps: steps('token'), failure: { step: 'token', error: { code: 'auth-failed', message }, timedOut: false } });
    assert.equal(report.ok, false);
    assert.deepEqual(report.checks.map((check) => check.status), ['passed', 'passed', 'passed', 'passed', 'passed', 'failed', 'skipped']);
    assert.equal(report.checks.find((check) => check.step === 'token')?.detail, message);
    assert.match(report.explanation, /Sign-in refused for alice: check the password .* The server stays saved\./);
  });
});
