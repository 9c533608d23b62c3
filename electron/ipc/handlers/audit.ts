// The security review: a registry's catalog, the audit of a registry against its notary server, and the
// export of a finished report exactly as `countersign audit --json` / `--csv` prints it.
import { randomUUID } from 'node:crypto';
import type { AuditReport } from '../../../shared/audit';
import { CountersignError } from '../../../shared/errors';
import type { AuditRun } from '../../../shared/schemas/audit';
import type { RegistryConfig, Settings } from '../../../shared/schemas/settings';
import { reportToCsv, reportToJson } from '../../core/audit';
import type { DomainHandlers } from '../router';
import type { Services } from '../services';
import { registryById } from './registries';
import { serverById } from './repositories';

/** Reports kept for export. A few: the renderer shows one at a time, and each can be megabytes. */
const KEPT_REPORTS = 4;

/** The finished reports the renderer may still ask to export, newest last. */
class ReportShelf {
  private readonly runs = new Map<string, AuditRun>();

  keep(run: AuditRun): void {
    this.runs.set(run.reportId, run);
    for (const id of this.runs.keys()) {
      if (this.runs.size <= KEPT_REPORTS) break;
      this.runs.delete(id);
    }
  }

  get(reportId: string): AuditRun {
    const run = this.runs.get(reportId);
    if (run === undefined) throw new CountersignError('not-found', 'That report is no longer kept: run the audit again to export it.');
    return run;
  }
}

/** The notary server of an audit: the one asked for, else the registry's own. */
export function auditServer(settings: Settings, registry: RegistryConfig, serverId: string | undefined) {
  const id = serverId ?? registry.serverId;
  if (id === undefined) {
    throw new CountersignError('invalid-input', `Choose the notary server that holds the trust data of ${registry.name}.`);
  }
  return serverById(settings, id);
}

/** "audit-registry.example.com_5000-2026-05-01.json": where and when, safe as a file name everywhere. */
function exportName(report: AuditReport, extension: string): string {
  const host = new URL(report.registry).host.replace(/[^A-Za-z0-9.-]+/g, '_');
  return `audit-${host}-${report.auditedAt.slice(0, 10)}.${extension}`;
}

/** The one rendering of a report as a file: what is exported is what the screen shows. */
function exported(report: AuditReport, format: 'json' | 'csv'): { name: string; text: string } {
  return { name: exportName(report, format), text: format === 'json' ? reportToJson(report) : reportToCsv(report) };
}

export function auditHandlers(services: Services): DomainHandlers<'audit'> {
  const shelf = new ReportShelf();
  return {
    'audit.catalog': async ({ registryId }, { signal }) => {
      const registry = registryById(services.settings.read(), registryId);
      return { registryId, repositories: await services.audit.catalog(registry, { signal }) };
    },
    'audit.run': async ({ registryId, serverId, repositories, expiringWithinDays }, { signal, progress }) => {
      const settings = services.settings.read();
      const registry = registryById(settings, registryId);
      const server = auditServer(settings, registry, serverId);
      const report = await services.audit.run(
        {
          registry,
          server,
          expiringWithinDays: expiringWithinDays ?? settings.ui.expiryWarningDays,
          ...(repositories === undefined ? {} : { repositories }),
        },
        { signal, progress },
      );
      const run: AuditRun = { reportId: randomUUID(), registryId, serverId: server.id, report };
      shelf.keep(run);
      return run;
    },
    'audit.export': ({ reportId, format }, { signal }) => {
      const { name, text } = exported(shelf.get(reportId).report, format);
      return services.files.save({ suggestedName: name, bytes: Buffer.from(text, 'utf8'), kind: format }, { signal });
    },
    'audit.preview': async ({ reportId, format }) => ({ format, ...exported(shelf.get(reportId).report, format) }),
  };
}
