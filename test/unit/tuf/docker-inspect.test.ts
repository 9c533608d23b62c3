// docker trust inspect's JSON: the SignedTags a view cache keeps as printed (renderSignedTags) print
// exactly as the rows rendered on the spot, byte for byte, in every position docker's array has.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RepositoryView, SignedTagView } from '../../../shared/domain';
import { countersignExtras, formatDockerJson, PrintedJson, renderSignedTags, toDockerInspect } from '../../../electron/core/trust/docker-inspect';

function viewWith(signedTags: SignedTagView[]): RepositoryView {
  return {
    gun: 'registry.example.com/team/app',
    server: 'https://notary.example.com',
    verifiedAt: '2026-12-07T12:00:00.000Z',
    source: 'server',
    roles: [{ name: 'targets', status: 'verified', version: 3, expires: '2029-01-01T00:00:00Z' }] as RepositoryView['roles'],
    keys: [],
    signedTags,
    signers: [{ name: 'alice', keyIds: ['a'.repeat(64)] }, { name: 'gone', keyIds: [] }],
    administrativeKeys: { root: ['b'.repeat(64)], repository: ['c'.repeat(64)] },
    warnings: [{ code: 'signature-threshold', message: 'a "quoted" \u0000 text from a server', role: 'targets/x' }],
  };
}

const row = (tag: string, signers: string[]): SignedTagView => ({ tag, digest: 'd'.repeat(64), size: 1, signers, roles: ['targets'] });

const VIEWS: [string, RepositoryView][] = [
  ['no signed tags', viewWith([])],
  ['one tag', viewWith([row('v1', ['Repo Admin'])])],
  ['tags that need escaping, several signers', viewWith([row('v1.0_rc-1', ['alice', 'bob']), row('x'.repeat(128), []), row('ünï', ['Repo Admin'])])],
];

describe('docker trust inspect SignedTags kept as printed', () => {
  for (const [name, view] of VIEWS) {
    it(`print as the rows would, byte for byte: ${name}`, () => {
      const rendered = formatDockerJson([{ ...toDockerInspect(view.gun, view), ...countersignExtras(view) }]);
      const printed = formatDockerJson([{ ...toDockerInspect(view.gun, view, undefined, renderSignedTags(view)), ...countersignExtras(view) }]);
      assert.equal(printed, rendered);
    });
  }

  it('print in place for every item of several, in order', () => {
    const items = (usePrinted: boolean) =>
      VIEWS.map(([, view], i) => ({ ...toDockerInspect(`repo-${i}`, view, undefined, usePrinted ? renderSignedTags(view) : undefined), ...countersignExtras(view) }));
    assert.equal(formatDockerJson(items(true)), formatDockerJson(items(false)));
    assert.deepEqual(JSON.parse(formatDockerJson(items(true))), JSON.parse(JSON.stringify(items(false))));
  });

  it('are not used for one tag: that tag is rendered from the rows', () => {
    const view = VIEWS[2]![1];
    const item = toDockerInspect(view.gun, view, 'v1.0_rc-1', renderSignedTags(view));
    assert.ok(!(item.SignedTags instanceof PrintedJson));
    assert.deepEqual(item.SignedTags, [{ SignedTag: 'v1.0_rc-1', Digest: 'd'.repeat(64), Signers: ['alice', 'bob'] }]);
  });

  it('cannot be matched by a value that looks like the placeholder', () => {
    const view = viewWith([row('v1', ['Repo Admin'])]);
    const item = { ...toDockerInspect(view.gun, view, undefined, renderSignedTags(view)), ...countersignExtras(view), Name: '\u0000printed 0' };
    const printed = JSON.parse(formatDockerJson([item])) as { Name: string; SignedTags: unknown[] }[];
    assert.equal(printed[0]!.Name, '\u0000printed 0');
    assert.equal(printed[0]!.SignedTags.length, 1);
  });
});
