// The connection check names the step a server stopped at, against real servers: the real
// notary-server (with and without token sign-in) for the good case, and test-owned listeners that
// stall at one step each: TCP accepted and never a word (plain http and https), TLS finished and no
// HTTP answer, a token service that never answers. The timeout is the step in progress, never the
// address; a cancel ends the check at once.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkConnection, type ConnectionOutcome } from '../../../electron/core/connect/connection-check';
import { Connections } from '../../../electron/core/connect';
import type { ConnectionStep } from '../../../shared/schemas/views';
import { makeTempDir, makeTestCa, removeTempDir, startNotaryServer, startTokenIssuer, tokenAuthOf, type NotaryServer, type TestCa, type TokenIssuer } from '../../stack';

const DEADLINE_MS = 1500;

let dir: string;
let ca: TestCa;
let notary: NotaryServer;
let issuer: TokenIssuer;
let signInNotary: NotaryServer;
let closedIssuer: TokenIssuer;
let closedNotary: NotaryServer;
let stalledTokenNotary: NotaryServer;
let connections: Connections;
const listeners: Server[] = [];
const sockets = new Set<Socket>();

/** A listener that takes every connection and never answers (a firewall that swallows the rest). */
async function silentListener(): Promise<number> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  return listen(server);
}

/** Finishes the TLS handshake with the stack's certificate, then never answers HTTP. */
async function tlsThenSilence(): Promise<number> {
  const server = createTlsServer({ key: ca.serverKeyPem, cert: ca.serverCertPem }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  return listen(server);
}

async function listen(server: Server): Promise<number> {
  listeners.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const ALICE = { id: 'alice-at-notary', username: 'alice', password: () => Promise.resolve('alice-password') };

function check(url: string, options: { signal?: AbortSignal; steps?: ConnectionStep[]; account?: typeof ALICE; guns?: string[] } = {}): Promise<ConnectionOutcome> {
  return checkConnection(connections, { url, caPem: ca.caPem, ...(options.account === undefined ? {} : { account: options.account }) }, {
    signal: options.signal ?? new AbortController().signal,
    deadlineMs: DEADLINE_MS,
    onStep: (step) => options.steps?.push(step),
    ...(options.guns === undefined ? {} : { guns: options.guns }),
  });
}

function statuses(outcome: ConnectionOutcome): Record<string, string> {
  return Object.fromEntries(outcome.steps.map(({ step, status }) => [step, status]));
}

before(async () => {
  dir = makeTempDir('connection-check');
  ca = await makeTestCa(join(dir, 'ca'));
  notary = await startNotaryServer({ ca });
  // As Harbor: anonymous users get a token, holding pull on the public project only.
  issuer = await startTokenIssuer({ ca, dir, users: { alice: { password: 'alice-password', rights: { '': ['pull'] } } }, anonymous: { 'public/': ['pull'] } });
  signInNotary = await startNotaryServer({ ca, auth: { type: 'token', options: tokenAuthOf(issuer, 'countersign-notary') } });
  // A token service that demands a sign-in: no token without a login.
  mkdirSync(join(dir, 'closed'));
  closedIssuer = await startTokenIssuer({ ca, dir: join(dir, 'closed'), users: {}, refuseAnonymous: true });
  closedNotary = await startNotaryServer({ ca, auth: { type: 'token', options: tokenAuthOf(closedIssuer, 'countersign-notary') } });
  // The same notary-server, but its sign-in service is a listener that never answers.
  const silentRealm = `http://127.0.0.1:${await silentListener()}/token`;
  stalledTokenNotary = await startNotaryServer({ ca, auth: { type: 'token', options: { ...tokenAuthOf(issuer, 'countersign-notary'), realm: silentRealm } } });
  connections = new Connections({ dockerConfigDir: join(dir, 'docker'), env: {} });
});

after(async () => {
  connections.close();
  for (const socket of sockets) socket.destroy();
  for (const server of listeners) server.close();
  await Promise.all([notary.stop(), signInNotary.stop(), stalledTokenNotary.stop(), closedNotary.stop(), issuer.stop(), closedIssuer.stop()]);
  removeTempDir(dir);
});

describe('the connection check of a notary server', () => {
  it('passes every step against the real notary-server, with no token asked for when it needs no sign-in', async () => {
    const outcome = await check(notary.url);
    assert.equal(outcome.failure, undefined);
    assert.deepEqual(statuses(outcome), { address: 'passed', connect: 'passed', tls: 'passed', http: 'passed', notary: 'passed', token: 'not-applicable', auth: 'passed' });
  });

  it('gets a sign-in token from a notary-server with token auth, and passes the token step', async () => {
    const steps: ConnectionStep[] = [];
    const outcome = await check(signInNotary.url, { steps, account: ALICE });
    assert.equal(outcome.failure, undefined, JSON.stringify(outcome.failure));
    assert.equal(statuses(outcome)['token'], 'passed');
    assert.deepEqual(steps, ['connect', 'tls', 'http', 'notary', 'auth', 'token', 'auth']);
  });

  it('passes an anonymous check the token service gave a token, not signed in, with the rights per repository', async () => {
    const outcome = await check(signInNotary.url, { guns: ['localhost:5000/public/app', 'localhost:5000/team/app'] });
    assert.equal(outcome.failure, undefined, JSON.stringify(outcome.failure));
    assert.deepEqual([statuses(outcome)['token'], statuses(outcome)['auth']], ['passed', 'passed']);
    assert.deepEqual(outcome.signIn, {
      access: [
        { gun: 'localhost:5000/public/app', pull: true, push: false },
        { gun: 'localhost:5000/team/app', pull: false, push: false },
      ],
    });
  });

  it('fails an anonymous check at the token step when the token service demands a sign-in', async () => {
    const outcome = await check(closedNotary.url);
    assert.deepEqual([outcome.failure?.step, outcome.failure?.error.code, outcome.failure?.timedOut], ['token', 'auth-required', false]);
    assert.match(outcome.failure?.error.message ?? '', /wants a login \(HTTP 401\)/);
    assert.equal(statuses(outcome)['auth'], 'not-reached');
    assert.equal(outcome.signIn, undefined);
    assert.ok(closedIssuer.requests().every((request) => request.status === 401));
  });

  it('fails a wrong password at the token step, naming the refused user', async () => {
    const outcome = await check(signInNotary.url, { account: { ...ALICE, id: 'alice-mistyped', password: () => Promise.resolve('mistyped') } });
    assert.deepEqual([outcome.failure?.step, outcome.failure?.error.code], ['token', 'auth-failed']);
    assert.match(outcome.failure?.error.message ?? '', /sign-in refused for alice/);
  });

  it('attributes the timeout of a sign-in service that never answers to the token step', async () => {
    const outcome = await check(stalledTokenNotary.url);
    assert.deepEqual(outcome.failure && { step: outcome.failure.step, timedOut: outcome.failure.timedOut }, { step: 'token', timedOut: true });
    assert.deepEqual(statuses(outcome), { address: 'passed', connect: 'passed', tls: 'passed', http: 'passed', notary: 'passed', token: 'failed', auth: 'not-reached' });
  });

  it('attributes the timeout of an https address that accepts TCP and never starts TLS to the TLS step', async () => {
    const port = await silentListener();
    const outcome = await check(`https://127.0.0.1:${port}`);
    assert.equal(outcome.failure?.step, 'tls');
    assert.equal(outcome.failure?.timedOut, true);
    assert.equal(outcome.failure?.error.code, 'timeout');
    assert.deepEqual(statuses(outcome), { address: 'passed', connect: 'passed', tls: 'failed', http: 'not-reached', notary: 'not-reached', token: 'not-reached', auth: 'not-reached' });
  });

  it('attributes the timeout of a TLS server that never answers HTTP to the HTTP step', async () => {
    const port = await tlsThenSilence();
    const outcome = await check(`https://localhost:${port}`);
    assert.equal(outcome.failure?.step, 'http');
    assert.equal(outcome.failure?.timedOut, true);
    assert.deepEqual(statuses(outcome), { address: 'passed', connect: 'passed', tls: 'passed', http: 'failed', notary: 'not-reached', token: 'not-reached', auth: 'not-reached' });
  });

  it('attributes the timeout of a plain http address that accepts TCP and never answers to the HTTP step (no TLS to check)', async () => {
    const port = await silentListener();
    const outcome = await check(`http://127.0.0.1:${port}`);
    assert.equal(outcome.failure?.step, 'http');
    assert.equal(statuses(outcome)['tls'], 'not-applicable');
  });

  it('says a refused connection failed at the TCP step, and an unknown host at DNS', async () => {
    const closed = await silentListener();
    listeners.at(-1)?.close();
    const refused = await check(`https://127.0.0.1:${closed}`);
    assert.deepEqual([refused.failure?.step, refused.failure?.timedOut], ['connect', false]);
    const unknown = await check('https://no-such-host.invalid:4443');
    assert.deepEqual([unknown.failure?.step, unknown.failure?.error.code], ['address', 'server-unreachable']);
  });

  it('ends at once when cancelled, without an outcome', async () => {
    const port = await silentListener();
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(check(`https://127.0.0.1:${port}`, { signal: controller.signal }), { code: 'cancelled' });
    assert.ok(Date.now() - started < DEADLINE_MS, 'the cancel did not wait for the deadline');
  });
});
