// Runs the test host by hand, to look at the app in any browser without Electron:
//   node scripts/build.mjs --only=renderer && npx tsx test/e2e/host/serve.ts
// Settings and keys live in a throwaway home; docker's config is $DOCKER_CONFIG or ~/.docker.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerConfigDir } from '../../../electron/core/state/home';
import { confBackend } from '../../../electron/core/keys';
import { createServices } from '../../../electron/ipc/wire-services';
import { startTestHost } from './test-host';

const homeDir = process.env['COUNTERSIGN_HOME'] ?? mkdtempSync(join(tmpdir(), 'countersign-host-'));
const services = createServices({
  runtime: 'test-host',
  version: 'dev',
  homeDir,
  dockerConfigDir: dockerConfigDir(),
  settingsBackend: confBackend(homeDir),
});
const host = await startTestHost({ services });
console.log(`Countersign test host: ${host.url}  (home ${homeDir}; Ctrl-C stops it)`);
process.on('SIGINT', () => {
  void host.close().then(() => {
    services.close();
    process.exit(0);
  });
});
