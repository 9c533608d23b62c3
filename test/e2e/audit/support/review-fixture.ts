// The dashboard's fixture: the audit integration tests' mixed registry (notary, docker trust and
// Countersign-made metadata over images pushed to a real registry, then re-pushed, revoked and expiring),
// plus one repository Countersign's own CLI initialised and signed from the registry's digest. Also the
// CLI's view of the same registry, which the dashboard must agree with.
import assert from 'node:assert/strict';
import type { AuditReport } from '../../../../shared/audit';
import { makeTempDir, removeTempDir } from '../../../stack';
import { countersign, type CliResult } from '../../../integration/inspect/run-countersign';
import { startMixedRegistry, type MixedRegistry } from '../../../integration/audit/support/mixed-registry';

export const COUNTERSIGNED = 'mixed/countersigned';
const PASSPHRASE = 'countersign-audit-e2e';

export interface ReviewFixture {
  mixed: MixedRegistry;
  /** `countersign audit` (and archive, verify-archive) against the fixture, with the stack's CAs. */
  cli(argv: readonly string[]): Promise<CliResult>;
  /** `countersign audit --json` over the whole catalog, parsed, and as printed. */
  cliReport(): Promise<{ report: AuditReport; text: string }>;
  stop(): Promise<void>;
}

export async function startReviewFixture(): Promise<ReviewFixture> {
  const mixed = await startMixedRegistry();
  const home = makeTempDir('audit-e2e-cli');
  const { notary, registry } = mixed;
  const cli = (argv: readonly string[]) =>
    countersign(['--home', home, '--server', notary.url, '--tls-ca', notary.caFile, ...argv], {
      ...process.env,
      COUNTERSIGN_HOME: undefined,
      COUNTERSIGN_PASSPHRASE: PASSPHRASE,
    });
  const ok = async (argv: readonly string[]) => {
    const result = await cli(argv);
    assert.equal(result.code, 0, `countersign ${argv.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  try {
    const gun = `${registry.host}/${COUNTERSIGNED}`;
    await registry.pushImage(COUNTERSIGNED, 'v1');
    await ok(['init', gun]);
    await ok(['sign', `${gun}:v1`, '--registry', registry.url, '--registry-ca', registry.caFile]);
  } catch (error) {
    await mixed.stop();
    throw error;
  }
  return {
    mixed,
    cli,
    async cliReport() {
      const text = await ok(['audit', '--registry', registry.url, '--registry-ca', registry.caFile, '--json']);
      return { report: JSON.parse(text) as AuditReport, text };
    },
    async stop() {
      await mixed.stop();
      await removeTempDir(home);
    },
  };
}

/** The report without the moments it was made at, which differ between any two runs. */
export function timeless(report: AuditReport): unknown {
  return {
    ...report,
    auditedAt: 'T',
    finishedAt: 'T',
    repositories: report.repositories.map(({ verifiedAt, ...repository }) => ({ ...repository, verifiedAt: verifiedAt === undefined ? undefined : 'T' })),
  };
}
