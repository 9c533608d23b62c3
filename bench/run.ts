// `npm run bench`: Countersign beside the reference tools, in one run, on a local notary-server.
// Reports medians of alternating runs and ratios; never a pass/fail timing. Every figure names the
// build it timed (bench/build-info.ts). `npm run bench -- --quick` is a reduced run for checking the
// bench itself: smaller repositories, fewer rounds, no publish or renderer part.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerTrust, startNotaryServer } from '../test/stack';
import { HttpClient } from '../electron/core/net/http';
import { NotaryClient } from '../electron/core/notary/notary-client';
import { loadRepository } from '../electron/core/trust/load-repository';
import { benchAudit } from './audit';
import { benchMigrate } from './migrate';
import { stageTargets, syntheticTargets } from './large-repo';
import { runPublishBench } from './publish';
import { CLI_BIN, describeBuild, QUICK, size } from './build-info';
import { alternate, median, report, timeCommand } from './stats';
import { benchRenderer } from './renderer';

const ROUNDS = size(5, 3, 'BENCH_ROUNDS');
const TARGETS = size(10_000, 2_000, 'BENCH_TARGETS');
const DELEGATIONS = 10;
const DELEGATION_TARGETS = size(500, 100, 'BENCH_DELEGATION_TARGETS');
const GUN = 'localhost/bench/large';
const CLI = CLI_BIN;
/** `npm run bench -- --only=audit`: the audit part alone (its fixture takes minutes; the rest is not needed to time it). */
const AUDIT_ONLY = process.argv.includes('--only=audit');

async function main(): Promise<void> {
  const build = describeBuild();
  console.log(machineLoad('before the bench'));
  console.log(`Timing the ${build}${QUICK ? '\nREDUCED RUN (--quick): sizes and rounds below are not the full bench' : ''}`);
  if (AUDIT_ONLY) {
    await benchAudit(build);
    return;
  }
  benchHelp(build);
  const server = await startNotaryServer();
  const temps: string[] = [];
  const temp = (label: string) => {
    const dir = mkdtempSync(join(tmpdir(), `cs-bench-${label}-`));
    temps.push(dir);
    return dir;
  };
  try {
    console.log(`notary-server at ${server.url}; building ${GUN}: ${TARGETS} targets + ${DELEGATIONS} delegations x ${DELEGATION_TARGETS} targets ...`);
    const docker = await dockerTrust({ server: server.url, caFile: server.caFile });
    const signer = await docker.keyGenerate('bench');
    const notary = docker.notary();
    await notary.init(GUN);
    for (let d = 0; d < DELEGATIONS; d++) {
      await notary.delegationAdd(GUN, `targets/d${d}`, [signer.publicKeyFile], { allPaths: true }, { publish: false });
    }
    const staged = syntheticTargets('targets', 'v', TARGETS);
    for (let d = 0; d < DELEGATIONS; d++) staged.push(...syntheticTargets(`targets/d${d}`, `d${d}-`, DELEGATION_TARGETS));
    await stageTargets(notary, GUN, staged);
    await notary.publish(GUN);

    const warmHome = temp('warm');
    const warmTrustDir = temp('notary-warm');
    const cliArgs = (home: string) => [CLI, '--home', home, '--server', server.url, '--tls-ca', server.caFile, 'inspect', GUN];
    const notaryArgs = (trustDir: string) => ['-d', trustDir, '-s', server.url, '--tlscacert', server.caFile, 'list', GUN];
    timeCommand(process.execPath, cliArgs(warmHome)); // first use pins the root and fills the cache
    timeCommand('notary', notaryArgs(warmTrustDir), notary.env()); // notary's own cache, for its warm run
    const NOTARY_COLD = 'notary list (fresh trust dir)';
    const NOTARY_WARM = 'notary list (warm trust dir)';
    const COLD = 'countersign inspect (cold: fresh home)';
    const WARM = 'countersign inspect (warm: unchanged repo)';
    const measured = alternate(ROUNDS, [
      { name: NOTARY_COLD, run: () => timeCommand('notary', notaryArgs(temp('notary')), notary.env()) },
      { name: NOTARY_WARM, run: () => timeCommand('notary', notaryArgs(warmTrustDir), notary.env()) },
      { name: COLD, run: () => timeCommand(process.execPath, cliArgs(temp('cold'))) },
      { name: WARM, run: () => timeCommand(process.execPath, cliArgs(warmHome)) },
    ]);
    console.log(report(`Reading ${GUN} (${ROUNDS} rounds, alternating; countersign = the ${build})`, measured, NOTARY_COLD));
    const med = (name: string) => median(measured.find((m) => m.name === name)!.samples);
    console.log(`\nIssue 14's figures (medians of wall time; countersign = the ${build}):`);
    console.log(goalLine('cold: countersign inspect (fresh home) / notary list (fresh trust dir)', med(COLD) / med(NOTARY_COLD), 0.6));
    console.log(goalLine('warm: countersign inspect (unchanged repo) / notary list (warm trust dir)', med(WARM) / med(NOTARY_WARM), 0.3));
    console.log(machineLoad());

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
  await benchAudit(build);
  if (QUICK) return;
  runPublishBench(ROUNDS);
  await benchMigrate();
  await benchRenderer(ROUNDS).catch((error: unknown) => console.error('renderer bench failed:', error));
}

function goalLine(what: string, ratio: number, goal: number): string {
  return `  ${what}: ${ratio.toFixed(2)}x (goal <= ${goal.toFixed(2)}x: ${ratio <= goal ? 'met' : 'not met'})`;
}

/** Ratios from a shared machine are only comparable with its load beside them. */
function machineLoad(when = 'at the end of these rounds'): string {
  const [one, five] = loadavg();
  return `  machine: ${cpus().length} cores, load average ${one!.toFixed(1)} (1 min) / ${five!.toFixed(1)} (5 min) ${when}`;
}

/** Start-up alone: `--help` evaluates none of the commands' modules. */
function benchHelp(build: string): void {
  const NODE = 'node -e 0';
  timeCommand(process.execPath, [CLI, '--help']); // the first run leaves --help's code cache
  const measured = alternate(ROUNDS * 4, [
    { name: NODE, run: () => timeCommand(process.execPath, ['-e', '0']) },
    { name: 'countersign --help', run: () => timeCommand(process.execPath, [CLI, '--help']) },
  ]);
  console.log(report(`Start-up (${ROUNDS * 4} rounds, alternating; the ${build}; goal: --help within 1.3x of node -e 0)`, measured, NODE));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
