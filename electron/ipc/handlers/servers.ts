import { toErrorInfo, type ErrorCode, type ErrorInfo } from '../../../shared/errors';
import { DOCKER_HUB_NOTARY_SHUTDOWN, isDockerHubNotary, type ServerInput } from '../../../shared/schemas/settings';
import { explainError } from '../../../shared/schemas/plain-words';
import { CONNECTION_CHECK_TIMEOUT_SECONDS, type ConnectionCheck, type ConnectionReport, type ConnectionStep, type SignInReport } from '../../../shared/schemas/views';
import type { DomainHandlers } from '../router';
import { serverById } from './repositories';
import type { Services } from '../services';

/** A check asks about at most this many watched repositories (one token request each). */
const MAX_RIGHTS_SHOWN = 5;

const STEPS: readonly ConnectionStep[] = ['address', 'tls', 'http', 'notary', 'auth'];

const PASSED: Record<ConnectionStep, string> = {
  address: 'The server answers at this address.',
  tls: "The server's certificate is trusted and names this host.",
  http: 'The server speaks HTTP.',
  notary: 'It is a notary server.',
  auth: 'Access is allowed.',
};

/** Which step of the check a failure belongs to. */
function failedStep(code: ErrorCode): ConnectionStep {
  switch (code) {
    case 'server-unreachable':
    case 'timeout':
      return 'address';
    case 'tls-failed':
      return 'tls';
    case 'auth-required':
    case 'auth-failed':
    case 'access-denied':
      return 'auth';
    case 'http-status':
    case 'repository-not-found':
    case 'not-notary-server':
    case 'not-found':
      return 'notary';
    default:
      return 'http';
  }
}

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

export function connectionReport(server: ServerInput, failure?: ErrorInfo, signIn?: SignInReport): ConnectionReport {
  const stop = failure === undefined ? STEPS.length : STEPS.indexOf(failedStep(failure.code));
  const checks: ConnectionCheck[] = STEPS.map((step, index) => {
    if (index < stop) return { step, status: 'passed', detail: step === 'auth' && signIn !== undefined ? describeSignIn(signIn) : PASSED[step] };
    if (index === stop && failure !== undefined) return { step, status: 'failed', detail: failure.message };
    return { step, status: 'skipped', detail: 'Not checked: an earlier step failed.' };
  });
  const notices = isDockerHubNotary(server.url)
    ? [`Docker Hub's notary server (notary.docker.io) shuts down on ${DOCKER_HUB_NOTARY_SHUTDOWN}. Export the trust data you need to keep before then.`]
    : [];
  const connected = signIn?.account === undefined ? 'Connected' : `Connected and signed in as ${signIn.account}`;
  return failure === undefined
    ? { url: server.url, ok: true, checks, explanation: `${connected}: this is a notary server Countersign can use.`, notices, ...(signIn === undefined ? {} : { signIn }) }
    : { url: server.url, ok: false, checks, explanation: explainForServer(failure, server), error: failure, notices };
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
    'servers.check': async ({ server }, { signal }) => {
      // A server that never answers is given up on after a time the form shows, not after the HTTP
      // client's own (longer) timeout; a cancel from the user ends it at once.
      const deadline = AbortSignal.timeout(CONNECTION_CHECK_TIMEOUT_SECONDS * 1000);
      try {
        // Rights are per repository: a saved server's check asks about the repositories watched on it.
        const guns = server.id === undefined ? [] : services.settings.read().watched.filter((w) => w.serverId === server.id).map((w) => w.gun).slice(0, MAX_RIGHTS_SHOWN);
        const { signIn } = await services.servers.probe(server, { signal: AbortSignal.any([signal, deadline]), guns });
        return connectionReport(server, undefined, signIn);
      } catch (error) {
        if (signal.aborted) throw error;
        if (deadline.aborted) return connectionReport(server, { code: 'timeout', message: `No answer within ${CONNECTION_CHECK_TIMEOUT_SECONDS} seconds.` });
        return connectionReport(server, toErrorInfo(error));
      }
    },
  };
}
