// The security review on the real stack: a real registry with images pushed over its API, a real
// notary-server with trust data made by the real notary and docker clients (and one role signed by
// Countersign with a short expiry), changed the ways real life changes them. The audit must name
// each tag's status as the fixture says it is; the CLI's exit code must follow --fail-on.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditProgress, AuditReport, RepositoryAudit } from '../../../shared/audit';
import { auditRegistry, RetryingHttpClient, type AuditOptions } from '../../../electron/core/audit';
import { NotaryClient } from '../../../electron/core/notary/notary-client';
import { RegistryClient } from '../../../electron/core/registry';
import { makeTempDir, removeTempDir, startMitm } from '../../stack';
import { runCli } from '../../../electron/cli/main';
import { countersign, countersignBin } from '../inspect/run-countersign';
import { EXPECTED, EXPIRING_DAYS, REPOS, startMixedRegistry, type MixedRegistry } from './support/mixed-registry';

let mixed: MixedRegistry;
let home: string;

before(async () => {
  mixed = await startMixedRegistry();
  home = makeTempDir('audit-home');
});

after(async () => {
  await mixed?.stop();
  if (home) await removeTempDir(home);
});

/** The core audit over pooled, retrying clients that trust the stack's CA. */
async function audit(options: Partial<AuditOptions> = {}, registryUrl = mixed.registry.url): Promise<AuditReport> {
  const http = new RetryingHttpClient({ ca: mixed.notary.caPem, retry: { baseDelayMs: 20 } });
  try {
    return await auditRegistry({
      registry: new RegistryClient({ url: registryUrl, http }),
      notary: new NotaryClient(mixed.notary.url, http),
      home,
      ...options,
    });
  } finally {
    http.close();
  }
}

function repository(report: AuditReport, name: string): RepositoryAudit {
  const found = report.repositories.find((r) => r.repository === name);
  if (!found) throw new Error(`the report has no ${name}: ${report.repositories.map((r) => r.repository).join(', ')}`);
  return found;
}

function statuses(report: AuditReport): Record<string, Record<string, string>> {
  return Object.fromEntries(report.repositories.map((r) => [r.repository, Object.fromEntries(r.tags.map((t) => [t.tag, t.status]))]));
}

describe('the audit of a mixed registry', () => {
  it('reports every tag of every catalog repository with its status', async () => {
    const report = await audit();
    assert.deepEqual(statuses(report), EXPECTED);
    assert.deepEqual(report.totals, { signed: 2, 'expiring-soon': 1, unsigned: 2, 'digest-mismatch': 1, 'revoked-signer': 1, 'signature-invalid': 0, 'trust-unreadable': 0 });
    assert.equal(report.incomplete, 0);
  });

  it('says why: the digests of a re-pushed tag, the removed signer, the role about to expire', async () => {
    const report = await audit();
    const v2 = repository(report, REPOS.admin).tags.find((t) => t.tag === 'v2');
    assert.equal(v2?.registryDigest, await mixed.registry.manifestDigest(REPOS.admin, 'v2'));
    assert.notEqual(v2?.signedDigest, v2?.registryDigest);
    assert.equal(repository(report, REPOS.team).tags.find((t) => t.tag === 'v1')?.failedRole, 'targets/alice');
    const expiring = repository(report, REPOS.expiring).tags[0];
    assert.equal(expiring?.firstExpiry?.what, 'targets/releases');
    assert.ok(expiring?.firstExpiry && expiring.firstExpiry.daysLeft >= EXPIRING_DAYS - 1 && expiring.firstExpiry.daysLeft <= EXPIRING_DAYS);
  });

  it('lists tags the trust data signs that the registry no longer serves', async () => {
    assert.deepEqual(repository(await audit(), REPOS.admin).signedTagsNotInRegistry, ['v3']);
  });

  it('tells a repository without trust data from one whose trust data verified', async () => {
    const report = await audit();
    assert.equal(repository(report, REPOS.plain).trust, 'absent');
    assert.equal(repository(report, REPOS.team).trust, 'verified');
  });

  it('names the removed signer revoked (her role keeps no key) and her co-signer active', async () => {
    const team = repository(await audit(), REPOS.team);
    const byName = Object.fromEntries(team.signers.map((s) => [s.name, s]));
    assert.equal(byName['alice']?.state, 'revoked');
    assert.deepEqual(byName['alice']?.keyIds, []);
    assert.equal(byName['bob']?.state, 'active');
    assert.deepEqual(byName['bob']?.tags, ['v2']);
    const alice = team.roles.find((r) => r.name === 'targets/alice');
    assert.equal(alice?.status, 'failed');
    assert.equal(alice?.revoked, true);
  });

  it('reports each role\'s expiry and the age of certificate keys', async () => {
    const expiring = repository(await audit(), REPOS.expiring);
    const releases = expiring.roles.find((r) => r.name === 'targets/releases');
    assert.ok(releases?.daysLeft !== undefined && releases.daysLeft <= EXPIRING_DAYS);
    assert.ok((expiring.roles.find((r) => r.name === 'root')?.daysLeft ?? 0) > 3000, 'notary makes roots valid for 10 years');
    const rootKey = expiring.keys.find((k) => k.roles.includes('root'));
    assert.equal(rootKey?.keytype, 'ecdsa-x509');
    assert.equal(rootKey?.ageDays, 0);
    assert.ok(rootKey?.notBefore && Date.parse(rootKey.notBefore) <= Date.now());
    const releasesKey = expiring.keys.find((k) => k.roles.includes('targets/releases'));
    assert.equal(releasesKey?.ageDays, undefined, 'a bare key carries no date');
  });

  it("applies the home's trust pinning to every repository it meets first: disable_tofu refuses them all, a broken file stops it before it starts", async () => {
    const pinnedHome = await makeTempDir('audit-pinning');
    try {
      writeFileSync(join(pinnedHome, 'trust-pinning.json'), JSON.stringify({ disable_tofu: true }));
      const report = await audit({ home: pinnedHome, repositories: [REPOS.team, REPOS.admin] });
      for (const audited of report.repositories) {
        assert.equal(audited.trustError?.code, 'root-pin-mismatch', `${audited.repository}: refused for want of a pin`);
        assert.ok(audited.tags.every((tag) => tag.status !== 'signed'), `${audited.repository}: no tag is signed under disable_tofu`);
      }
      writeFileSync(join(pinnedHome, 'trust-pinning.json'), '{ broken');
      const events: AuditProgress[] = [];
      await assert.rejects(audit({ home: pinnedHome, onProgress: (progress) => events.push(progress) }), { code: 'config-invalid' });
      assert.ok(events.every((event) => event.done === 0), 'no repository was audited');
    } finally {
      await removeTempDir(pinnedHome);
    }
  });

  it('audits only the repositories asked for', async () => {
    const report = await audit({ repositories: [REPOS.team] });
    assert.deepEqual(Object.keys(statuses(report)), [REPOS.team]);
  });

  it('reports progress after each repository', async () => {
    const events: AuditProgress[] = [];
    await audit({ concurrency: 2, onProgress: (progress) => events.push(progress) });
    assert.equal(events[0]?.phase, 'listing');
    const auditing = events.filter((e) => e.phase === 'auditing');
    assert.deepEqual(auditing.map((e) => e.done), [0, 1, 2, 3, 4]);
    assert.deepEqual(auditing.map((e) => e.repository).filter(Boolean).sort(), Object.values(REPOS).sort());
  });

  it('stops when cancelled, with a cancelled error', async () => {
    const controller = new AbortController();
    await assert.rejects(
      audit({
        concurrency: 1,
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.done === 1) controller.abort();
        },
      }),
      { code: 'cancelled' },
    );
  });

  it('retries a registry that answers 503, and reports the repository it never could read without stopping', async () => {
    const mitm = await startMitm({ upstream: mixed.registry.url, ca: mixed.notary.ca });
    try {
      const tagsOfPlain = `/v2/${REPOS.plain}/tags/list`;
      mitm.respondWith(tagsOfPlain, { status: 503, body: '{"errors":[{"code":"UNAVAILABLE"}]}' });
      const report = await audit({ gunHost: mixed.registry.host }, mitm.url);
      assert.equal(mitm.requestCount(tagsOfPlain), 4, 'four tries in all');
      assert.equal(repository(report, REPOS.plain).registryError?.code, 'http-status');
      assert.equal(report.incomplete, 1);
      assert.deepEqual(statuses(report)[REPOS.team], EXPECTED[REPOS.team]);
    } finally {
      await mitm.stop();
    }
  });
});

describe('countersign audit', () => {
  const base = (): string[] => [
    'audit', '--registry', mixed.registry.url, '--registry-ca', mixed.registry.caFile,
    '--server', mixed.notary.url, '--tls-ca', mixed.notary.caFile, '--home', home,
  ];

  it('prints every tag with its status and exits 0 without a policy', async () => {
    const result = await countersign(base());
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /mixed\/team\s+v1\s+revoked-signer/);
    assert.match(result.stdout, /mixed\/admin\s+v2\s+digest-mismatch/);
    assert.match(result.stdout, /Signers that cannot sign[\s\S]*mixed\/team\s+alice\s+revoked/);
    assert.match(result.stdout, /4 repositories, 2 signed, 1 expiring-soon, 2 unsigned, 1 digest-mismatch, 1 revoked-signer/);
  });

  const policies: [string, string[], number][] = [
    [REPOS.team, ['unsigned,mismatch,expiring'], 0],
    [REPOS.team, ['invalid'], 1],
    [REPOS.team, ['revoked'], 1],
    [REPOS.admin, ['mismatch'], 1],
    [REPOS.admin, ['unsigned'], 1],
    [REPOS.admin, ['invalid', 'expiring'], 0],
    [REPOS.expiring, ['expiring'], 1],
    [REPOS.expiring, ['unsigned,mismatch,invalid'], 0],
    [REPOS.plain, ['unsigned'], 1],
  ];
  for (const [repo, failOn, code] of policies) {
    it(`exits ${code} for ${repo} with --fail-on ${failOn.join(' --fail-on ')}`, async () => {
      const result = await countersign([...base(), '--repo', repo, ...failOn.flatMap((f) => ['--fail-on', f])]);
      assert.equal(result.code, code, result.stderr);
      if (code === 1) assert.match(result.stderr, /tag\(s\) fail the policy/);
    });
  }

  it('exits 1 with --fail-on all over the whole registry, naming the failing tags', async () => {
    const result = await countersign([...base(), '--fail-on', 'all']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /5 tag\(s\) fail the policy/);
    assert.match(result.stderr, /mixed\/team:v1 \(revoked-signer\)/);
  });

  it('counts "expiring soon" in the window --expiring-days gives', async () => {
    const narrow = await countersign([...base(), '--repo', REPOS.expiring, '--expiring-days', '3', '--fail-on', 'expiring']);
    assert.equal(narrow.code, 0, narrow.stderr);
  });

  it('writes the report as JSON', async () => {
    const result = await countersign([...base(), '--json']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as AuditReport;
    assert.deepEqual(statuses(report), EXPECTED);
    assert.equal(report.registry, mixed.registry.url.replace(/\/$/, ''));
    assert.equal(report.expiringWithinDays, 30);
  });

  it('writes the report as CSV, one row per tag', async () => {
    const result = await countersign([...base(), '--csv']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\r\n');
    assert.equal(lines[0], 'repository,gun,tag,status,registry_digest,signed_digest,signers,roles,failed_role,first_expiry,first_expiry_of,days_left,trust,unreadable,reason');
    assert.equal(lines.length, 1 + 7);
    const teamV1 = lines.find((line) => line.startsWith(`${REPOS.team},`) && line.split(',')[2] === 'v1');
    assert.equal(teamV1?.split(',')[3], 'revoked-signer');
    assert.equal(teamV1?.split(',')[8], 'targets/alice');
  });

  it('refuses an unknown --fail-on category and --json with --csv', async () => {
    const unknown = await countersign([...base(), '--fail-on', 'unsigned,sloppy']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown category "sloppy"/);
    const both = await countersign([...base(), '--json', '--csv']);
    assert.equal(both.code, 1);
  });

  it('draws a progress line on stderr when it is a terminal, and clears it before the report', async () => {
    let stderr = '';
    let stdout = '';
    const code = await runCli([...base(), '--json'], {
      out: { write: (text) => void (stdout += text) },
      err: { write: (text) => void (stderr += text), isTTY: true },
      env: {},
    });
    assert.equal(code, 0, stderr);
    assert.ok(stderr.includes('\r\x1b[Kaudit: 4/4 repositories'), JSON.stringify(stderr));
    assert.ok(stderr.endsWith('\r\x1b[K'));
    assert.doesNotMatch(stdout, /\x1b/);
  });

  it('runs as the real bin: the exit code follows the policy, and no progress line when stderr is not a terminal', async () => {
    const result = await countersignBin([...base(), '--repo', REPOS.admin, '--fail-on', 'mismatch']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /mixed\/admin:v2 \(digest-mismatch\)/);
    assert.doesNotMatch(result.stderr, /\x1b\[K/);
  });
});
