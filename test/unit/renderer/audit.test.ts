// The audit dashboard's numbers and filters (pure functions over a report), and its store slice against
// the real router and handlers, joined in-process by the preload's api-builder.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AuditReport, RepositoryAudit, TagAudit, TagStatus } from '../../../shared/audit';
import type { ProgressMessage } from '../../../shared/contract';
import { buildApi } from '../../../electron/preload/api-builder';
import type { AuditService } from '../../../electron/ipc/audit-services';
import { formatRoute, parseRoute } from '../../../renderer/src/app/routes';
import {
  coveragePercent,
  describeCounts,
  filterRows,
  NO_FILTERS,
  repositoryProblem,
  segmentsOf,
  signerNames,
  tagRows,
  toggleStatus,
  type StatusCounts,
} from '../../../renderer/src/features/audit/audit-model';
import { createAppState, type AppState } from '../../../renderer/src/store';
import { reviewServicesFor, routerFor, untilAborted } from '../ipc/support';

function counts(partial: Partial<StatusCounts>): StatusCounts {
  return { signed: 0, 'expiring-soon': 0, unsigned: 0, 'digest-mismatch': 0, 'revoked-signer': 0, 'signature-invalid': 0, 'trust-unreadable': 0, ...partial };
}

function tag(name: string, status: TagStatus, signers: string[] = []): TagAudit {
  return { tag: name, status, registryDigest: `sha256:${name.padEnd(64, '0')}`, signers, roles: [], reason: `${name} is ${status}` };
}

function repository(name: string, tags: TagAudit[]): RepositoryAudit {
  const byStatus = counts({});
  for (const t of tags) byStatus[t.status] += 1;
  return { repository: name, gun: `registry.test/${name}`, trust: 'verified', tags, signedTagsNotInRegistry: [], signers: [], keys: [], roles: [], counts: byStatus };
}

const REPORT: AuditReport = {
  registry: 'https://registry.test',
  server: 'https://notary.test',
  auditedAt: '2026-05-01T10:00:00.000Z',
  finishedAt: '2026-05-01T10:00:01.000Z',
  expiringWithinDays: 30,
  repositories: [
    repository('team/app', [tag('v1', 'signed', ['alice']), tag('v2', 'digest-mismatch', ['bob']), tag('dev', 'unsigned')]),
    repository('team/web', [tag('v1', 'expiring-soon', ['Repo Admin'])]),
  ],
  totals: counts({ signed: 1, 'digest-mismatch': 1, unsigned: 1, 'expiring-soon': 1 }),
  incomplete: 0,
};

describe('the dashboard numbers', () => {
  it('count signed and expiring tags as covered, rounding down so 100% is never a rounding', () => {
    assert.equal(coveragePercent(REPORT.totals), 50);
    assert.equal(coveragePercent(counts({ signed: 199, unsigned: 1 })), 99);
    assert.equal(coveragePercent(counts({})), undefined);
  });

  it('lay the statuses end to end in a fixed order, leaving out the empty ones', () => {
    assert.deepEqual(segmentsOf(counts({ unsigned: 1, signed: 3 })), [
      { status: 'signed', count: 3, start: 0, length: 0.75 },
      { status: 'unsigned', count: 1, start: 0.75, length: 0.25 },
    ]);
    assert.deepEqual(segmentsOf(counts({})), []);
  });

  it('keep unreadable trust data apart from invalid signatures, uncovered, and say why it is unreadable', () => {
    assert.equal(describeCounts(counts({ 'trust-unreadable': 2, 'signature-invalid': 1 })), '1 signature invalid, 2 trust data unreadable');
    assert.equal(coveragePercent(counts({ signed: 1, 'trust-unreadable': 1 })), 50);
    const unreadable: RepositoryAudit = {
      ...repository('team/api', [tag('v1', 'trust-unreadable')]),
      trust: 'unreachable',
      unreadable: 'no notary server',
      trustError: { code: 'not-notary-server', message: 'https://registry.test is not a notary server' },
    };
    assert.equal(repositoryProblem(unreadable), 'The trust data could not be read (no notary server): https://registry.test is not a notary server');
  });

  it('say the counts in words', () => {
    assert.equal(describeCounts(REPORT.totals), '1 signed, 1 expiring soon, 1 unsigned, 1 digest mismatch');
    assert.equal(describeCounts(counts({})), 'no tags');
  });
});

describe('the tag filters', () => {
  const rows = tagRows(REPORT);
  const shown = (filters: Parameters<typeof filterRows>[1]) => filterRows(rows, filters).map((row) => row.key);

  it('show every tag of every repository when nothing is chosen', () => {
    assert.deepEqual(shown(NO_FILTERS), ['team/app:v1', 'team/app:v2', 'team/app:dev', 'team/web:v1']);
  });

  it('combine statuses (any of them), a repository, a signer and text (all of them)', () => {
    const two = toggleStatus(toggleStatus(NO_FILTERS, 'unsigned'), 'digest-mismatch');
    assert.deepEqual(shown(two), ['team/app:v2', 'team/app:dev']);
    assert.deepEqual(shown(toggleStatus(two, 'unsigned')), ['team/app:v2'], 'pressing a status again lets it go');
    assert.deepEqual(shown({ ...NO_FILTERS, repository: 'team/web' }), ['team/web:v1']);
    assert.deepEqual(shown({ ...NO_FILTERS, signer: 'alice' }), ['team/app:v1']);
    assert.deepEqual(shown({ ...NO_FILTERS, text: 'DEV' }), ['team/app:dev']);
    assert.deepEqual(shown({ ...two, signer: 'alice' }), []);
  });

  it('offer every signer named in the report', () => {
    assert.deepEqual(signerNames(REPORT), ['alice', 'bob', 'Repo Admin']);
  });
});

describe('the audit and evidence screens', () => {
  it('have addresses that survive a reload', () => {
    for (const screen of ['audit', 'evidence'] as const) assert.deepEqual(parseRoute(formatRoute({ screen })), { screen });
  });
});

describe('the audit slice', () => {
  let store: StoreApi<AppState>;
  let audit: AuditService;

  function installBridge() {
    const services = reviewServicesFor({ overrides: { audit: { catalog: (...args) => audit.catalog(...args), run: (...args) => audit.run(...args) } } });
    const router = routerFor(services);
    let deliver: ((message: ProgressMessage) => void) | undefined;
    const api = buildApi({
      invoke: (channel, envelope) => router.dispatch(channel, JSON.parse(JSON.stringify(envelope)), { session: 'test', emitProgress: (m) => deliver?.(m) }),
      onProgress: (listener) => {
        deliver = listener;
      },
    });
    Object.assign(globalThis, { window: { countersign: api, location: { hash: '' }, history: { pushState() {} } } });
  }

  beforeEach(async () => {
    audit = {
      catalog: async () => ['team/app', 'team/web'],
      run: async (_input, { progress }) => {
        progress({ phase: 'auditing', done: 2, total: 2, repository: 'team/web' });
        return REPORT;
      },
    };
    installBridge();
    store = createStore<AppState>()(createAppState);
    await store.getState().loadSettings();
    assert.ok((await store.getState().saveServer({ name: 'Team notary', url: 'https://notary.test' })).ok);
    const saved = await store.getState().saveRegistry({ name: 'Team registry', url: 'https://registry.test', serverId: 'team-notary' });
    assert.ok(saved.ok);
  });

  it('keeps a saved registry in the settings every screen sees', () => {
    assert.deepEqual(store.getState().settings.value?.registries.map((r) => r.id), ['team-registry']);
  });

  it('reads a catalog for choosing repositories', async () => {
    await store.getState().loadCatalog('team-registry');
    assert.deepEqual(store.getState().catalogs['team-registry']?.value, ['team/app', 'team/web']);
  });

  it('shows progress while the audit runs, then the report, with the filters cleared', async () => {
    store.getState().setAuditFilters({ ...NO_FILTERS, text: 'old' });
    const seen: unknown[] = [];
    const unsubscribe = store.subscribe((state) => {
      if (state.auditRun?.status === 'running' && state.auditRun.progress !== undefined) seen.push(state.auditRun.progress);
    });
    await store.getState().runAudit({ registryId: 'team-registry' });
    unsubscribe();
    assert.deepEqual(seen, [{ phase: 'auditing', done: 2, total: 2, repository: 'team/web' }]);
    assert.equal(store.getState().auditRun, undefined);
    assert.deepEqual(store.getState().auditReport?.report.totals, REPORT.totals);
    assert.equal(store.getState().auditFilters.text, '');
  });

  it('keeps the last report when the next audit is cancelled, and says it was', async () => {
    await store.getState().runAudit({ registryId: 'team-registry' });
    const first = store.getState().auditReport?.reportId;
    audit.run = (_input, { signal }) => untilAborted(signal);
    const running = store.getState().runAudit({ registryId: 'team-registry' });
    while (store.getState().auditRun?.status !== 'running') await new Promise((resolve) => setTimeout(resolve, 1));
    await store.getState().cancelAudit();
    await running;
    const run = store.getState().auditRun;
    assert.equal(run?.status === 'failed' && run.error.code, 'cancelled');
    assert.equal(store.getState().auditReport?.reportId, first);
  });

  it('forgets the report of a registry that is removed', async () => {
    await store.getState().runAudit({ registryId: 'team-registry' });
    assert.ok((await store.getState().removeRegistry('team-registry')).ok);
    assert.equal(store.getState().auditReport, undefined);
    assert.deepEqual(store.getState().settings.value?.registries, []);
  });
});
