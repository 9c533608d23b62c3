// Small helpers shared by the TUF unit tests: refresh a simulated repository, describe the refusal
// a test expects (the error code is the contract, and so is the role it names), keep a temp home.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorCode } from '../../shared/errors';
import type { StoredRepository } from '../../electron/core/state/metadata-cache';
import { refreshRepository, type RefreshOptions, type RefreshResult } from '../../electron/core/tuf/updater';
import type { RepoSimulator, SimFetcher } from './repo-simulator';

export interface SimRefresh {
  fetcher?: SimFetcher;
  stored?: StoredRepository;
  now?: Date;
  acceptFirstRoot?: RefreshOptions['acceptFirstRoot'];
}

/** One refresh of the simulated repository, with a fresh fetcher unless one is given. */
export function refreshSim(sim: RepoSimulator, options: SimRefresh = {}): Promise<RefreshResult> {
  return refreshRepository({
    gun: sim.gun,
    fetcher: options.fetcher ?? sim.fetcher(),
    ...(options.stored ? { stored: options.stored } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.acceptFirstRoot ? { acceptFirstRoot: options.acceptFirstRoot } : {}),
  });
}

/** What assert.rejects should see: a CountersignError with this code, naming this role. */
export function refusal(code: ErrorCode, role?: string): { name: string; code: ErrorCode; role: string | undefined } {
  return { name: 'CountersignError', code, role };
}

/** The code and role a delegation failed with in a refresh, or undefined if it did not fail. */
export function delegationFailure(result: RefreshResult, role: string): { code: ErrorCode; role: string | undefined } | undefined {
  const failure = result.failedDelegations.find((f) => f.role === role);
  return failure && { code: failure.error.code, role: failure.error.role };
}

/** A temp directory for one test, removed by the returned function. */
export function tempDir(label: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `countersign-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function daysFrom(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}
