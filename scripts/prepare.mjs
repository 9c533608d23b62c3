// npm's `prepare` step (npm ci and npm install run it after installing): builds the CLI bundle, so
// that `npx countersign` runs dist/cli/countersign.cjs and never the TypeScript fallback. An install
// without devDependencies (--omit=dev) has no esbuild: that is not an install failure, the fallback
// then says how to build.
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
try {
  createRequire(join(root, 'package.json')).resolve('esbuild');
} catch {
  console.warn('countersign: esbuild is not installed (devDependencies omitted); the CLI bundle was not built (run: npm run build)');
  process.exit(0);
}
const result = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--only=cli'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
