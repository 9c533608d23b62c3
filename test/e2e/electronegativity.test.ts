// Electronegativity (Doyensec's Electron security scanner) over the main process, the preload and the
// renderer's HTML. Every finding must be fixed, or explained below; an unexplained one fails the test.
// The scanner is a devDependency (node_modules/.bin/electronegativity); ELECTRONEGATIVITY may point
// at another build of it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './host/test-host';

const ELECTRON_VERSION = '45.4.1';

/** Findings that are not problems, keyed "CHECK file", each with the reason. */
const EXPLAINED: Record<string, string> = {
  // The scanner reads only the object literal passed to `new BrowserWindow`; ours comes from
  // secureWebPreferences() (electron/main/web-preferences.ts), which sets contextIsolation, sandbox
  // and disableBlinkFeatures 'Auxclick' and is held to that by test/unit/ipc/main-guards.test.ts.
  'CONTEXT_ISOLATION_JS_CHECK electron/main/window.ts': 'contextIsolation: true in secureWebPreferences()',
  'SANDBOX_JS_CHECK electron/main/window.ts': 'sandbox: true in secureWebPreferences(), and app.enableSandbox() in main.ts',
  'AUXCLICK_JS_CHECK electron/main/window.ts': "disableBlinkFeatures: 'Auxclick' in secureWebPreferences(); window.open is denied anyway",
  // csp-evaluator's generic caution about script-src 'self' (an origin hosting JSONP or uploads
  // could serve scripts). Our 'self' is app://countersign, which serves only the built renderer
  // files (resolveAppAsset); nothing there echoes input or hosts user content.
  'CSP_GLOBAL_CHECK index.html': "script-src 'self' is the app's own bundle origin",
};

function scannerBinary(): string {
  const candidates = [process.env['ELECTRONEGATIVITY'], join(REPO_ROOT, 'node_modules', '.bin', 'electronegativity')];
  const found = candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c));
  if (found === undefined) throw new Error('electronegativity is missing: run npm ci (it is a devDependency)');
  return found;
}

interface Finding {
  check: string;
  file: string;
  location: string;
  sample: string;
}

/** The scanner's CSV: one finding per line, the sample in a quoted field that may hold commas. */
function parseCsv(text: string): Finding[] {
  return text
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const fields = [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1]!.replace(/^"|"$/g, ''));
      return { check: fields[0]!, file: fields[3]!, location: fields[4]!, sample: fields[5]! };
    });
}

/**
 * Scans the main process, the preload and the renderer page together (the global checks, such as
 * CSP and navigation limits, look across all of them), from a copy that leaves node_modules out.
 */
function scanApp(binary: string): Finding[] {
  const work = mkdtempSync(join(tmpdir(), 'countersign-electronegativity-'));
  try {
    for (const part of ['electron/main', 'electron/preload']) cpSync(join(REPO_ROOT, part), join(work, 'app', part), { recursive: true });
    cpSync(join(REPO_ROOT, 'renderer', 'index.html'), join(work, 'app', 'index.html'));
    const csv = join(work, 'findings.csv');
    // The security-fixes check downloads Electron's release list: no network here, and the version is pinned.
    const result = spawnSync(
      binary,
      ['-i', join(work, 'app'), '-e', ELECTRON_VERSION, '-r', '-v', 'false', '-x', 'AvailableSecurityFixesGlobalCheck', '-o', csv],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(result.status, 0, result.stderr || result.stdout);
    return existsSync(csv) ? parseCsv(readFileSync(csv, 'utf8')) : [];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

describe('electronegativity', () => {
  const binary = scannerBinary();

  it('finds nothing unexplained in the main process, the preload and the renderer page', () => {
    const findings = scanApp(binary);
    const unexplained = findings.filter((f) => EXPLAINED[`${f.check} ${f.file}`] === undefined);
    assert.deepEqual(unexplained, [], 'fix these, or explain them in EXPLAINED');
  });
});
