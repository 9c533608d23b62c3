import type { ErrorInfo } from '../../../shared/errors';
import type { ConnectionOutcome } from '../../core/connect/connection-check';
import { DOCKER_HUB_NOTARY_SHUTDOWN, isDockerHubNotary, type ServerInput } from '../../../shared/schemas/settings';
import { explainError } from '../../../shared/schemas/plain-words';
import { CONNECTION_CHECK_TIMEOUT_SECONDS, type ConnectionCheck, type ConnectionReport, type ConnectionStep, type SignInReport } from '../../../shared/schemas/views';
import type { DomainHandlers } from '../router';
import { serverById } from './repositories';
import { withOwnSignIn } from '../own-sign-in';
import type { Services } from '../services';

/** A check asks about at most this many watched repositories (one token request each). */
const MAX_RIGHTS_SHOWN = 5;

const PASSED: Record<ConnectionStep, string> = {
  address: 'The host name resolves (DNS).',
  connect: 'The server accepts a TCP connection at this address.',
  tls: "The server's certificate is trusted and names this host.",
  http: 'The server answers HTTP (GET /_notary_server/health).',
  notary: 'It is a notary server.',
  token: 'The sign-in service gave a token.',
  auth: 'Reading trust data is allowed.',
};

const NOT_APPLICABLE: Record<ConnectionStep, string> = {
  address: 'An IP address: no DNS lookup needed.',
  connect: 'Not applicable.',
  tls: 'Plain http: no TLS, the connection is not encrypted.',
  http: 'Not applicable.',
  notary: 'Not applicable.',
  token: 'The server asked for no sign-in.',
  auth: 'Not applicable.',
};

/** What the check was waiting for when it gave up at each step. */
const WAITING_FOR: Record<ConnectionStep, (host: string) => string> = {
  address: (host) => `the DNS lookup of ${host} got no answer`,
  connect: (host) => `${host} accepted no TCP connection`,
  tls: (host) => `the TLS handshake with ${host} did not finish`,
  http: (host) => `${host} accepted the connection but did not answer GET /_notary_server/health`,
  notary: (host) => `${host} did not finish its health answer`,
  token: () => 'the sign-in service did not give a token',
  auth: (host) => `${host} did not answer the read of a repository's root.json`,
};

const STEP_NAME: Record<ConnectionStep, string> = {
  address: 'DNS',
  connect: 'TCP connection',
  tls: 'TLS',
  http: 'HTTP',
  notary: 'notary server',
  token: 'sign-in token',
  auth: 'reading trust data',
};

/** Plain words that take what the user typed into account. */
function explainForServer(error: ErrorInfo, server: ServerInput): string {
  switch (error.code) {
    case 'tls-failed':
      return server.caPem === undefined
        ? "The server's certificate is not trusted. If your organisation runs its own CA, add that CA's certificate (PEM) to this server."
        : "The server's certificate was not issued by the CA you gave, or it does not name this host. Check the CA file and the address.";
    case 'http-status':
    case 'repository-not-found':
    case 'not-notary-server':
    case 'not-found':
      return 'Something answered at this address, but it is not a notary server (it has no /_notary_server/health). Check the URL and port.';
    case 'auth-failed':
      return server.username === undefined
        ? `The server refused the sign-in it was given: ${error.message}.`
        : `Sign-in refused for ${server.username}: check the password saved for this server, then check again. The server stays saved.`;
    case 'auth-required':
      return server.username === undefined
        ? 'The server wants you to sign in: add your user name, and your password when asked.'
        : 'The server wants you to sign in, and no password is stored for this user yet.';
    default:
      return explainError(error).summary;
  }
}

/** "may pull and push", "may pull but not push", "may neither pull nor push". */
function rights(access: SignInReport['access'][number]): string {
  if (access.pull && access.push) return 'may pull and push';
  if (access.pull) return 'may pull but not push';
  if (access.push) return 'may push but not pull';
  return 'may neither pull nor push';
}

/** "Signed in as alice, who may pull and push example.com/team/app." in the words the refusals use. */
export function describeSignIn(signIn: SignInReport): string {
  const who = signIn.account === undefined ? 'Not signed in (anonymous)' : `Signed in as ${signIn.account}`;
  if (signIn.access.length === 0) return `${who}. Rights are per repository: watch one on this server to see them here.`;
  const each = signIn.access.map((access) => `${rights(access)} ${access.gun}`).join('; ');
  return `${who}, who ${each}.`;
}

/** A passed step in words; with a token service, the token and reading steps say who it is for. */
function passedDetail(step: ConnectionStep, signIn: SignInReport | undefined): string {
  if (signIn === undefined) return PASSED[step];
  if (step === 'auth') return describeSignIn(signIn);
  // Harbor gives anonymous users a token too (its public projects): say so, not "signed in".
  if (step === 'token' && signIn.account === undefined) return 'The sign-in service gave a token without a sign-in (anonymous).';
  return PASSED[step];
}

export function connectionReport(server: ServerInput, outcome: ConnectionOutcome): ConnectionReport {
  const { failure, signIn } = outcome;
  const host = hostOf(server.url);
  const checks: ConnectionCheck[] = outcome.steps.map(({ step, status }) => {
    switch (status) {
      case 'passed':
        return { step, status, detail: passedDetail(step, signIn) };
      case 'not-applicable':
        return { step, status, detail: NOT_APPLICABLE[step] };
      case 'failed':
        return { step, status, detail: failure?.timedOut ? `Timed out after ${CONNECTION_CHECK_TIMEOUT_SECONDS} s: ${WAITING_FOR[step](host)}.` : (failure?.error.message ?? '') };
      case 'not-reached':
        return { step, status: 'skipped', detail: 'Not checked: an earlier step failed.' };
    }
  });
  const notices = isDockerHubNotary(server.url)
    ? [`Docker Hub's notary server (notary.docker.io) shuts down on ${DOCKER_HUB_NOTARY_SHUTDOWN}. Export the trust data you need to keep before then.`]
    : [];
  if (failure === undefined) {
    const connected = signIn === undefined ? 'Connected' : signIn.account === undefined ? 'Connected, not signed in (anonymous)' : `Connected and signed in as ${signIn.account}`;
    return { url: server.url, ok: true, checks, explanation: `${connected}: this is a notary server Countersign can use.`, notices, ...(signIn === undefined ? {} : { signIn }) };
  }
  if (failure.timedOut) {
    return {
      url: server.url,
      ok: false,
      checks,
      // The step and the time are said beside it (report.timedOut); this says what did not happen, and what to try.
      explanation: `${capitalised(WAITING_FOR[failure.step](host))} (${STEP_NAME[failure.step]}). ${TIMEOUT_ADVICE[failure.step]}`,
      error: failure.error,
      timedOut: { step: failure.step, seconds: CONNECTION_CHECK_TIMEOUT_SECONDS },
      notices,
    };
  }
  return { url: server.url, ok: false, checks, explanation: explainForServer(failure.error, server), error: failure.error, notices };
}

/** What to try when a step never answered. */
const TIMEOUT_ADVICE: Record<ConnectionStep, string> = {
  address: 'Check the host name and your DNS or VPN.',
  connect: 'A firewall may be dropping the connection; check the port.',
  tls: 'Something accepts connections there but does not finish TLS: check the port and whether the server expects http.',
  http: 'Something accepts connections there but is not answering as a web server: check the port and the scheme (http or https).',
  notary: 'The server is overloaded or stuck; try again later.',
  token: "The server's sign-in (token) service is not answering; ask its administrator.",
  auth: 'The server is overloaded or stuck; try again later.',
};

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function serverHandlers(services: Services): DomainHandlers<'servers'> {
  return {
    'servers.setPassword': async ({ serverId, password }) => {
      // Only for a saved server: the password is filed under its id, and a typo would file it nowhere.
      serverById(services.settings.read(), serverId);
      await services.credentials.setPassword(serverId, password);
      return { stored: true };
    },
    'servers.forgetPassword': async ({ serverId }) => ({ forgotten: await services.credentials.forget(serverId) }),
    'servers.check': async ({ server }, { signal, progress }) => {
      // A server that never answers is given up on after a time the form shows, not after the HTTP
      // client's own (longer) timeout, naming the step it was at; a cancel from the user ends it at once.
      // Rights are per repository: a saved server's check asks about the repositories watched on it.
      const guns = server.id === undefined ? [] : services.settings.read().watched.filter((w) => w.serverId === server.id).map((w) => w.gun).slice(0, MAX_RIGHTS_SHOWN);
      const checked = withOwnSignIn(server, services.settings.read().servers);
      const outcome = await services.servers.check(checked, { signal, guns, deadlineMs: CONNECTION_CHECK_TIMEOUT_SECONDS * 1000, onStep: (step) => progress({ step }) });
      return connectionReport(server, outcome);
    },
  };
}
