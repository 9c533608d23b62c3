// Starts the CLI bundle (dist/cli/countersign.cjs) from V8's code cache.
//
// Node 20 has no compile cache of its own (module.enableCompileCache came with Node 22), and
// compiling the 1 MB bundle costs more than everything a warm `inspect` does after it. So the
// bundle is compiled here with vm.Script and the cached data that an earlier run of the same
// command left beside it. V8 checks that data against its own version, its flags and the source,
// and rejects what does not fit; the bundle is then compiled as usual and the run that did so
// leaves fresh data for the next one. The cache lives in the bundle's own folder, so it is exactly
// as trusted as the code beside it, and a build (which removes that folder) drops it.
//
// Built on its own (dist/cli/launch.cjs) and kept free of the CLI's modules: it runs before them.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { commandWords } from './args';
import type { StartHooks } from './start';

interface Bundle {
  start(hooks: StartHooks): void;
}

/** Runs the bundle's start() for this process's argv, compiled from the command's code cache when there is one. */
export function launch(bundleFile: string, argv: readonly string[] = process.argv.slice(2)): void {
  // The bundle is ASCII (scripts/build.mjs asks esbuild for it): latin1 reads it as it is.
  const source = readFileSync(bundleFile, 'latin1');
  const name = cacheNameOf(argv);
  const cacheFile = name === undefined ? undefined : codeCacheFile(bundleFile, name);
  const cachedData = cacheFile === undefined ? undefined : readIfThere(cacheFile);
  const script = new Script(Module.wrap(source), { filename: bundleFile, ...(cachedData ? { cachedData } : {}) });
  const bundle = { exports: {} as Partial<Bundle> };
  const run = script.runInThisContext() as (exports: object, require: NodeRequire, module: object, filename: string, dirname: string) => void;
  run(bundle.exports, createRequire(bundleFile), bundle, bundleFile, dirname(bundleFile));
  if (typeof bundle.exports.start !== 'function') throw new Error(`${bundleFile} exports no start(): rebuild it with npm run build`);
  const fresh = cachedData === undefined || script.cachedDataRejected === true;
  let ran: string | undefined;
  bundle.exports.start({ onCommand: (name) => void (ran = name) });
  if (!fresh || cacheFile === undefined) return;
  // Only a command that ran to success and is the one the cache was chosen for: its functions are
  // the ones compiled, and a word that named no command leaves nothing behind.
  process.once('exit', (code) => {
    if (code === 0 && cacheName(ran ?? HELP) === name) writeCodeCache(cacheFile, script);
  });
}

/**
 * `<bundle dir>/code-cache/<name>.<size>.<mtime>.bin`: size and time tie the data to this very
 * bundle file even if it was replaced in place.
 */
function codeCacheFile(bundleFile: string, name: string): string {
  const { size, mtimeMs } = statSync(bundleFile);
  return join(dirname(bundleFile), 'code-cache', `${name}.${size}.${Math.trunc(mtimeMs)}.bin`);
}

/** The general help, which runs no command. */
const HELP = 'help';

/** The first command word ("key" of "key generate"), when it can be a command's: lower-case letters only. */
export function cacheNameOf(argv: readonly string[]): string | undefined {
  const first = commandWords(argv)[0];
  return first === undefined ? HELP : cacheName(first);
}

function cacheName(command: string): string | undefined {
  const group = command.split(' ')[0]!;
  return /^[a-z]{1,32}$/.test(group) ? group : undefined;
}

function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Never fails the command: a folder it may not write (an install owned by root) just means compiling each time. */
function writeCodeCache(file: string, script: Script): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, file);
  } catch {
    // no cache, no harm
  }
}
