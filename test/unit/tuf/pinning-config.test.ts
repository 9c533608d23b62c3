// Trust pinning configured in <home>/trust-pinning.json (notary's trust_pinning shape) is honoured by
// every reader of a repository, and a broken file is an error, never a silent fall back to TOFU.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { loadRepository } from '../../../electron/core/trust/load-repository';
import { PINNING_FILE } from '../../../electron/core/trust/pinning-config';
import { releasedRepository } from '../../helpers/tamper';
import { refusal, tempDir } from '../../helpers/tuf-harness';
import type { RepoSimulator } from '../../helpers/repo-simulator';

const SERVER = 'https://notary.test';

let home: { dir: string; remove: () => void };
beforeEach(() => {
  home = tempDir('tuf-pinning-config');
});
afterEach(() => home.remove());

function configure(config: unknown): void {
  writeFileSync(join(home.dir, PINNING_FILE), typeof config === 'string' ? config : JSON.stringify(config));
}

function load(sim: RepoSimulator) {
  return loadRepository({ home: home.dir, server: SERVER, gun: sim.gun, fetcher: sim.fetcher() });
}

describe('trust-pinning.json', () => {
  it('accepts a first root signed by the pinned certificate', async () => {
    const sim = releasedRepository();
    configure({ certs: { [sim.gun]: [sim.root.roles.root.keyids[0]] } });
    const { view } = await load(sim);
    assert.deepEqual(view.signedTags.map((t) => t.tag), ['v1']);
  });

  it('refuses a first root that no pinned certificate signed', async () => {
    const sim = releasedRepository();
    configure({ certs: { [sim.gun]: ['ab'.repeat(32)] } });
    await assert.rejects(load(sim), refusal('root-pin-mismatch', 'root'));
  });

  it('refuses a repository met for the first time when disable_tofu is set and no pin covers it', async () => {
    const sim = releasedRepository();
    configure({ disable_tofu: true });
    await assert.rejects(load(sim), refusal('root-pin-mismatch', 'root'));
  });

  it('is an error, not trust on first use, when the file is broken', async () => {
    const sim = releasedRepository();
    configure('{"certs": ');
    await assert.rejects(load(sim), refusal('config-invalid'));
    configure({ certs: { [sim.gun]: ['not-a-key-id'] } });
    await assert.rejects(load(sim), refusal('config-invalid'));
    configure({ ca: { 'example.com/': 'missing-ca.pem' } });
    await assert.rejects(load(sim), refusal('config-invalid'));
  });
});
