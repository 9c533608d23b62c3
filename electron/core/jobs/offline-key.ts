// Taking a key out of the keychain into an encrypted file: a new root key after a rotation, or the
// root key of a repository just created. The path comes from a front end: it must be absolute and
// new — no file is ever overwritten.
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { CountersignError } from '../../../shared/errors';
import type { JobEnvironment } from './environment';

export async function takeKeyOffline(env: JobEnvironment, input: { keyId: string; file: string; passphrase: string }): Promise<{ keyId: string; file: string }> {
  if (!isAbsolute(input.file)) throw new CountersignError('invalid-input', `${input.file} is not an absolute path`);
  if (existsSync(input.file)) throw new CountersignError('invalid-input', `${input.file} exists already: choose a new file (an existing file is never overwritten)`);
  const offline = await env.vault().takeOffline(input.keyId, input.file, { passphrase: input.passphrase });
  return { keyId: offline.id, file: offline.offlineFile ?? input.file };
}
