// One writer at a time for a home's key vault, across processes (the app and any number of CLI runs)
// and within one (parallel IPC calls). The lock is a file created exclusively (O_EXCL) that names
// its owner's pid and host; a lock whose owner is gone (kill -9, power loss) is broken and taken.
//
// Breaking a stale lock is a rename, which only one process can win for a given file; the winner
// checks it renamed exactly the stale lock it looked at (not a fresh one made meanwhile) and puts a
// fresh one back if it did not. A pid reused by an unrelated process keeps the lock "held": the
// waiter then gives up with `busy`, naming the file to delete.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CountersignError } from '../../../shared/errors';
import { fileStep, fileSystemError as fsError } from '../state/fs-errors';

export const LOCK_FILE = 'keys.lock';

export interface LockOptions {
  /** How long to wait for another holder (default 30 s). */
  waitMs?: number;
  signal?: AbortSignal;
}

interface Owner {
  pid: number;
  host: string;
  token: string;
  at: string;
}

/** Operations of this process on one lock file run one after another. */
const inProcess = new Map<string, Promise<unknown>>();

/** Runs `work` while holding the lock at `path`; the lock is released however `work` ends. */
export async function withVaultLock<T>(path: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const previous = inProcess.get(path) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(async () => {
    const token = await acquire(path, options);
    try {
      return await work();
    } finally {
      await release(path, token);
    }
  });
  const tail = run.catch(() => undefined);
  inProcess.set(path, tail);
  void tail.then(() => {
    if (inProcess.get(path) === tail) inProcess.delete(path);
  });
  return run;
}

async function acquire(path: string, options: LockOptions): Promise<string> {
  const token = randomBytes(8).toString('hex');
  const owner: Owner = { pid: process.pid, host: hostname(), token, at: new Date().toISOString() };
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  await fileStep(dirname(path), () => mkdir(dirname(path), { recursive: true, mode: 0o700 }));
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw new CountersignError('cancelled', 'Cancelled while waiting for the key vault; nothing was changed.');
    if (await tryCreate(path, owner)) {
      inProcessTokens.add(token);
      return token;
    }
    const holder = await readOwner(path);
    if (holder !== 'gone' && (await isStale(path, holder))) {
      await breakStale(path, holder);
      continue;
    }
    if (Date.now() > deadline) {
      const who = holder === 'gone' || holder === 'unreadable' ? 'another process' : `process ${holder.pid} on ${holder.host}`;
      throw new CountersignError('busy', `The key vault is in use by ${who} (lock file ${path}). If no Countersign is running, delete that file.`);
    }
    await sleep(Math.min(5 + attempt * 5, 100) + Math.random() * 10);
  }
}

async function tryCreate(path: string, owner: Owner): Promise<boolean> {
  // Written to a private file first and linked into place: the lock appears with its content, so a
  // reader never sees an empty lock from a live owner.
  const temp = `${path}.${owner.token}.new`;
  await fileStep(temp, async () => {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(owner));
    } finally {
      await handle.close();
    }
  });
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fsError(error, path);
  } finally {
    await rm(temp, { force: true });
  }
}

async function readOwner(path: string): Promise<Owner | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw fsError(error, path);
  }
  try {
    const parsed = JSON.parse(text) as Partial<Owner>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.token === 'string') {
      return { pid: parsed.pid, host: parsed.host, token: parsed.token, at: String(parsed.at) };
    }
  } catch {
    // fall through
  }
  return 'unreadable';
}

/** A lock is stale when its owner process is gone (same host), or it is unreadable and old. */
async function isStale(path: string, holder: Owner | 'unreadable'): Promise<boolean> {
  if (holder === 'unreadable') {
    // Only an older version or a damaged disk writes such a lock; give it a minute.
    const info = await stat(path).catch(() => undefined);
    return info !== undefined && Date.now() - info.mtimeMs > 60_000;
  }
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return !inProcessTokens.has(holder.token);
  return !isAlive(holder.pid);
}

/** Tokens of locks this process holds now: a lock naming our pid with another token is a leftover of ours. */
const inProcessTokens = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function breakStale(path: string, holder: Owner | 'unreadable'): Promise<void> {
  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else broke it first
    throw fsError(error, path);
  }
  const moved = await readOwner(aside);
  const sameStale = holder === 'unreadable' ? moved === 'unreadable' : moved !== 'gone' && moved !== 'unreadable' && moved.token === holder.token;
  if (!sameStale && moved !== 'gone') {
    // We moved a live owner's fresh lock: put it back (unless a third process took the free slot,
    // in which case that one wins and the owner we displaced is told nothing: a narrow window).
    await link(aside, path).catch(() => undefined);
  }
  await rm(aside, { force: true });
}

async function release(path: string, token: string): Promise<void> {
  inProcessTokens.delete(token);
  const holder = await readOwner(path).catch(() => 'gone' as const);
  if (holder !== 'gone' && holder !== 'unreadable' && holder.token === token) await rm(path, { force: true });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

