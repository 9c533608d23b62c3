// The test host in a process of its own, with settings and the key index on disk (conf), so that a
// test can kill it in the middle of a flow and start another one on the same home — as a user's app
// would be killed and started again. Prints its URL on the first line of stdout.
//   COUNTERSIGN_HOME=... COUNTERSIGN_RENDERER_DIR=... DOCKER_CONFIG=... node --import tsx child-host.ts
import { confBackend } from '../../../../electron/core/keys';
import { createServices } from '../../../../electron/ipc/wire-services';
import { startTestHost } from '../../host/test-host';

const homeDir = process.env['COUNTERSIGN_HOME'];
const rendererDir = process.env['COUNTERSIGN_RENDERER_DIR'];
const dockerConfigDir = process.env['DOCKER_CONFIG'];
if (homeDir === undefined || rendererDir === undefined || dockerConfigDir === undefined) {
  throw new Error('child-host needs COUNTERSIGN_HOME, COUNTERSIGN_RENDERER_DIR and DOCKER_CONFIG');
}
const services = createServices({ runtime: 'test-host', version: 'test', homeDir, dockerConfigDir, settingsBackend: confBackend(homeDir) });
const host = await startTestHost({ services, rendererDir });
process.stdout.write(`${host.url}\n`);
process.on('SIGTERM', () => {
  void host.close().then(() => {
    services.close();
    process.exit(0);
  });
});
