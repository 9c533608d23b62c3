// What the `countersign key ...` CLI tests share: a real notary-server, a docker trust client, and a
// Countersign home whose exports use docker's repository passphrase (so `docker trust key load` takes
// them as they are). Call inside before(); dispose in after().
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dockerTrust, type DockerTrust } from '../../../stack/docker-trust';
import { startNotaryServer, type NotaryServer } from '../../../stack/notary-server';
import { makeTempDir, removeTempDir } from '../../../stack/process';
import { countersign, type CliResult } from '../../inspect/run-countersign';
import { requireKeyringSession } from './vault-fixture';

export interface KeyCliWorld {
  server: NotaryServer;
  docker: DockerTrust;
  work: string;
  env: NodeJS.ProcessEnv;
  run(argv: readonly string[]): Promise<CliResult>;
  /** Runs and fails the test unless it exits 0; returns stdout. */
  ok(argv: readonly string[]): Promise<string>;
  dispose(): Promise<void>;
}

export async function startKeyCliWorld(label: string): Promise<KeyCliWorld> {
  requireKeyringSession();
  const server = await startNotaryServer();
  const docker = await dockerTrust({ server: server.url, caFile: server.caFile });
  const work = makeTempDir(label);
  const env = { ...process.env, COUNTERSIGN_HOME: join(work, 'home'), COUNTERSIGN_PASSPHRASE: docker.env()['DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE'] };
  const run = (argv: readonly string[]) => countersign(argv, env);
  return {
    server,
    docker,
    work,
    env,
    run,
    async ok(argv) {
      const result = await run(argv);
      assert.equal(result.code, 0, `countersign ${argv.join(' ')} failed: ${result.stderr}`);
      return result.stdout;
    },
    async dispose() {
      await docker.dispose();
      await server.stop();
      await removeTempDir(work);
    },
  };
}
