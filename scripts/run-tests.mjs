// Runs every *.test.ts / *.test.tsx under the given folders with node's own test runner (through tsx),
// because Node 20's `--test` does not expand globs itself.
//
// With --keyring, each file runs in a private Secret Service session of its own
// (scripts/with-keyring.sh: a fresh bus and gnome-keyring-daemon), one file after another, and the
// totals of all files are printed at the end. gnome-keyring 42 keeps ~0.5 kB of locked memory and
// ~10 kB of heap for every Secret Service session it ever opened (each keychain call of
// @napi-rs/keyring or secret-tool opens one), and after some thousands it hangs or dies (a trap in
// GLib, seen in dmesg); a whole `npm test` in one session got there now and then. A daemon per file
// starts from nothing every time.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const keyringPerFile = args.includes('--keyring');
const roots = args.filter((a) => !a.startsWith('--'));
const passThrough = args.filter((a) => a.startsWith('--') && a !== '--keyring');

function collect(dir) {
  let out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(collect(path));
    else if (/\.test\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

const files = roots.flatMap((r) => (statSync(r).isDirectory() ? collect(r) : [r]));
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}
const testArgs = (selected) => ['--import', 'tsx', '--test', '--test-reporter=spec', ...passThrough, ...selected];

if (!keyringPerFile) {
  const result = spawnSync(process.execPath, testArgs(files), { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

const withKeyring = join(import.meta.dirname, 'with-keyring.sh');
// Outside any session of a caller's: every file gets a daemon of its own.
const env = { ...process.env };
delete env['COUNTERSIGN_KEYRING_SESSION'];

/** Runs one file in its own session, passing its output through; its exit status and node's counts. */
function runFile(file) {
  return new Promise((resolve) => {
    const child = spawn('bash', [withKeyring, process.execPath, ...testArgs([file])], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      text += chunk.toString();
    });
    child.on('close', (code, signal) => {
      const counts = {};
      for (const match of text.matchAll(/^ℹ (tests|suites|pass|fail|cancelled|skipped|todo) (\d+)$/gm)) counts[match[1]] = Number(match[2]);
      resolve({ code: code ?? (signal ? 1 : 0), counts });
    });
  });
}

const started = Date.now();
const totals = { tests: 0, suites: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
const failedFiles = [];
for (const file of files) {
  const { code, counts } = await runFile(file);
  for (const name of Object.keys(totals)) totals[name] += counts[name] ?? 0;
  if (code !== 0) failedFiles.push(file);
}
console.log(`\n== all ${files.length} files, each with a Secret Service of its own`);
for (const [name, count] of Object.entries(totals)) console.log(`ℹ ${name} ${count}`);
console.log(`ℹ duration_ms ${Date.now() - started}`);
if (failedFiles.length > 0) {
  console.log('\n✖ failing test files:');
  for (const file of failedFiles) console.log(`✖ ${file}`);
}
process.exit(failedFiles.length === 0 ? 0 : 1);
