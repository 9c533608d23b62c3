// The security review behind the IPC contract: registries in settings with their passwords in a secret
// store, an audit run against the registry's notary server, its export as the CLI writes it, and
// evidence archives handed to the user. The core's audit and archive are replaced here by recording
// stand-ins; test/e2e/audit drives the real ones against a real registry and notary-server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditReport } from '../../../shared/audit';
import type { Result } from '../../../shared/contract';
import { CountersignError } from '../../../shared/errors';
import type { AuditRun } from '../../../shared/schemas/audit';
import { reportToCsv, reportToJson } from '../../../electron/core/audit';
import type { AuditInput, AuditService, EvidenceService, OutgoingFile } from '../../../electron/ipc/audit-services';
import { memoryBackend, SettingsStore } from '../../../electron/ipc/settings-store';
import { memorySecretStore, recordingCaller, reviewServicesFor, routerFor, SERVER, untilAborted } from './support';

const REGISTRY = { name: 'Team registry', url: 'https://registry.example.test:5000' };

function report(registry = REGISTRY.url): AuditReport {
  const counts = { signed: 1, unsigned: 0, 'digest-mismatch': 0, 'signature-invalid': 0, 'revoked-signer': 0, 'expiring-soon': 0, 'trust-unreadable': 0 };
  return {
    registry,
    server: SERVER.url,
    auditedAt: '2026-05-01T10:00:00.000Z',
    finishedAt: '2026-05-01T10:00:01.000Z',
    expiringWithinDays: 30,
    repositories: [
      {
        repository: 'team/app',
        gun: 'registry.example.test:5000/team/app',
        trust: 'verified',
        tags: [{ tag: 'v1', status: 'signed', registryDigest: `sha256:${'a'.repeat(64)}`, signedDigest: `sha256:${'a'.repeat(64)}`, signers: ['Repo Admin'], roles: ['targets'], reason: 'signed' }],
        signedTagsNotInRegistry: [],
        signers: [],
        keys: [],
        roles: [],
        counts,
      },
    ],
    totals: counts,
    incomplete: 0,
  };
}

interface World {
  router: ReturnType<typeof routerFor>;
  secrets: ReturnType<typeof memorySecretStore>;
  audits: AuditInput[];
  saved: OutgoingFile[];
  verified: { bytes: Uint8Array; sha256: string | undefined }[];
}

function world(audit: Partial<AuditService> = {}): World {
  const secrets = memorySecretStore();
  const audits: AuditInput[] = [];
  const saved: OutgoingFile[] = [];
  const verified: World['verified'] = [];
  const fakeAudit: AuditService = {
    catalog: async () => ['team/app', 'team/web'],
    run: async (input, { progress }) => {
      audits.push(input);
      progress({ phase: 'auditing', done: 1, total: 1, repository: 'team/app' });
      return report(input.registry.url);
    },
    ...audit,
  };
  const evidence: EvidenceService = {
    create: async ({ guns }, { progress }) => {
      progress({ done: guns.length, total: guns.length });
      return { bytes: Buffer.from('tar bytes'), sha256: 'f'.repeat(64), repositories: [] };
    },
    verify: async (bytes, sha256) => {
      verified.push({ bytes, sha256 });
      return { ok: true, archiveSha256: 'f'.repeat(64), checks: [], repositories: [] };
    },
  };
  const services = reviewServicesFor({
    registrySecrets: secrets,
    overrides: { audit: fakeAudit, evidence },
    files: {
      save: async (file) => {
        saved.push(file);
        return { saved: true, name: file.suggestedName, bytes: file.bytes.length, path: `/tmp/${file.suggestedName}` };
      },
    },
  });
  return { router: routerFor(services), secrets, audits, saved, verified };
}

const caller = recordingCaller();

async function call<T>(w: World, channel: string, request: unknown, operationId?: string): Promise<T> {
  const result = (await w.router.dispatch(channel, operationId === undefined ? { request } : { request, operationId }, caller)) as Result<T>;
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function withServerAndRegistry(w: World, registry: Record<string, unknown> = {}) {
  await call(w, 'settings.saveServer', { server: SERVER });
  return call<{ registries: { id: string }[] }>(w, 'registries.save', { registry: { ...REGISTRY, serverId: 'team-notary', ...registry } });
}

describe('registries in settings', () => {
  it('are saved beside the servers under a readable id, and updated in place', async () => {
    const w = world();
    const settings = await withServerAndRegistry(w);
    assert.deepEqual(settings.registries, [{ ...REGISTRY, serverId: 'team-notary', id: 'team-registry' }]);
    const updated = await call<{ registries: { id: string; gunHost?: string }[] }>(w, 'registries.save', {
      registry: { ...REGISTRY, id: 'team-registry', gunHost: 'registry.example.test' },
    });
    assert.equal(updated.registries.length, 1);
    assert.equal(updated.registries[0]?.gunHost, 'registry.example.test');
  });

  it('are none in a settings file written before they existed', () => {
    const backend = memoryBackend();
    backend.set('settings', { servers: [], watched: [], ui: { theme: 'system', expiryWarningDays: 30, density: 'comfortable' } });
    assert.deepEqual(new SettingsStore(backend).read().registries, []);
  });

  it('refuse a plain-http address and a notary server that is not saved', async () => {
    const w = world();
    const http = await w.router.dispatch('registries.save', { request: { registry: { ...REGISTRY, url: 'http://registry.example.test' } } }, caller);
    assert.equal(!http.ok && http.error.code, 'invalid-ipc-payload');
    const orphan = await w.router.dispatch('registries.save', { request: { registry: { ...REGISTRY, serverId: 'nobody' } } }, caller);
    assert.equal(!orphan.ok && orphan.error.code, 'not-found');
  });

  it('keep the password in the secret store by registry id, never answer it, and drop it with the registry', async () => {
    const w = world();
    await withServerAndRegistry(w, { username: 'ci' });
    assert.deepEqual(await call(w, 'registries.setPassword', { registryId: 'team-registry', password: 's3cret' }), { stored: true });
    assert.equal(w.secrets.secrets.get('team-registry'), 's3cret');
    assert.doesNotMatch(JSON.stringify(await call(w, 'settings.get', {})), /s3cret/);
    await call(w, 'registries.remove', { registryId: 'team-registry' });
    assert.equal(w.secrets.secrets.size, 0);
  });

  it('refuse a password for a registry that is not saved', async () => {
    const result = await world().router.dispatch('registries.setPassword', { request: { registryId: 'nobody', password: 'x' } }, caller);
    assert.equal(!result.ok && result.error.code, 'not-found');
  });

  it('are checked by listing the catalog, and a failure is explained in plain words', async () => {
    const ok = await call<{ ok: boolean; repositories: number; explanation: string }>(world(), 'registries.check', { registry: REGISTRY });
    assert.deepEqual([ok.ok, ok.repositories, ok.explanation], [true, 2, 'Connected: the registry lists 2 repositories.']);
    const untrusted = world({ catalog: () => Promise.reject(new CountersignError('tls-failed', 'unknown CA')) });
    const failed = await call<{ ok: boolean; explanation: string; error: { code: string } }>(untrusted, 'registries.check', { registry: REGISTRY });
    assert.equal(failed.ok, false);
    assert.equal(failed.error.code, 'tls-failed');
    assert.match(failed.explanation, /add that CA's certificate/);
  });
});

describe('audit.run', () => {
  it("audits against the registry's own notary server within the settings' expiry window, streaming progress", async () => {
    const w = world();
    await withServerAndRegistry(w);
    const local = recordingCaller('audit-window');
    const result = (await w.router.dispatch('audit.run', { request: { registryId: 'team-registry' }, operationId: 'audit-1' }, local)) as Result<AuditRun>;
    assert.ok(result.ok);
    assert.equal(result.value.serverId, 'team-notary');
    assert.equal(result.value.report.totals.signed, 1);
    assert.equal(w.audits[0]?.server.url, SERVER.url);
    assert.equal(w.audits[0]?.expiringWithinDays, 30);
    assert.equal(w.audits[0]?.repositories, undefined, 'no list: the whole catalog');
    assert.deepEqual(local.progress.map((p) => p.event), [{ phase: 'auditing', done: 1, total: 1, repository: 'team/app' }]);
  });

  it('audits only the repositories asked for, in the window asked for', async () => {
    const w = world();
    await withServerAndRegistry(w);
    await call(w, 'audit.run', { registryId: 'team-registry', repositories: ['team/web'], expiringWithinDays: 7 });
    assert.deepEqual(w.audits[0]?.repositories, ['team/web']);
    assert.equal(w.audits[0]?.expiringWithinDays, 7);
  });

  it('asks for a notary server when the registry names none', async () => {
    const w = world();
    await call(w, 'registries.save', { registry: REGISTRY });
    const result = await w.router.dispatch('audit.run', { request: { registryId: 'team-registry' } }, caller);
    assert.equal(!result.ok && result.error.code, 'invalid-input');
  });

  it('stops when cancelled', async () => {
    const w = world({ run: (_input, { signal }) => untilAborted(signal) });
    await withServerAndRegistry(w);
    const running = w.router.dispatch('audit.run', { request: { registryId: 'team-registry' }, operationId: 'audit-2' }, caller);
    await call(w, 'operations.cancel', { operationId: 'audit-2' });
    const result = await running;
    assert.equal(!result.ok && result.error.code, 'cancelled');
  });
});

describe('audit.export', () => {
  it('hands the kept report to the user exactly as countersign audit --json and --csv write it', async () => {
    const w = world();
    await withServerAndRegistry(w);
    const run = await call<AuditRun>(w, 'audit.run', { registryId: 'team-registry' });
    const json = await call<{ saved: boolean; name: string }>(w, 'audit.export', { reportId: run.reportId, format: 'json' });
    assert.deepEqual(json, { saved: true, name: 'audit-registry.example.test_5000-2026-05-01.json', bytes: w.saved[0]?.bytes.length, path: '/tmp/audit-registry.example.test_5000-2026-05-01.json' });
    assert.equal(Buffer.from(w.saved[0]!.bytes).toString('utf8'), reportToJson(run.report));
    await call(w, 'audit.export', { reportId: run.reportId, format: 'csv' });
    assert.equal(w.saved[1]?.kind, 'csv');
    assert.equal(Buffer.from(w.saved[1]!.bytes).toString('utf8'), reportToCsv(run.report));
  });

  it('shows on screen (audit.preview) the very text and name the export saves, and saves nothing', async () => {
    const w = world();
    await withServerAndRegistry(w);
    const run = await call<AuditRun>(w, 'audit.run', { registryId: 'team-registry' });
    const csv = await call<{ format: string; name: string; text: string }>(w, 'audit.preview', { reportId: run.reportId, format: 'csv' });
    assert.deepEqual(csv, { format: 'csv', name: 'audit-registry.example.test_5000-2026-05-01.csv', text: reportToCsv(run.report) });
    const json = await call<{ text: string }>(w, 'audit.preview', { reportId: run.reportId, format: 'json' });
    assert.equal(json.text, reportToJson(run.report));
    assert.equal(w.saved.length, 0);
  });

  it('refuses a report it no longer keeps', async () => {
    const result = await world().router.dispatch('audit.export', { request: { reportId: crypto.randomUUID(), format: 'json' } }, caller);
    assert.equal(!result.ok && result.error.code, 'not-found');
  });
});

describe('evidence', () => {
  it('exports each repository once into one archive the user saves, with its sha256', async () => {
    const w = world();
    await withServerAndRegistry(w);
    const gun = 'registry.example.test:5000/team/app';
    const result = await call<{ sha256: string; file: { saved: boolean; name: string } }>(w, 'evidence.export', { serverId: 'team-notary', guns: [gun, gun] });
    assert.equal(result.sha256, 'f'.repeat(64));
    assert.equal(w.saved[0]?.kind, 'tar');
    assert.match(result.file.name, /^evidence-team-notary-\d{4}-\d{2}-\d{2}\.tar$/);
  });

  it('verifies the bytes sent as base64, with the expected sha256 when given', async () => {
    const w = world();
    await call(w, 'evidence.verify', { archive: Buffer.from('archive').toString('base64'), sha256: 'AB'.repeat(32) });
    assert.equal(Buffer.from(w.verified[0]!.bytes).toString('utf8'), 'archive');
    assert.equal(w.verified[0]?.sha256, 'ab'.repeat(32));
  });

  it('refuses an archive that is not base64', async () => {
    const result = await world().router.dispatch('evidence.verify', { request: { archive: 'not base64!' } }, caller);
    assert.equal(!result.ok && result.error.code, 'invalid-ipc-payload');
  });
});
