// `npm run bench`: Countersign beside the reference tools, in one run, on a local notary-server.
// Reports medians of alternating runs and ratios; never a pass/fail timing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerTrust, startNotaryServer } from '../test/stack';
import { HttpClient } from '../electron/core/net/http';
import { NotaryClient } from '../electron/core/notary/notary-client';
import { loadRepository } from '../electron/core/trust/load-repository';
import { benchAudit } from './audit';
import { benchMigrate } from './migrate';
import { stageTargets, syntheticTargets } from './large-repo';
import { runPublishBench } from './publish';
import { alternate, report, timeCommand } from './stats';
import { benchRenderer } from './renderer';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const GUN = 'localhost/bench/large';
const CLI = join(process.cwd(), 'dist', 'cli', 'countersign.js');

async function main(): Promise<void> {
  const server = await startNotaryServer();
  const temps: string[] = [];
  const temp = (label: string) => {
    const dir = mkdtempSync(join(tmpdir(), `cs-bench-${label}-`));
    temps.push(dir);
    return dir;
  };
  try {
    console.log(`notary-server at ${server.url}; building ${GUN}: 10,000 targets + 10 delegations x 500 targets ...`);
    const docker = await dockerTrust({ server: server.url, caFile: server.caFile });
    const signer = await docker.keyGenerate('bench');
    const notary = docker.notary();
    await notary.init(GUN);
    for (let d = 0; d < 10; d++) {
      await notary.delegationAdd(GUN, `targets/d${d}`, [signer.publicKeyFile], { allPaths: true }, { publish: false });
    }
    const staged = syntheticTargets('targets', 'v', 10_000);
    for (let d = 0; d < 10; d++) staged.push(...syntheticTargets(`targets/d${d}`, `d${d}-`, 500));
    await stageTargets(notary, GUN, staged);
    await notary.publish(GUN);

    const warmHome = temp('warm');
    const cliArgs = (home: string) => [CLI, '--home', home, '--server', server.url, '--tls-ca', server.caFile, 'inspect', GUN];
    timeCommand(process.execPath, cliArgs(warmHome)); // first use pins the root and fills the cache
    const measured = alternate(ROUNDS, [
      { name: 'notary list (fresh trust dir)', run: () => timeCommand('notary', ['-d', temp('notary'), '-s', server.url, '--tlscacert', server.caFile, 'list', GUN], notary.env()) },
      { name: 'countersign inspect (cold: fresh home)', run: () => timeCommand(process.execPath, cliArgs(temp('cold'))) },
      { name: 'countersign inspect (warm: unchanged repo)', run: () => timeCommand(process.execPath, cliArgs(warmHome)) },
    ]);
    console.log(report(`Reading ${GUN} (${ROUNDS} rounds, alternating)`, measured, 'notary list (fresh trust dir)'));

    const http = new HttpClient({ ca: server.caPem });
    const client = new NotaryClient(server.url, http);
    const warm = await loadRepository({ home: warmHome, server: server.url, gun: GUN, fetcher: client.fetcher(GUN) });
    http.close();
    console.log(`warm refresh of the unchanged repository: ${warm.downloads} request(s); ${warm.view.signedTags.length} signed tags verified`);
    await docker.dispose();
  } finally {
    await server.stop();
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  }
  runPublishBench(ROUNDS);
  await benchAudit();
  await benchMigrate();
  await benchRenderer(ROUNDS).catch((error: unknown) => console.error('renderer bench failed:', error));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
