// The report as a pipeline and a spreadsheet see it: the --fail-on words, and CSV that survives
// commas, quotes and text a server chose.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditReport, RepositoryAudit, TagAudit } from '../../../shared/audit';
import { emptyCounts } from '../../../electron/core/audit/audit-repository';
import { csvReportWriter, jsonReportWriter, parsePolicy, policyViolations, reportToCsv, reportToJson } from '../../../electron/core/audit';

function tag(name: string, status: TagAudit['status'], reason = 'why'): TagAudit {
  return { tag: name, status, registryDigest: `sha256:${'a'.repeat(64)}`, signers: [], roles: [], reason };
}

function repository(name: string, tags: TagAudit[], extra: Partial<RepositoryAudit> = {}): RepositoryAudit {
  const counts = emptyCounts();
  for (const t of tags) counts[t.status] += 1;
  return { repository: name, gun: `registry.test/${name}`, trust: 'verified', tags, signedTagsNotInRegistry: [], signers: [], keys: [], roles: [], counts, ...extra };
}

function report(repositories: RepositoryAudit[]): AuditReport {
  return {
    registry: 'https://registry.test',
    server: 'https://notary.test',
    auditedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    expiringWithinDays: 30,
    repositories,
    totals: emptyCounts(),
    incomplete: 0,
  };
}

describe('--fail-on', () => {
  it('takes comma lists and repeated options', () => {
    assert.deepEqual([...parsePolicy(['unsigned,mismatch', 'expiring'])].sort(), ['expiring', 'mismatch', 'unsigned']);
  });

  it('takes "all" for every category', () => {
    assert.deepEqual([...parsePolicy(['all'])].sort(), ['expiring', 'invalid', 'mismatch', 'revoked', 'unreadable', 'unsigned']);
  });

  it('refuses a word it does not know rather than silently passing a pipeline', () => {
    assert.throws(() => parsePolicy(['unsigned,unsgined']), { code: 'invalid-input' });
  });

  it('lets "invalid" refuse revoked signers too: their signatures no longer count either', () => {
    const audit = report([repository('app', [tag('a', 'revoked-signer'), tag('b', 'signature-invalid'), tag('c', 'signed')])]);
    assert.deepEqual(policyViolations(audit, parsePolicy(['invalid'])).map((v) => v.tag), ['a', 'b']);
    assert.deepEqual(policyViolations(audit, parsePolicy(['revoked'])).map((v) => v.tag), ['a']);
  });

  it('passes everything with no policy', () => {
    const audit = report([repository('app', [tag('a', 'unsigned')])]);
    assert.deepEqual(policyViolations(audit, parsePolicy([])), []);
  });
});

describe('CSV', () => {
  it('quotes cells with commas, quotes and line breaks', () => {
    const csv = reportToCsv(report([repository('app', [tag('v1', 'unsigned', 'a "quoted", reason\nwith a break')])]));
    assert.match(csv, /,"a ""quoted"", reason\nwith a break"\r\n$/);
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    const csv = reportToCsv(report([repository('app', [tag('v1', 'signature-invalid', '=HYPERLINK("http://evil")')])]));
    assert.match(csv, /,"'=HYPERLINK\(""http:\/\/evil""\)"\r\n$/);
  });

  it('keeps a repository that could not be read as a row of its own', () => {
    const broken = repository('broken', [], { registryError: { code: 'http-status', message: 'HTTP 503' } });
    const rows = reportToCsv(report([broken])).trimEnd().split('\r\n');
    assert.equal(rows.length, 2);
    assert.match(rows[1] ?? '', /^broken,registry\.test\/broken,,,/);
    assert.match(rows[1] ?? '', /the registry could not be read: http-status: HTTP 503$/);
  });

  it('keeps a repository without tags as a row of its own', () => {
    const rows = reportToCsv(report([repository('empty', [])])).trimEnd().split('\r\n');
    assert.match(rows[1] ?? '', /the registry lists no tags$/);
  });
});

describe('JSON', () => {
  it('is the report itself, one object, parseable back', () => {
    const audit = report([repository('app', [tag('v1', 'signed')])]);
    assert.deepEqual(JSON.parse(reportToJson(audit)), audit);
  });
});

describe('the report written as the audit goes', () => {
  const repositories = [repository('app', [tag('v1', 'signed'), tag('v2', 'unsigned', 'a "quote"\nand a break')]), repository('empty', [])];

  it('is JSON.stringify(report, null, 2) but for the summary, which comes after the repositories', () => {
    for (const given of [[], repositories]) {
      const { finishedAt, totals, incomplete, ...header } = report(given);
      const parts: string[] = [];
      const writer = jsonReportWriter((text) => parts.push(text));
      writer.begin({ registry: header.registry, server: header.server, auditedAt: header.auditedAt, expiringWithinDays: header.expiringWithinDays });
      for (const audit of given) writer.repository(audit);
      assert.ok(parts.join('').length > 0, 'the header is written before the end');
      writer.end({ finishedAt, totals, incomplete });
      assert.equal(parts.join(''), `${JSON.stringify({ ...header, repositories: given, finishedAt, totals, incomplete }, null, 2)}\n`);
    }
  });

  it('writes the same CSV rows as the whole report, with the cosign columns when asked for', () => {
    const parts: string[] = [];
    const writer = csvReportWriter((text) => parts.push(text), { cosign: true });
    writer.begin(report([]));
    const [header] = parts;
    assert.match(header ?? '', /,reason,cosign,cosign_detail\r\n$/);
    for (const audit of repositories) writer.repository(audit);
    const whole = reportToCsv(report(repositories)).split('\r\n');
    const streamed = parts.join('').split('\r\n');
    assert.equal(streamed.length, whole.length);
    assert.deepEqual(streamed.slice(1).map((row) => row.split(',').slice(0, 4)), whole.slice(1).map((row) => row.split(',').slice(0, 4)));
  });
});
