// `npm run bench`, the exit ramp: carrying 500 DCT-signed tags (100 repositories x 5 tags, built as
// bench/audit.ts builds its fixture) over to cosign signatures on a local registry and notary-server.
// Times the audit and plan, the first run (every signature written and read back), and a second run
// (nothing to write: one signature manifest read per image). No cosign binary exists to compare
// with, so this reports times only. The key is made in memory: the keychain is not what is measured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditRegistry, RetryingHttpClient } from '../electron/core/audit';
import { cosignPublicKeyPem, planMigration, runMigration } from '../electron/core/migrate';
import { NotaryClient } from '../electron/core/notary/notary-client';
import { RegistryClient } from '../electron/core/registry';
import { memorySigner } from '../test/helpers/memory-signer';
import { startNotaryServer, startRegistry, type Registry } from '../test/stack';
import { pushImages, seconds, signAll } from './audit';

const REPOSITORIES = Number(process.env['BENCH_MIGRATE_REPOSITORIES'] ?? 100);
/** Tags per repository, as the audit benchmark pushes them. */
const TAGS_PER_REPOSITORY = 5;

/** Never throws: a failure here is reported without hiding the other benchmarks' results. */
export async function benchMigrate(): Promise<void> {
  try {
    await run();
  } catch (error) {
    console.error('\nbench/migrate failed:', error);
    process.exitCode = 1;
  }
}

async function run(): Promise<void> {
  const notary = await startNotaryServer();
  const home = mkdtempSync(join(tmpdir(), 'cs-bench-migrate-'));
  let registry: Registry | undefined;
  const http = new RetryingHttpClient({ ca: notary.caPem, maxSockets: 32 });
  try {
    registry = await startRegistry({ ca: notary.ca });
    const repositories = Array.from({ length: REPOSITORIES }, (_, i) => `bench/migrate-${String(i).padStart(4, '0')}`);
    let started = Date.now();
    const pushed = await pushImages(registry, repositories, TAGS_PER_REPOSITORY);
    await signAll(notary, registry.host, repositories, pushed);
    const tags = pushed.reduce((sum, list) => sum + list.length, 0);
    console.log(`\nMigration benchmark: ${repositories.length} repositories, ${tags} DCT-signed tags (fixture built in ${seconds(started)})`);

    const client = new RegistryClient({ url: registry.url, http });
    const signer = memorySigner('bench');
    const key = { keyId: signer.id, publicKeyPem: cosignPublicKeyPem(signer.publicKey) };
    const plan = async () => planMigration(await auditRegistry({ registry: client, notary: new NotaryClient(notary.url, http), home, repositories }), key);

    started = Date.now();
    const first = await plan();
    console.log(`  audit + plan: ${seconds(started)} (${first.sign.length} to sign, ${first.skipped.length} skipped)`);
    started = Date.now();
    const written = await runMigration({ plan: first, registry: client, signer });
    console.log(`  first run, every signature written and read back: ${seconds(started)} (${JSON.stringify(written.counts)})`);
    started = Date.now();
    const again = await runMigration({ plan: await plan(), registry: client, signer });
    console.log(`  second run (audit + plan + check, nothing written): ${seconds(started)} (${JSON.stringify(again.counts)})`);
    if (written.counts.signed !== tags || again.counts['already-signed'] !== tags) throw new Error('the migration did not sign every tag exactly once');
  } finally {
    http.close();
    await registry?.stop();
    await notary.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('migrate.ts')) await benchMigrate();
