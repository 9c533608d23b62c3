// The rules every write job ends with (core/jobs/open.ts, core/publish/publish.ts), against a simulated
// notary server: changes staged earlier are never sent without the user's word; whatever happens to
// the upload, the outcome is what the server was then found to serve.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { CountersignError } from '../../../shared/errors';
import { finishOwn, openForWrite, publishOwn } from '../../../electron/core/jobs/open';
import { publishedOutcome } from '../../../electron/core/jobs/run';
import type { NotaryClient } from '../../../electron/core/notary/notary-client';
import type { TargetMeta } from '../../../electron/core/publish/changes';
import { publishChanges } from '../../../electron/core/publish/publish';
import { stagingArea, type StageContext } from '../../../electron/core/publish/stage';
import { StagedChanges } from '../../../electron/core/publish/staged-store';
import { decodeFile, RepoSimulator, type SimFetcher, type TargetsJson } from '../../helpers/repo-simulator';
import { acceptUpload, heldKeys, simKeysOf } from '../publish/support/sim-publish';

const GUN = 'example.com/team/app';

function meta(seed: string): TargetMeta {
  return { length: 100, hashes: { sha256: createHash('sha256').update(seed).digest('base64') } };
}

/** What the simulated server does with an upload. */
type Upload = (files: ReadonlyMap<string, Uint8Array>, signal: AbortSignal | undefined, store: () => void) => Promise<void>;

let home: string;
let sim: RepoSimulator;
let fetcher: SimFetcher;
let upload: Upload;
const accept: Upload = async (_files, _signal, store) => store();

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'countersign-jobs-'));
  sim = new RepoSimulator({ gun: GUN }).addTarget('targets', 'v0').publish();
  fetcher = sim.fetcher();
  upload = accept;
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** A notary client over the simulator: downloads through `fetcher`, uploads through `upload`. */
function context(signal?: AbortSignal): StageContext {
  const notary = {
    serverUrl: 'https://notary.example.com',
    fetcher: () => fetcher,
    publish: (_gun: string, files: ReadonlyMap<string, Uint8Array>, uploadSignal?: AbortSignal) =>
      upload(files, uploadSignal, () => acceptUpload(sim, { files: new Map(files), versions: {}, serverSigned: [] })),
  } as unknown as NotaryClient;
  return { home, gun: GUN, notary, keys: heldKeys(simKeysOf(sim, 'targets', 'snapshot')), ...(signal ? { signal } : {}), timing: { graceMs: 50, readBackMs: 2000 } } as StageContext;
}

async function stageSign(target: StageContext, tag: string) {
  return stagingArea(target).stage([{ kind: 'target-add', role: 'targets', name: tag, meta: meta(tag) }]);
}

/** The tags the simulated server now serves in targets. */
const served = () => Object.keys(decodeFile<TargetsJson>(sim.file('targets')).signed.targets).sort();

describe('changes staged earlier', () => {
  it('make a job refuse to start, listing them, unless the user says what to do', async () => {
    await stageSign(context(), 'refused-earlier');
    await assert.rejects(openForWrite(context(), 'refuse'), (error: CountersignError) => {
      assert.equal(error.code, 'staged-changes-pending');
      assert.match(error.message, /1 change\(s\) were staged for example\.com\/team\/app before this command[\s\S]*sign refused-earlier in targets/);
      return true;
    });
  });

  it('left staged: the job publishes only its own change, and the earlier one stays staged', async () => {
    await stageSign(context(), 'earlier');
    const job = context();
    await openForWrite(job, 'leave');
    const result = await publishOwn(job, await stageSign(job, 'mine'));
    assert.equal(result.status, 'published');
    assert.deepEqual(result.changes.map((c) => c.kind === 'target-add' && c.name), ['mine']);
    assert.deepEqual(served(), ['mine', 'v0']);
    assert.deepEqual((await stagingArea(job).list()).map((c) => c.kind === 'target-add' && c.name), ['earlier']);
  });

  it('included: both are published, and the outcome names both', async () => {
    await stageSign(context(), 'earlier');
    const job = context();
    await openForWrite(job, 'include');
    const result = await publishOwn(job, await stageSign(job, 'mine'));
    assert.deepEqual(result.changes.map((c) => c.kind === 'target-add' && c.name).sort(), ['earlier', 'mine']);
    assert.deepEqual(served(), ['earlier', 'mine', 'v0']);
    assert.deepEqual(await stagingArea(job).list(), []);
  });
});

describe('an upload that does not clearly succeed', () => {
  it('is published when the server stored it although its answer was lost', async () => {
    upload = async (_files, _signal, store) => {
      store();
      throw new CountersignError('server-unreachable', 'the connection dropped');
    };
    const result = await publishChanges({ ...context(), only: (await stageSign(context(), 'v1')).map((c) => c.id) });
    assert.equal(result.status, 'published');
    assert.equal(result.published, true);
    assert.equal(result.error, undefined, 'the lost answer is no error once the server is seen to have it');
    assert.deepEqual(result.stillStaged, []);
    assert.ok(result.checkedAt, 'the server was asked');
    assert.deepEqual(served(), ['v0', 'v1']);
  });

  it('is failed, and stays staged, when the server refused it', async () => {
    upload = async () => {
      throw new CountersignError('publish-rejected', 'the server refused the update (INVALID_UPDATE)');
    };
    const own = await stageSign(context(), 'v1');
    const result = await publishChanges({ ...context(), only: own.map((c) => c.id) });
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'publish-rejected');
    assert.deepEqual(result.stillStaged.map((c) => c.id), own.map((c) => c.id));
    assert.deepEqual(served(), ['v0']);
  });

  it('is published when the user cancelled while the upload was under way and the server then took it', async () => {
    const controller = new AbortController();
    upload = async (_files, signal, store) => {
      controller.abort(new CountersignError('cancelled', 'Cancelled by the user.'));
      await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(signal?.aborted, false, 'the upload itself is not cut off at once');
      store();
    };
    const job = context(controller.signal);
    await openForWrite(job, 'refuse');
    const result = await publishOwn(job, await stageSign(job, 'v1'));
    assert.equal(result.status, 'published');
    assert.deepEqual(served(), ['v0', 'v1']);
  });

  it('is cancelled, and the job drops its own change, when the server never got it', async () => {
    const controller = new AbortController();
    upload = async (_files, signal) => {
      controller.abort(new CountersignError('cancelled', 'Cancelled by the user.'));
      await new Promise<void>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error)));
    };
    const job = context(controller.signal);
    await openForWrite(job, 'refuse');
    const result = await publishOwn(job, await stageSign(job, 'v1'));
    assert.equal(result.status, 'cancelled');
    assert.deepEqual(result.stillStaged, []);
    assert.deepEqual(await stagingArea(job).list(), [], 'the user cancelled it: it is not kept to be sent later');
    assert.deepEqual(served(), ['v0']);
  });

  it('is unknown, and stays staged, when the server cannot be asked afterwards', async () => {
    upload = async () => {
      fetcher.unreachable();
      throw new CountersignError('timeout', 'the server did not answer the upload in time');
    };
    const own = await stageSign(context(), 'v1');
    const result = await publishChanges({ ...context(), only: own.map((c) => c.id) });
    assert.equal(result.status, 'unknown');
    assert.match(result.error?.message ?? '', /reading the server again .* failed too/);
    assert.deepEqual((await stagingArea(context()).list()).map((c) => c.id), own.map((c) => c.id));
  });

  it('is unknown, not published, and stays staged, when the server accepted it but cannot be read back', async () => {
    upload = async (_files, _signal, store) => {
      store();
      fetcher.unreachable();
    };
    const own = await stageSign(context(), 'v1');
    const result = await publishChanges({ ...context(), only: own.map((c) => c.id) });
    assert.equal(result.status, 'unknown');
    assert.equal(result.published, false);
    assert.match(result.error?.message ?? '', /the server accepted the upload, but reading it back failed/);
    assert.deepEqual((await stagingArea(context()).list()).map((c) => c.id), own.map((c) => c.id), 'the next publish settles it');
  });

  it('is unknown, naming what the server serves, when it accepted the upload but serves something else (a cache in between)', async () => {
    upload = async () => {};
    const own = await stageSign(context(), 'v1');
    const result = await publishChanges({ ...context(), only: own.map((c) => c.id) });
    assert.equal(result.status, 'unknown');
    assert.equal(result.error?.code, 'publish-not-served');
    assert.match(result.error?.message ?? '', /serves when read back is not it \(it serves root v1, targets v2, snapshot v2; we sent targets v3, snapshot v3\)/);
    assert.ok(result.checkedAt, 'the server was asked');
    assert.equal(result.stillStaged.length, 1);
    // Once the server really takes it, the next publish reports it published and drops it.
    upload = accept;
    const next = await publishChanges(context());
    assert.equal(next.status, 'published');
    assert.deepEqual(served(), ['v0', 'v1']);
    assert.deepEqual(await stagingArea(context()).list(), []);
  });
});

describe('a published upload whose staged copy cannot be dropped', () => {
  it('is still published, and says the next publish will drop it', async () => {
    const own = await stageSign(context(), 'v1');
    const dir = new StagedChanges(home, 'https://notary.example.com', GUN).dir;
    upload = async (_files, _signal, store) => {
      store();
      // The batch file becomes unreadable (a directory by its name): dropping it fails, as on a broken disk.
      for (const name of readdirSync(dir)) {
        rmSync(join(dir, name));
        mkdirSync(join(dir, name));
      }
    };
    const result = await publishChanges({ ...context(), only: own.map((c) => c.id) });
    assert.equal(result.status, 'published');
    assert.match(result.error?.message ?? '', /^published, but the staged copies could not be dropped .*the next publish finds them on the server/);
    assert.deepEqual(served(), ['v0', 'v1']);
  });
});

describe('a job stopped before its upload', () => {
  /** A job that opened the repository and staged v1, then the user cancelled. */
  async function cancelledAfterStaging() {
    const controller = new AbortController();
    const job = context(controller.signal);
    await openForWrite(job, 'refuse');
    const own = await stageSign(job, 'v1');
    controller.abort(new CountersignError('cancelled', 'Cancelled by the user.'));
    return { job, own, signal: controller.signal };
  }

  it('cancelled after staging: nothing is sent, the job drops its own change, and the outcome says nothing was sent', async () => {
    const { job, own } = await cancelledAfterStaging();
    const result = await publishOwn(job, own);
    assert.equal(result.status, 'cancelled');
    assert.equal(result.attempts, 0);
    assert.deepEqual(await stagingArea(job).list(), [], 'a later publish must not send what the user cancelled');
    assert.ok(publishedOutcome({ gun: GUN, serverId: 'lab' }, result).notes.includes('cancelled before anything was sent to the server'));
    assert.deepEqual(served(), ['v0']);
  });

  it('cancelled at the publishing step: the job drops its own change before the cancel goes on', async () => {
    const { job, own, signal } = await cancelledAfterStaging();
    await assert.rejects(finishOwn(job, own, () => signal.throwIfAborted()), /Cancelled by the user/);
    assert.deepEqual(await stagingArea(job).list(), []);
  });

  it('failing before the upload (no signing key): a result, not a throw; nothing sent, the change stays staged', async () => {
    const job = { ...context(), keys: heldKeys([]) } as StageContext;
    await openForWrite(job, 'refuse');
    const own = await stageSign(job, 'v1');
    const result = await publishOwn(job, own);
    assert.equal(result.status, 'failed');
    assert.equal(result.attempts, 0);
    assert.equal(result.checkedAt, undefined, 'nothing was sent, so the server was not asked');
    assert.deepEqual(result.stillStaged.map((c) => c.id), own.map((c) => c.id));
    assert.ok(publishedOutcome({ gun: GUN, serverId: 'lab' }, result).notes.includes('stopped before anything was sent to the server'));
    assert.deepEqual(served(), ['v0']);
  });
});
