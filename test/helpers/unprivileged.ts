// File permissions mean nothing to root, and CI runs as root: a test of what happens on a read-only
// home or an unreadable folder runs its file system work in a child process as an unprivileged user
// (nobody) when this process is root, and as this user otherwise. The child is one of the small
// scripts in ./unprivileged/, which prints its result as one line of JSON.
import { spawn } from 'node:child_process';
import { chown, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NOBODY = 65534;
const isRoot = () => process.getuid?.() === 0;

/** Hands `paths` to the user the child runs as (a no-op unless this process is root). */
export async function ownForChild(...paths: string[]): Promise<void> {
  if (!isRoot()) return;
  for (const path of paths) await chown(path, NOBODY, NOBODY);
}

/** Runs ./unprivileged/<script>.ts with `args` and returns the JSON it printed. */
export async function runUnprivileged<T>(script: string, args: readonly string[]): Promise<T> {
  const home = await mkdtemp(join(tmpdir(), 'countersign-unprivileged-'));
  await ownForChild(home);
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'unprivileged', `${script}.ts`), ...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: home, TMPDIR: home },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(isRoot() ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number>((resolve) => child.once('exit', (exit) => resolve(exit ?? -1)));
  if (code !== 0) throw new Error(`${script} exited ${code}: ${stderr}`);
  return JSON.parse(stdout) as T;
}
