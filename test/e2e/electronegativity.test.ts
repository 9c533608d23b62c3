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
}

/**
 * The scanner's SARIF report. (Its CSV writer races: the header is written with a separate async
 * writeFile that can land after the findings and overwrite the start of the first one.)
 */
interface Sarif {
  runs: { results: { ruleId: string; locations?: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine?: number; startColumn?: number } } }[] }[] }[];
}

function parseSarif(text: string): Finding[] {
  const sarif = JSON.parse(text) as Sarif;
  return sarif.runs.flatMap((run) =>
    run.results.map((result) => {
      const location = result.locations?.[0]?.physicalLocation;
      return {
        check: result.ruleId,
        file: location?.artifactLocation.uri ?? '',
        location: `${location?.region?.startLine ?? 0}:${location?.region?.startColumn ?? 0}`,
      };
    }),
  );
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
    const report = join(work, 'findings.sarif');
    // The security-fixes check downloads Electron's release list: no network here, and the version is pinned.
    const result = spawnSync(
      binary,
      ['-i', join(work, 'app'), '-e', ELECTRON_VERSION, '-r', '-v', 'false', '-x', 'AvailableSecurityFixesGlobalCheck', '-o', report],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(result.status, 0, result.stderr || result.stdout);
    return existsSync(report) ? parseSarif(readFileSync(report, 'utf8')) : [];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

describe('electronegativity', () => {
  const binary = scannerBinary();

  it('finds nothing unexplained in the main process, the preload and the renderer page', () => {
    const findings = scanApp(binary);
    // The global CSP check always reports on a page with a CSP: no findings at all means no scan happened.
    assert.ok(findings.some((f) => f.check === 'CSP_GLOBAL_CHECK'), 'the scanner read the page and its CSP');
    const unexplained = findings.filter((f) => EXPLAINED[`${f.check} ${f.file}`] === undefined);
    assert.deepEqual(unexplained, [], 'fix these, or explain them in EXPLAINED');
  });
});
