// The docker-credential-<name> protocol: run `docker-credential-<name> get`, write the server URL on
// stdin, read {"ServerURL","Username","Secret"} as JSON on stdout.
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { CountersignError } from '../../../shared/errors';
import type { Credentials } from '../net/http';

const helperAnswerSchema = z.looseObject({
  ServerURL: z.string().optional(),
  Username: z.string(),
  Secret: z.string(),
});

// The helpers' own wording for "nothing stored" (docker-credential-helpers' credentials.NotFound).
const NOT_FOUND = /credentials not found/i;
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_OUTPUT_BYTES = 64 * 1024;

export interface HelperOptions {
  env?: NodeJS.ProcessEnv;
  /** Helpers may prompt the OS (keychain unlock); past this they are killed. */
  timeoutMs?: number;
}

interface HelperRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(program: string, serverUrl: string, options: HelperOptions): Promise<HelperRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) child.kill('SIGKILL');
      else into.push(chunk);
    };
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    // A helper that exits without reading stdin must not crash us with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(serverUrl);
  });
}

/** Asks helper `name` for the credentials of `serverUrl`; undefined when it has none stored. */
export async function credentialsFromHelper(name: string, serverUrl: string, options: HelperOptions = {}): Promise<Credentials | undefined> {
  if (!HELPER_NAME.test(name)) {
    throw new CountersignError('config-invalid', `"${name}" is not a credential helper name docker would accept`);
  }
  const program = `docker-credential-${name}`;
  let result: HelperRun;
  try {
    result = await run(program, serverUrl, options);
  } catch (error) {
    throw new CountersignError('config-invalid', `docker's config.json names the credential helper ${program}, which cannot be run`, { cause: error });
  }
  if (result.code !== 0) {
    if (NOT_FOUND.test(result.stdout) || NOT_FOUND.test(result.stderr)) return undefined;
    const reason = (result.stdout.trim() || result.stderr.trim() || `exit ${String(result.code)}`).slice(0, 200);
    throw new CountersignError('auth-failed', `${program} could not give the credentials for ${serverUrl}: ${reason}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch (error) {
    throw new CountersignError('auth-failed', `${program} answered with something that is not JSON`, { cause: error });
  }
  const parsed = helperAnswerSchema.safeParse(json);
  if (!parsed.success) throw new CountersignError('auth-failed', `${program} answered without Username and Secret`);
  const { Username, Secret } = parsed.data;
  if (Secret === '') return undefined;
  // A Username of IDENTITY_TOKEN_USERNAME marks Secret as an identity token; the token flow knows it.
  return { username: Username, password: Secret };
}
