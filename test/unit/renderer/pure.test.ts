import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RoleView, SignedTagView } from '../../../shared/domain';
import { formatRoute, parseRoute, type Route } from '../../../renderer/src/app/routes';
import { expiryLevel, relativeTime } from '../../../renderer/src/components/format';
import { roleTree } from '../../../renderer/src/features/repository/KeyHierarchy';
import { sortRoles } from '../../../renderer/src/features/repository/RolesTable';
import { filterTags } from '../../../renderer/src/features/repository/SignedTags';

describe('routes', () => {
  it('survive a round trip through the URL hash, GUNs with slashes and ports included', () => {
    const routes: Route[] = [
      { screen: 'start' },
      { screen: 'servers' },
      { screen: 'repositories' },
      { screen: 'repository', serverId: 'team-notary', gun: 'localhost:5000/team/app' },
      { screen: 'cached', gun: 'docker.io/library/alpine' },
      { screen: 'keys' },
      { screen: 'settings' },
      { screen: 'init', serverId: 'team-notary', gun: 'localhost:5000/team/new-app' },
    ];
    for (const route of routes) assert.deepEqual(parseRoute(formatRoute(route)), route);
  });

  it('ignore hashes that name no screen', () => {
    assert.equal(parseRoute('#/nowhere'), undefined);
    assert.equal(parseRoute('#/cached'), undefined);
  });
});

describe('expiry', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('is expired, soon (within the warning days) or ok', () => {
    assert.equal(expiryLevel('2025-12-31T00:00:00Z', 30, now), 'expired');
    assert.equal(expiryLevel('2026-01-20T00:00:00Z', 30, now), 'soon');
    assert.equal(expiryLevel('2026-03-01T00:00:00Z', 30, now), 'ok');
  });
  it('reads as a person would say it', () => {
    assert.equal(relativeTime('2026-01-15T00:00:00Z', now), 'in 14 days');
    assert.equal(relativeTime('2029-01-01T00:00:00Z', now), 'in 3 years');
    assert.equal(relativeTime('2025-12-30T00:00:00Z', now), '2 days ago');
  });
});

describe('the signed tags filter', () => {
  const tags: SignedTagView[] = [
    { tag: 'v1', digest: 'aa11', size: 1, signers: ['alice'], roles: [] },
    { tag: 'v2', digest: 'bb22', size: 1, signers: ['Bob'], roles: [] },
  ];
  const index = tags.map((t) => `${t.tag} ${t.digest} ${t.signers.join(' ')}`.toLowerCase());
  it('matches tag, digest or signer, ignoring case', () => {
    assert.deepEqual(filterTags(tags, index, 'BOB').map((t) => t.tag), ['v2']);
    assert.deepEqual(filterTags(tags, index, 'aa1').map((t) => t.tag), ['v1']);
    assert.equal(filterTags(tags, index, '  '), tags);
  });
});

describe('the key hierarchy', () => {
  const role = (name: string): RoleView => ({ name, status: 'verified' });
  it('hangs nested delegations under their parent, and orphans under targets', () => {
    const tree = roleTree(['timestamp', 'targets/team/sub', 'root', 'targets', 'targets/team', 'snapshot', 'targets/x/y'].map(role));
    const shape = (node: NonNullable<typeof tree>): unknown => ({ [node.role.name]: node.children.map(shape) });
    assert.deepEqual(shape(tree!), {
      root: [{ targets: [{ 'targets/team': [{ 'targets/team/sub': [] }] }, { 'targets/x/y': [] }] }, { snapshot: [] }, { timestamp: [] }],
    });
  });
  it('has no picture without a root', () => {
    assert.equal(roleTree([role('targets')]), undefined);
  });
  it('lists top-level roles in TUF order before delegations', () => {
    assert.deepEqual(sortRoles(['targets/b', 'timestamp', 'targets/a', 'root', 'snapshot', 'targets'].map(role)).map((r) => r.name), [
      'root', 'targets', 'snapshot', 'timestamp', 'targets/a', 'targets/b',
    ]);
  });
});
