// Publishing 1,000 tags in one batch: Countersign beside notary, on a local notary-server, each
// contender on its own repository, rounds alternating, 1,000 new tags per round. Two comparisons:
//   1. publish only: 1,000 changes already staged, time `countersign publish` against `notary publish`
//      (notary's changes are staged with the changelist trick of large-repo.ts, Countersign's through
//      its core API; neither staging is timed). Countersign's time includes re-reading and verifying
//      the repository after the upload; notary's does not do that.
//   2. end to end, each tool's own path: notary `addhash` x1000 (one process each, staged) + `notary
//      publish`, against Countersign staging the batch in one call of its core API + `countersign publish`.
// Countersign signs with keys from the OS keychain: outside a keyring session this re-runs itself
// under scripts/with-keyring.sh (a private, throwaway Secret Service).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openKeyVault } from '../electron/core/keys/vault';
import { noPassphrases } from '../electron/core/keys/passphrase';
import { HttpClient } from '../electron/core/net/http';
import { NotaryClient } from '../electron/core/notary/notary-client';
import type { Change } from '../electron/core/publish/changes';
import { publishStaged } from '../electron/core/publish/publish';
import { vaultSigningKeys } from '../electron/core/publish/signing';
import { stageInit, stagingArea } from '../electron/core/publish/stage';
import { notaryCli, startNotaryServer, type NotaryCli } from '../test/stack';
import { stageTargets, syntheticTargets } from './large-repo';
import { CLI_BIN, CLI_BUNDLE } from './build-info';
import { report, timeCommand, type Measured } from './stats';

const BATCH = 1000;

/** From bench/run.ts: runs the publish benchmark in a keyring session of its own. */
export function runPublishBench(rounds: number): void {
  const result = spawnSync('bash', ['scripts/with-keyring.sh', process.execPath, '--import', 'tsx', 'bench/publish.ts'], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_ROUNDS: String(rounds) },
  });
  if (result.status !== 0) throw new Error(`the publish benchmark failed (exit ${result.status ?? result.signal})`);
}

async function main(rounds: number): Promise<void> {
  const temp = mkdtempSync(join(tmpdir(), 'cs-bench-publish-'));
  const server = await startNotaryServer();
  const http = new HttpClient({ ca: server.caPem });
  try {
    // The bin over the bundle `npm run bench` just built (it needs the repository's node_modules beside it).
    const cli = CLI_BIN;
    if (!existsSync(CLI_BUNDLE)) timeCommand(process.execPath, ['scripts/build.mjs', '--only=cli']);
    const home = join(temp, 'home');
    const vault = openKeyVault({ homeDir: home, passphrases: noPassphrases });
    const notaryServer = new NotaryClient(server.url, http);
    const countersignRepo = async (gun: string) => {
      const target = { home, notary: notaryServer, gun };
      await stageInit({ ...target, vault });
      await publishStaged({ ...target, keys: vaultSigningKeys(vault) });
      return gun;
    };
    const notary = notaryCli({ server: server.url, caFile: server.caFile });
    const notaryRepo = async (gun: string) => {
      await notary.init(gun);
      return gun;
    };
    const stageCountersign = (gun: string, round: number) => stagingArea({ home, notary: notaryServer, gun }).stage(batchOf(round));
    const countersignPublish = (gun: string) =>
      timeCommand(process.execPath, [cli, '--home', home, '--server', server.url, '--tls-ca', server.caFile, 'publish', gun]);
    const notaryPublish = (gun: string) => timeCommand('notary', ['-d', notary.trustDir, '-s', server.url, '--tlscacert', server.caFile, 'publish', gun], notary.env());

    console.log(`\nPublishing ${BATCH} tags in one batch (notary-server at ${server.url}; ${rounds} rounds, alternating)`);
    const publishOnly = { countersign: await countersignRepo('localhost/bench/cs-publish'), notary: await notaryRepo('localhost/bench/notary-publish') };
    const onlyPublish: Measured[] = [{ name: 'notary publish', samples: [] }, { name: 'countersign publish', samples: [] }];
    for (let round = 0; round < rounds; round++) {
      await stageTargets(notary, publishOnly.notary, syntheticTargets('targets', `r${round}-`, BATCH));
      onlyPublish[0]!.samples.push(notaryPublish(publishOnly.notary));
      await stageCountersign(publishOnly.countersign, round);
      onlyPublish[1]!.samples.push(countersignPublish(publishOnly.countersign));
    }
    console.log(report(`1. publish only (${BATCH} changes staged beforehand, staging not timed)`, onlyPublish, 'notary publish'));

    const e2eRounds = Math.min(rounds, 3);
    const endToEnd = { countersign: await countersignRepo('localhost/bench/cs-e2e'), notary: await notaryRepo('localhost/bench/notary-e2e') };
    const bothPaths: Measured[] = [{ name: 'notary addhash x1000 + publish', samples: [] }, { name: 'countersign batch + publish', samples: [] }];
    for (let round = 0; round < e2eRounds; round++) {
      bothPaths[0]!.samples.push(notaryAddhashes(notary, endToEnd.notary, round) + notaryPublish(endToEnd.notary));
      const start = process.hrtime.bigint();
      await stageCountersign(endToEnd.countersign, round);
      bothPaths[1]!.samples.push(Number(process.hrtime.bigint() - start) / 1e6 + countersignPublish(endToEnd.countersign));
    }
    console.log(report(`2. end to end, each tool's own path (${e2eRounds} rounds)`, bothPaths, 'notary addhash x1000 + publish'));
    await checkAllPublished(server.url, http, [...Object.values(publishOnly)], rounds);
    await checkAllPublished(server.url, http, [...Object.values(endToEnd)], e2eRounds);
    await notary.dispose();
  } finally {
    http.close();
    await server.stop();
    rmSync(temp, { recursive: true, force: true });
  }
}

/** Round `round`'s tags, as target-add changes into targets. */
function batchOf(round: number): Change[] {
  return syntheticTargets('targets', `r${round}-`, BATCH).map((t) => ({
    kind: 'target-add',
    role: 'targets',
    name: t.tag,
    meta: { length: t.size, hashes: { sha256: Buffer.from(t.sha256hex, 'hex').toString('base64') } },
  }));
}

/** notary's own path: one `notary addhash` process per tag, staged (no -p). Returns their total ms. */
function notaryAddhashes(notary: NotaryCli, gun: string, round: number): number {
  let total = 0;
  for (const t of syntheticTargets('targets', `r${round}-`, BATCH)) {
    total += timeCommand('notary', ['-d', notary.trustDir, '-s', notary.server, '--tlscacert', notary.caFile, 'addhash', gun, t.tag, String(t.size), '--sha256', t.sha256hex], notary.env());
  }
  return total;
}

/** Both contenders really published every tag (a benchmark of failures would be worthless). */
async function checkAllPublished(serverUrl: string, http: HttpClient, guns: string[], rounds: number): Promise<void> {
  for (const gun of guns) {
    const response = await http.request(`${serverUrl}/v2/${gun}/_trust/tuf/targets.json`, { maxBytes: 64 * 1024 * 1024 });
    const count = Object.keys((JSON.parse(response.body.toString('utf8')) as { signed: { targets: object } }).signed.targets).length;
    if (count !== rounds * BATCH) throw new Error(`${gun} has ${count} targets, expected ${rounds * BATCH}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(Number(process.env['BENCH_ROUNDS'] ?? 5)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
