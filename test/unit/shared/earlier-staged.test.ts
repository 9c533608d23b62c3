// Answering "changes were staged here earlier" runs a job again only where it was waiting, and the
// summary keeps what the first run did everywhere else (shared/earlier-staged.ts, both front ends).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitingForEarlierStaged, withRetried } from '../../../shared/earlier-staged';
import type { FlowSummary, RepositoryOutcome } from '../../../shared/schemas/flows';

function outcome(gun: string, status: RepositoryOutcome['status'], code?: 'staged-changes-pending'): RepositoryOutcome {
  return { gun, serverId: 'lab', status, changes: [], stillStaged: [], versions: {}, serverSigned: [], notes: [], ...(code ? { error: { code, message: 'staged earlier' } } : {}) };
}

describe('a job answered about earlier staged changes', () => {
  const first: FlowSummary = { outcomes: [outcome('a', 'published'), outcome('b', 'failed', 'staged-changes-pending'), outcome('c', 'failed', 'staged-changes-pending')] };

  it('runs again for the repositories that were waiting only', () => {
    assert.deepEqual(waitingForEarlierStaged(first), [{ gun: 'b', serverId: 'lab' }, { gun: 'c', serverId: 'lab' }]);
  });

  it("keeps the first run's outcome of a repository it did not run again, in the first run's order", () => {
    const merged = withRetried(first, { outcomes: [outcome('c', 'published'), outcome('b', 'unchanged')], cancelled: true });
    assert.deepEqual(merged.outcomes.map((o) => `${o.gun} ${o.status}`), ['a published', 'b unchanged', 'c published']);
    assert.equal(merged.cancelled, true, 'the second run says how the whole ended');
  });
});
