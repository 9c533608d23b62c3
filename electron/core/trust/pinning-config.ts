// The trust pinning a user configures, in notary's own trust_pinning shape, read from
// <home>/trust-pinning.json so that the CLI, the app, the audit and archives all honour it:
//
//   { "certs": { "example.com/app": ["<root certificate key ID>"] },
//     "ca": { "example.com/": "/path/to/ca.pem" },
//     "disable_tofu": true }
//
// CA paths are relative to the home dir unless absolute (notary reads them relative to its config).
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { KEY_ID_PATTERN } from '../../../shared/names';
import { CountersignError } from '../../../shared/errors';
import type { TrustPinning } from './pinning';

export const PINNING_FILE = 'trust-pinning.json';

const pinningFileSchema = z.strictObject({
  certs: z.record(z.string(), z.array(z.string().regex(KEY_ID_PATTERN, 'a hex SHA-256 key ID'))).optional(),
  ca: z.record(z.string(), z.string().min(1)).optional(),
  disable_tofu: z.boolean().optional(),
});

/** undefined when there is no file (trust on first use); a broken file is an error, never ignored. */
export async function readTrustPinning(home: string): Promise<TrustPinning | undefined> {
  const path = join(home, PINNING_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CountersignError('config-invalid', `cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: z.infer<typeof pinningFileSchema>;
  try {
    const result = pinningFileSchema.safeParse(JSON.parse(text));
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new Error(`${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}`);
    }
    parsed = result.data;
  } catch (error) {
    // Silently falling back to trust on first use would defeat the point of pinning.
    throw new CountersignError('config-invalid', `${path} is not valid trust pinning: ${(error as Error).message}`);
  }
  const pinning: TrustPinning = {};
  if (parsed.certs) pinning.certs = parsed.certs;
  if (parsed.disable_tofu !== undefined) pinning.disableTofu = parsed.disable_tofu;
  if (parsed.ca) {
    pinning.ca = {};
    for (const [prefix, file] of Object.entries(parsed.ca)) {
      const caPath = isAbsolute(file) ? file : join(home, file);
      pinning.ca[prefix] = await readFile(caPath, 'utf8').catch((error: Error) => {
        throw new CountersignError('config-invalid', `${path}: cannot read the CA for "${prefix}" at ${caPath}: ${error.message}`);
      });
    }
  }
  return pinning;
}
