// `countersign migrate`: carry verified Docker Content Trust over to cosign signatures. It audits the
// registry first (the same rules as `countersign audit`), plans exactly the tags DCT vouches for,
// prints the plan, then signs them with a vault key as cosign would and writes them where cosign
// looks. --dry-run stops after the plan (and says which are already signed).
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CountersignError } from '../../../shared/errors';
import type { MigrationPlan, MigrationProgress, MigrationReport } from '../../../shared/migrate';
import { auditRegistry } from '../../core/audit';
import type { Signer } from '../../core/keys/vault';
import { cosignPublicKeyPem, DEFAULT_MIGRATION_CONCURRENCY, planMigration, runMigration } from '../../core/migrate';
import { flag, stringOption, stringsOption } from '../args';
import type { Command } from '../command';
import type { CliContext } from '../context';
import { formatTable } from '../table';
import { auditClients, integerOption, progressLine } from './audit';
import { openVault } from './key';
import { migrateSpec } from './specs';

export const migrateCommand: Command = {
  ...migrateSpec,
  async run(context, args) {
    const registryUrl = stringOption(args, 'registry');
    if (registryUrl === undefined) throw new CountersignError('invalid-input', 'migrate needs --registry URL');
    if (args.positionals.length > 0) throw new CountersignError('invalid-input', `migrate takes no arguments (use --repo): ${args.positionals.join(' ')}`);
    const keyId = stringOption(args, 'key');
    const newKey = stringOption(args, 'new-key');
    if ((keyId === undefined) === (newKey === undefined)) throw new CountersignError('invalid-input', 'migrate needs exactly one of --key KEYID and --new-key NAME');
    const concurrency = integerOption(args, 'concurrency', DEFAULT_MIGRATION_CONCURRENCY, 1, 64);
    const repositories = stringsOption(args, 'repo');
    const dryRun = flag(args, 'dry-run');

    const signer = await migrationSigner(context, keyId, newKey);
    const publicKeyPem = cosignPublicKeyPem(signer.publicKey, `key ${signer.id}`);
    const publicKeyOut = stringOption(args, 'public-key-out');
    if (publicKeyOut !== undefined) await writeFile(resolve(publicKeyOut), publicKeyPem, { mode: 0o644 });

    const clients = auditClients(context, args, registryUrl, stringOption(args, 'gun-host'), 16);
    const progress = progressLine(context.err);
    let report: MigrationReport;
    try {
      const audit = await auditRegistry({
        registry: clients.registry,
        notary: clients.notary,
        gunHost: clients.gunHost,
        home: context.home,
        // Ctrl-C and SIGTERM abort it (stop-signals.ts): the run stops between images.
        signal: context.signal,
        ...(repositories.length > 0 ? { repositories } : {}),
        ...(progress ? { onProgress: (p) => progress.update(p) } : {}),
      });
      const plan = planMigration(audit, { keyId: signer.id, publicKeyPem });
      progress?.clear();
      if (!context.json) context.err.write(planText(plan, dryRun));
      report = await runMigration({
        plan,
        registry: clients.registry,
        signer,
        dryRun,
        concurrency,
        signal: context.signal,
        ...(progress ? { onProgress: (p: MigrationProgress) => context.err.write(`\r\x1b[Kmigrate: ${p.done}/${p.total} images`) } : {}),
      });
    } finally {
      progress?.clear();
      clients.close();
    }
    context.out.write(context.json ? `${JSON.stringify(report, null, 2)}\n` : resultText(report));
    // A repository that could not be read is not a verdict on its tags: the migration is incomplete.
    const unread = report.plan.skipped.filter((skip) => skip.status === 'unreadable' || skip.status === 'stale');
    if (unread.length > 0) context.err.write(`countersign: the migration is incomplete: ${unread.length} tag(s) or repositories could not be read (see the plan)\n`);
    return report.counts.failed > 0 || report.cancelled || unread.length > 0 ? 1 : 0;
  },
};

async function migrationSigner(context: CliContext, keyId: string | undefined, newKey: string | undefined): Promise<Signer> {
  const vault = openVault(context);
  if (keyId !== undefined) return vault.getSigner(keyId);
  const record = await vault.generate({ role: newKey!, algorithm: 'ecdsa', label: 'cosign signing key (countersign migrate)' });
  context.err.write(`Generated ECDSA P-256 key ${record.id} ("${newKey}") in the keychain.\n`);
  return vault.getSigner(record.id);
}

function planText(plan: MigrationPlan, dryRun: boolean): string {
  const parts = [`Plan: ${plan.sign.length} tag(s) to carry over to cosign with key ${plan.keyId}${dryRun ? ' (dry run: nothing is written)' : ''}\n`];
  if (plan.sign.length > 0) parts.push(formatTable([['REPOSITORY', 'TAG', 'DIGEST', 'DCT SIGNERS'], ...plan.sign.map((t) => [t.repository, t.tag, t.digest, t.dct.signers.join(', ')])]));
  if (plan.skipped.length > 0) {
    parts.push(`\nNot signed (DCT does not vouch for what the registry serves):\n`);
    parts.push(formatTable([['REPOSITORY', 'TAG', 'STATUS', 'WHY'], ...plan.skipped.map((t) => [t.repository, t.tag || '-', t.status, t.reason])]));
  }
  return `${parts.join('')}\n`;
}

function resultText(report: MigrationReport): string {
  const rows = report.results.map((r) => [r.repository, r.tag, r.outcome, r.signatureTag, r.error ? `${r.error.code}: ${r.error.message}` : (r.layerDigest ?? '')]);
  const counts = Object.entries(report.counts).filter(([, n]) => n > 0).map(([outcome, n]) => `${n} ${outcome}`);
  const table = rows.length > 0 ? formatTable([['REPOSITORY', 'TAG', 'OUTCOME', 'SIGNATURE TAG', 'DETAIL'], ...rows]) : 'Nothing to sign.\n';
  return `${table}\n${counts.length > 0 ? counts.join(', ') : 'no tags'}${report.cancelled ? ' (cancelled)' : ''}; ${report.plan.skipped.length} skipped\n`;
}
