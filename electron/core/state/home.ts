// Where Countersign keeps its state: --home, else $COUNTERSIGN_HOME, else the desktop app's data
// directory (what Electron's app.getPath('userData') gives for the app name "Countersign"), so the CLI
// and the app share keys index, pins and cache.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_NAME = 'Countersign';

export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env['COUNTERSIGN_HOME']) return env['COUNTERSIGN_HOME'];
  const home = env['HOME'] ?? homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), APP_NAME);
  return join(env['XDG_CONFIG_HOME'] ?? join(home, '.config'), APP_NAME);
}

/** Docker's config dir has one owner: the registry module, which also reads its credentials. */
export { dockerConfigDir } from '../registry/docker-config-dir';

/** The server's folder name under the home: the naming rules own it. */
export { serverKey } from '../../../shared/names';
