// What the bench times: every figure names the build it ran, so a number from the TypeScript
// fallback (tsx) is never mistaken for the bundle's, nor a stale bundle for the current sources.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const CLI_BUNDLE = join(process.cwd(), 'dist', 'cli', 'countersign.cjs');
/** What the bench times: the bin that `npx countersign` runs (without npx's own start-up). */
export const CLI_BIN = join(process.cwd(), 'bin', 'countersign.cjs');

/** Options a bench run was started with: `npm run bench -- --quick` (or BENCH_QUICK=1) for a reduced run. */
export const QUICK = process.argv.includes('--quick') || process.env['BENCH_QUICK'] === '1';

/** Sizes: the full run's, or the reduced run's (which says so in every title). */
export function size(full: number, quick: number, env?: string): number {
  const given = env === undefined ? undefined : process.env[env];
  return given !== undefined ? Number(given) : QUICK ? quick : full;
}

/** "bin/countersign.cjs, bundle dist/cli/countersign.cjs (esbuild, one CommonJS file, ...; built 14:31 UTC from 1a2b3c4)". */
export function describeBuild(): string {
  if (!existsSync(CLI_BUNDLE)) throw new Error(`no CLI bundle at ${CLI_BUNDLE}: the bench times the bundle (npm run build)`);
  const built = statSync(CLI_BUNDLE).mtime;
  let commit = 'unknown commit';
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    commit = `${head}${dirty ? ' + uncommitted changes' : ''}`;
  } catch {
    // not a git checkout: the build time alone must do
  }
  const when = `built ${built.toISOString().slice(0, 16).replace('T', ' ')} UTC from ${commit}`;
  return `bin/countersign.cjs running the bundle dist/cli/countersign.cjs (esbuild, one CommonJS file, compiled from the V8 code cache its first run of each command leaves; ${when}), by node ${process.version}`;
}
