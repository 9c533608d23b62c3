// Where docker keeps its config (config.json, tls/): $DOCKER_CONFIG, else ~/.docker. A module of
// its own, without docker-config.ts's schemas: every command needs the path, few read the file.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.DOCKER_CONFIG;
  return configured !== undefined && configured !== '' ? configured : join(homedir(), '.docker');
}
