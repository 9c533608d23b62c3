// A tiny docker-credential-test executable in a temp dir: a fixture for the helper protocol (stdin in,
// JSON out, "credentials not found" on a miss), put first on PATH for the code under test.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeHelper {
  /** An environment whose PATH finds docker-credential-test first. */
  env: NodeJS.ProcessEnv;
  /** "get <server URL>" for every request the helper answered, in order. */
  requests(): string[];
  dispose(): void;
}

export function installFakeCredentialHelper(store: Record<string, { Username: string; Secret: string }>): FakeHelper {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-cred-helper-'));
  const storeFile = join(dir, 'store.json');
  const logFile = join(dir, 'requests.log');
  writeFileSync(storeFile, JSON.stringify(store));
  const script = `#!/usr/bin/env node
const fs = require('node:fs');
const server = fs.readFileSync(0, 'utf8').trim();
fs.appendFileSync(${JSON.stringify(logFile)}, process.argv[2] + ' ' + server + '\\n');
if (server === 'explode.example') { process.stderr.write('the keychain is locked'); process.exit(1); }
const entry = JSON.parse(fs.readFileSync(${JSON.stringify(storeFile)}, 'utf8'))[server];
if (process.argv[2] !== 'get' || entry === undefined) { process.stdout.write('credentials not found in native keychain\\n'); process.exit(1); }
process.stdout.write(JSON.stringify({ ServerURL: server, ...entry }));
`;
  const program = join(dir, 'docker-credential-test');
  writeFileSync(program, script);
  chmodSync(program, 0o755);
  return {
    env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` },
    requests: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n') : []),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
