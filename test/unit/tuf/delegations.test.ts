// Delegations: a delegated role may only sign targets inside its own paths and every ancestor's,
// and only a parent's direct children are delegations of it. A delegation that fails verification
// is left out with its whole subtree — its tags disappear, a warning says which role failed and why —
// while everything else still verifies (docker does the same; notary drops such targets silently).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { CountersignError, type ErrorCode } from '../../../shared/errors';
import { buildRepositoryView } from '../../../electron/core/trust/repository-view';
import { refreshRepository, type MetadataFetcher, type RefreshResult } from '../../../electron/core/tuf/updater';
import { flippedSignature, releasedRepository, verdictOf } from '../../helpers/tamper';
import { delegationFailure, refreshSim } from '../../helpers/tuf-harness';
import { RepoSimulator } from '../../helpers/repo-simulator';

function viewOf(result: RefreshResult) {
  return buildRepositoryView(result.trusted, result.failedDelegations, { server: 'https://notary.test', source: 'server', verifiedAt: '2026-01-01T00:00:00Z' });
}

function tagRows(result: RefreshResult): string[] {
  return viewOf(result).signedTags.map((row) => `${row.tag} ${row.signers.join('+')}`);
}

describe('delegation path escape', () => {
  it('refuses a delegation that lists a target outside its paths', async () => {
    const sim = releasedRepository((s) => {
      s.addDelegation('targets/alice', { paths: ['alice/'] });
      s.addTarget('targets/alice', 'bob/tool');
    });
    assert.deepEqual(await verdictOf(sim, 'targets/alice'), { code: 'delegation-path', role: 'targets/alice' });
  });

  it('refuses a nested delegation that lists a target inside its own paths but outside its parent\'s', async () => {
    const sim = releasedRepository((s) => {
      s.addDelegation('targets/team', { paths: ['team/'] });
      s.addDelegation('targets/team/sub', { paths: [''] });
      s.addTarget('targets/team/sub', 'other/tool');
    });
    assert.deepEqual(await verdictOf(sim, 'targets/team/sub'), { code: 'delegation-path', role: 'targets/team/sub' });
  });

  it('accepts a nested delegation inside its own and its parent\'s paths', async () => {
    const sim = releasedRepository((s) => {
      s.addDelegation('targets/team', { paths: ['team/'] });
      s.addDelegation('targets/team/sub', { paths: ['team/sub/'] });
      s.addTarget('targets/team', 'team/app').addTarget('targets/team/sub', 'team/sub/tool');
    });
    const result = await refreshSim(sim);
    assert.deepEqual(result.failedDelegations, []);
    assert.ok(result.trusted.delegations.has('targets/team/sub'));
  });

  // notary (isValidTargetsStructure) refuses the whole file that delegates to a non-child, before
  // anything is fetched for that name: for targets, the repository.
  it('refuses targets when it delegates a role that is not its direct child (targets/team/sub), fetching nothing for it', async () => {
    const sim = releasedRepository((s) => {
      s.addDelegationTo('targets', 'targets/team/sub');
    });
    const fetcher = sim.fetcher();
    assert.deepEqual(await verdictOf(sim, 'targets', { fetcher }), { code: 'delegation-path', role: 'targets' });
    assert.ok(!fetcher.requests.some((name) => name.startsWith('targets/team')), fetcher.requests.join(', '));
  });

  it('leaves out a delegation that hands out its sibling (targets/alice delegating targets/bob), admitting nothing of the sibling', async () => {
    const sim = releasedRepository((s) => {
      s.addDelegation('targets/alice');
      s.addDelegationTo('targets/alice', 'targets/bob');
    });
    assert.deepEqual(await verdictOf(sim, 'targets/alice'), { code: 'delegation-path', role: 'targets/alice' });
    // targets/bob's file, which snapshot lists, may have been downloaded early; it is never read.
    const result = await refreshSim(sim);
    assert.equal(result.trusted.delegations.has('targets/bob'), false);
    assert.deepEqual(result.failedDelegations.map((f) => f.role), ['targets/alice']);
  });

  it('gives a child nothing of its paths outside its parent\'s ("" under "team/" is no path at all, as notary restricts it)', async () => {
    const sim = releasedRepository((s) => {
      s.addDelegation('targets/team', { paths: ['team/'] });
      s.addDelegation('targets/team/sub', { paths: [''] });
      s.addTarget('targets/team/sub', 'team/tool');
    });
    assert.deepEqual(await verdictOf(sim, 'targets/team/sub'), { code: 'delegation-path', role: 'targets/team/sub' });
  });

  it('does not widen paths by path_hash_prefixes, a field notary does not know', async () => {
    const prefix = createHash('sha256').update('v7').digest('hex').slice(0, 2);
    const sim = releasedRepository((s) => {
      s.addDelegation('targets/hashed', { paths: [] });
      s.editTargets('targets', (t) => {
        t.delegations.roles.find((r) => r.name === 'targets/hashed')!.path_hash_prefixes = [prefix];
      });
      s.addTarget('targets/hashed', 'v7');
    });
    assert.deepEqual(await verdictOf(sim, 'targets/hashed'), { code: 'delegation-path', role: 'targets/hashed' });
  });
});

describe('a delegation that fails verification', () => {
  /** targets and releases hold v1, releases also v2, alice co-signs v1 and v2. */
  function cosigned(): RepoSimulator {
    return releasedRepository((s) => {
      s.addTarget('targets/releases', 'v2', { sha256Hex: 'bb'.repeat(32) });
      s.addDelegation('targets/alice');
      s.addTarget('targets/alice', 'v1', { sha256Hex: 'aa'.repeat(32) }).addTarget('targets/alice', 'v2', { sha256Hex: 'bb'.repeat(32) });
      s.addTarget('targets', 'v1', { sha256Hex: 'aa'.repeat(32) });
    });
  }

  it('shows every tag with its signers when all delegations verify', async () => {
    const result = await refreshSim(cosigned());
    assert.deepEqual(tagRows(result), ['v1 alice', 'v2 alice']);
  });

  it('leaves out the tags only that role signed, and says which role failed and why', async () => {
    const sim = cosigned();
    sim.editSigned('targets/releases', () => undefined).publish({ rewrite: { 'targets/releases': flippedSignature } });
    const result = await refreshSim(sim);
    assert.deepEqual(tagRows(result), ['v1 alice']);
    const view = viewOf(result);
    assert.deepEqual(view.warnings.map((w) => [w.code, w.role]), [['signature-threshold', 'targets/releases']]);
    const releases = view.roles.find((r) => r.name === 'targets/releases');
    assert.equal(releases?.status, 'failed');
    assert.equal(releases?.error?.code, 'signature-threshold');
    assert.equal(result.toStore.files.has('targets/releases'), false);
  });

  it('drops a failed co-signer from the signers of the tags it signed', async () => {
    const sim = cosigned();
    sim.setExpires('targets/alice', new Date(sim.now.getTime() - 1000)).publish();
    const result = await refreshSim(sim);
    assert.deepEqual(tagRows(result), ['v1 Repo Admin', 'v2 Repo Admin']);
    assert.deepEqual(delegationFailure(result, 'targets/alice'), { code: 'expired', role: 'targets/alice' });
  });

  it('leaves out the whole subtree of a failed delegation', async () => {
    const sim = releasedRepository((s) => {
      s.addDelegation('targets/team', { paths: ['team/'] });
      s.addDelegation('targets/team/sub', { paths: ['team/sub/'] });
      s.addTarget('targets/team/sub', 'team/sub/tool');
      s.setExpires('targets/team', new Date(s.now.getTime() - 1000));
    });
    const result = await refreshSim(sim);
    assert.deepEqual(result.failedDelegations.map((f) => f.role), ['targets/team']);
    assert.equal(result.trusted.delegations.has('targets/team/sub'), false);
    assert.ok(result.trusted.delegations.has('targets/releases'));
  });

  it('reports a delegation that snapshot lists but the server does not have as role-missing', async () => {
    const sim = releasedRepository();
    const fetcher = sim.fetcher().intercept((name) => name.startsWith('targets/releases'), () => null);
    assert.deepEqual(await verdictOf(sim, 'targets/releases', { fetcher }), { code: 'role-missing', role: 'targets/releases' });
  });

  // notary's client too stops the whole update on anything but an expired or under-signed delegation.
  for (const code of ['timeout', 'tls-failed', 'http-status', 'auth-failed', 'access-denied', 'not-notary-server'] as const satisfies readonly ErrorCode[]) {
    it(`stops the refresh when a delegation cannot be read (${code}): unreachable is not "failed verification"`, async () => {
      const sim = cosigned();
      const fetcher = sim.fetcher().intercept((name) => name.startsWith('targets/releases'), () => {
        throw new CountersignError(code, `the download of targets/releases ended with ${code}`);
      });
      await assert.rejects(refreshRepository({ gun: sim.gun, fetcher, now: sim.now }), (error: CountersignError) => error.code === code);
    });
  }

  it('treats a delegation that was never published (snapshot does not list it) as empty, as notary does', async () => {
    const sim = releasedRepository((s) => s.addDelegation('targets/alice'));
    sim.publish({ editSnapshot: (snapshot) => delete snapshot.meta['targets/alice'] });
    const result = await refreshSim(sim);
    assert.deepEqual(result.failedDelegations, []);
    assert.equal(result.trusted.delegations.has('targets/alice'), false);
    assert.ok(viewOf(result).signers.some((s) => s.name === 'alice'));
  });
});

describe('delegations snapshot lists, asked for early', () => {
  // A big repository's targets takes tens of milliseconds to verify; the delegations' downloads go on
  // meanwhile. Here targets is answered only once targets/releases has been asked for: the refresh
  // completes only if that request left before targets was verified.
  it('asks for each delegation under targets while targets is still on its way', async () => {
    const sim = releasedRepository((s) => {
      s.addDelegation('targets/alice');
      s.addTarget('targets/alice', 'v2');
    });
    const served = sim.fetcher();
    const waiting = new Set(['targets/releases', 'targets/alice']);
    let allAskedFor: () => void = () => undefined;
    const delegationsAskedFor = new Promise<void>((resolve) => (allAskedFor = resolve));
    const fetcher: MetadataFetcher = {
      async fetch(name, maxBytes) {
        if (waiting.delete(name.replace(/\.[0-9a-f]{64}\.json$/, '')) && waiting.size === 0) allAskedFor();
        if (/^targets\.[0-9a-f]{64}\.json$/.test(name)) await within(delegationsAskedFor, 2000, 'targets was needed before the delegations were asked for');
        return served.fetch(name, maxBytes);
      },
    };
    const result = await refreshRepository({ gun: sim.gun, fetcher });
    assert.deepEqual([...result.trusted.delegations.keys()].sort(), ['targets/alice', 'targets/releases']);
    assert.deepEqual(result.failedDelegations, []);
  });

  it('downloads each delegation once, however early it was asked for', async () => {
    const sim = releasedRepository((s) => s.addDelegation('targets/alice'));
    const fetcher = sim.fetcher();
    await refreshSim(sim, { fetcher });
    assert.equal(fetcher.requests.filter((name) => name.startsWith('targets/')).length, 2, fetcher.requests.join(', '));
  });

  // A server holding the snapshot key could list roles nobody delegates, each claimed huge.
  it('asks early for nothing when snapshot lists more than 16 MiB of delegations, and never for one nobody delegates', async () => {
    const sim = releasedRepository((s) => s.addDelegation('targets/alice'));
    sim.publish({ editSnapshot: (snapshot) => (snapshot.meta['targets/bulk'] = { length: 17 * 1024 * 1024, hashes: { sha256: createHash('sha256').update('bulk').digest('base64') } }) });
    const fetcher = sim.fetcher();
    const result = await refreshSim(sim, { fetcher });
    assert.deepEqual([...result.trusted.delegations.keys()].sort(), ['targets/alice', 'targets/releases']);
    assert.ok(!fetcher.requests.some((name) => name.startsWith('targets/bulk')), fetcher.requests.join(', '));
  });

  it('asks for nothing a deeper level lists until its parent is verified (nested roles are walked level by level)', async () => {
    const sim = releasedRepository((s) => {
      s.addDelegation('targets/team', { paths: ['team/'] });
      s.addDelegation('targets/team/sub', { paths: ['team/sub/'] });
    });
    const fetcher = sim.fetcher().tamper('targets/team', flippedSignature);
    const result = await refreshSim(sim, { fetcher });
    assert.deepEqual(result.failedDelegations.map((f) => f.role), ['targets/team']);
    assert.ok(!fetcher.requests.some((name) => name.startsWith('targets/team/sub')), fetcher.requests.join(', '));
  });
});

function within(promise: Promise<void>, ms: number, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
