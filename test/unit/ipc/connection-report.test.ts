import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionReport, describeSignIn } from '../../../electron/ipc/handlers/servers';

const SERVER = { name: 'Harbor notary', url: 'https://notary.example.com', username: 'alice' };
const GUN = 'registry.example.com/team/app';

describe('the connection check in words', () => {
  it('says who the token service signed in and what they may do with each watched repository', () => {
    const report = connectionReport(SERVER, undefined, { account: 'alice', access: [{ gun: GUN, pull: true, push: true }] });
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

  it('a server without a token service keeps the plain words', () => {
    const report = connectionReport({ name: 'n', url: 'https://notary.example.com' });
    assert.match(report.explanation, /^Connected:/);
    assert.equal(report.checks.find((check) => check.step === 'auth')?.detail, 'Access is allowed.');
    assert.equal(report.signIn, undefined);
  });

  it('a refused sign-in fails the access step, names the user, and says the server stays saved', () => {
    const message = 'sign-in refused for alice at auth.example.com, the token service of notary.example.com (HTTP 401): wrong user name or password, or an expired token';
    const report = connectionReport(SERVER, { code: 'auth-failed', message });
    assert.equal(report.ok, false);
    assert.deepEqual(report.checks.map((check) => check.status), ['passed', 'passed', 'passed', 'passed', 'failed']);
    assert.equal(report.checks[4]?.detail, message);
    assert.match(report.explanation, /Sign-in refused for alice: check the password .* The server stays saved\./);
  });
});
