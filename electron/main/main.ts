// The Electron main process: lifecycle only. Everything it does is delegated to modules that are
// tested without Electron (the router, the handlers, the core, the origin guards).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app } from 'electron';
import Store from 'electron-store';
import { defaultHome, dockerConfigDir } from '../core/state/home';
import { createHandlers } from '../ipc/handlers/index';
import { createRouter } from '../ipc/router';
import { createServices } from '../ipc/wire-services';
import { connectIpc } from './ipc-bridge';
import { registerAppScheme, serveRenderer } from './protocol';
import { dialogFileSaver, dialogPathChooser } from './save-dialog';
import { lockDownWebContents, openMainWindow } from './window';

const here = dirname(fileURLToPath(import.meta.url));
const preloadPath = join(here, '..', 'preload', 'preload.cjs');
const rendererDir = join(here, '..', '..', 'renderer');

app.enableSandbox();
registerAppScheme();

if (!app.requestSingleInstanceLock()) app.quit();

app.on('window-all-closed', () => app.quit());

app.whenReady().then(async () => {
  lockDownWebContents();
  serveRenderer(rendererDir);
  const homeDir = defaultHome();
  const services = createServices({
    runtime: 'electron',
    version: app.getVersion(),
    homeDir,
    dockerConfigDir: dockerConfigDir(),
    settingsBackend: new Store({ name: 'settings', cwd: homeDir }),
    files: dialogFileSaver,
    chooser: dialogPathChooser,
  });
  app.on('will-quit', () => services.close());
  connectIpc(createRouter(createHandlers(services), { onInternalError: (channel, error) => console.error(channel, error) }));
  await openMainWindow(preloadPath);
}).catch((error: unknown) => {
  console.error('Countersign could not start:', error);
  app.exit(1);
});
