// Runs the audit's tag rules over a simulated repository: a real refresh and verification of the
// simulator's files (through the audit's recording fetcher), then a verdict for each "registry" tag.
import type { TagAudit } from '../../../../shared/audit';
import { diagnoseFailures, RecordingFetcher } from '../../../../electron/core/audit/failed-roles';
import { tagAudits } from '../../../../electron/core/audit/tag-rules';
import { buildRepositoryView } from '../../../../electron/core/trust/repository-view';
import { refreshRepository } from '../../../../electron/core/tuf/updater';
import type { RepositoryView } from '../../../../shared/domain';
import type { FailedRole } from '../../../../electron/core/audit/failed-roles';
import type { RepoSimulator, SimFetcher } from '../../../helpers/repo-simulator';

export const IMAGE = { sha256Hex: 'aa'.repeat(32), length: 1234 };
export const OTHER_IMAGE = { sha256Hex: 'bb'.repeat(32), length: 4321 };

export interface SimAudit {
  view: RepositoryView;
  failed: Map<string, FailedRole>;
  tags: Record<string, TagAudit>;
}

/** `registry` maps each tag the registry serves to the hex sha256 of its manifest. */
export async function auditSim(
  sim: RepoSimulator,
  registry: Record<string, string>,
  options: { now?: Date; expiringWithinDays?: number; fetcher?: SimFetcher } = {},
): Promise<SimAudit> {
  const now = options.now ?? sim.now;
  const recording = new RecordingFetcher(options.fetcher ?? sim.fetcher());
  const result = await refreshRepository({ gun: sim.gun, fetcher: recording, now });
  const view = buildRepositoryView(result.trusted, result.failedDelegations, { server: 'https://notary.test', source: 'server', verifiedAt: now.toISOString() });
  const failed = diagnoseFailures(view, recording);
  const registryTags = Object.entries(registry).map(([tag, hex]) => ({ tag, digest: `sha256:${hex}` }));
  const audits = tagAudits(registryTags, { view, failed, now, expiringWithinDays: options.expiringWithinDays ?? 30 });
  return { view, failed, tags: Object.fromEntries(audits.map((audit) => [audit.tag, audit])) };
}

/** The status of one tag, failing the test when the tag is missing. */
export function statusOf(audit: SimAudit, tag: string): TagAudit['status'] {
  const found = audit.tags[tag];
  if (!found) throw new Error(`no verdict for ${tag}`);
  return found.status;
}
