// How a job's end becomes a repository's outcome (core/jobs/run.ts): what a change did is said only
// when the server has it, and a job that published and then stopped keeps what it published.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { CountersignError } from '../../../shared/errors';
import type { JobEnvironment } from '../../../electron/core/jobs/environment';
import { forEachRepository, publishEach, publishedOutcome, StoppedAfterPublish, type FlowContext } from '../../../electron/core/jobs/run';
import type { PublishResult, PublishStatus } from '../../../electron/core/publish/publish';

const REF = { gun: 'example.com/team/app', serverId: 'lab' };
let home: string;
beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'countersign-outcomes-'))));
afterEach(() => rmSync(home, { recursive: true, force: true }));

function result(status: PublishStatus, extra: Partial<PublishResult> = {}): PublishResult {
  const published = status === 'published';
  return { gun: REF.gun, status, published, changes: [], stillStaged: [], versions: published ? { targets: 3 } : {}, serverSigned: [], attempts: status === 'unchanged' ? 0 : 1, ...extra };
}

function flow(signal = new AbortController().signal): FlowContext {
  return { signal, progress: () => {} };
}

/** Only what publishEach reads of the environment: the home dir, for the staged-changes notes. */
const env = (): JobEnvironment => ({ homeDir: home, notary: () => ({ serverUrl: 'https://notary.example.com' }) }) as unknown as JobEnvironment;

describe('what a change did', () => {
  for (const [status, shown] of [['published', true], ['unchanged', true], ['failed', false], ['cancelled', false], ['unknown', false]] as const) {
    it(`is ${shown ? '' : 'not '}said when the publish is ${status}; what was kept is said either way`, async () => {
      const summary = await publishEach(env(), [REF], flow(), async () => ({ result: result(status), notes: ['kept: the keychain holds none of its keys'], effects: ['1 tag(s) are no longer trusted: v1'] }));
      const notes = summary.outcomes[0]!.notes;
      assert.ok(notes.includes('kept: the keychain holds none of its keys'));
      assert.equal(notes.includes('1 tag(s) are no longer trusted: v1'), shown);
    });
  }
});

describe('a job that published and then stopped', () => {
  it('reports what it published, and why it stopped, instead of "nothing was sent"', async () => {
    const { outcomes } = await forEachRepository([REF], flow(), async () => {
      throw new StoppedAfterPublish([result('published')], new CountersignError('root-rotation', 'a client that trusted the old root could not follow'));
    }, () => assert.fail('not reached'));
    const outcome = outcomes[0]!;
    assert.equal(outcome.status, 'published');
    assert.deepEqual(outcome.versions, { targets: 3 });
    assert.equal(outcome.error?.code, 'root-rotation');
    assert.match(outcome.notes[0]!, /^stopped after publishing \(a client that trusted the old root could not follow\): what is listed as published is on the server$/);
  });

  it('says "cancelled after publishing" when the user cancelled the later step', async () => {
    const controller = new AbortController();
    const { outcomes, cancelled } = await forEachRepository([REF], flow(controller.signal), async () => {
      controller.abort(new CountersignError('cancelled', 'Cancelled by the user.'));
      throw new StoppedAfterPublish([result('published')], controller.signal.reason);
    }, () => assert.fail('not reached'));
    assert.equal(cancelled, true);
    assert.equal(outcomes[0]!.status, 'published');
    assert.match(outcomes[0]!.notes[0]!, /^cancelled after publishing \(Cancelled by the user\.\)/);
  });
});

describe('a repository a cancelled run did not get to', () => {
  it('carries the cancel as its error, so that no reader takes "found nothing" for "checked"', async () => {
    const controller = new AbortController();
    const second = { gun: 'example.com/team/other', serverId: 'lab' };
    const { outcomes } = await forEachRepository([REF, second], flow(controller.signal), async (ref) => {
      controller.abort(new CountersignError('cancelled', 'Cancelled by the user.'));
      if (ref === second) assert.fail('not started');
      throw controller.signal.reason;
    }, () => assert.fail('no result'));
    assert.deepEqual(outcomes.map((o) => [o.status, o.error?.code]), [['cancelled', 'cancelled'], ['cancelled', 'cancelled']]);
  });
});

describe('why a publish is not on the server', () => {
  it('names whether anything was sent and whether the server was asked', () => {
    const note = (status: PublishStatus, extra: Partial<PublishResult>) => publishedOutcome(REF, result(status, extra)).notes;
    assert.deepEqual(note('cancelled', { attempts: 0 }), ['cancelled before anything was sent to the server']);
    assert.deepEqual(note('failed', { attempts: 0 }), ['stopped before anything was sent to the server']);
    assert.deepEqual(note('failed', { attempts: 2 }), ['stopped after the server refused the upload (someone else published first): it has none of these changes']);
    assert.deepEqual(note('failed', { checkedAt: '2026-12-08T00:00:00.000Z' }), ['the server was asked afterwards and does not have these changes']);
    assert.deepEqual(note('cancelled', { checkedAt: '2026-12-08T00:00:00.000Z' }), ['cancelled; the server was asked afterwards and does not have these changes']);
  });
});
