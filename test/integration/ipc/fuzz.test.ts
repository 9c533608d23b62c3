// 10,000 hostile messages through the real router and the real services (a throwaway home, the real
// Secret Service of scripts/with-keyring.sh): every one gets a Result, every refusal a code from the
// contract's list and never `internal`, and no answer echoes a huge name back. Seeded, so a failure
// can be replayed.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHANNEL_NAMES } from '../../../shared/contract';
import { ERROR_CODES } from '../../../shared/errors';
import { confBackend } from '../../../electron/core/keys';
import { createHandlers } from '../../../electron/ipc/handlers';
import { PickedPaths } from '../../../electron/ipc/picked-paths';
import { createRouter, type Router } from '../../../electron/ipc/router';
import { createServices, type RunningServices } from '../../../electron/ipc/wire-services';
import { ScriptedChooser } from '../../e2e/host/chooser';
import { requireKeyringSession } from '../keys/support/vault-fixture';

const MESSAGES = 10_000;
const SEED = Number(process.env['FUZZ_SEED'] ?? 15);

/** mulberry32: small, seeded, good enough to pick from lists. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_STRINGS = [
  '', ' ', 'a', 'root', 'targets', 'targets/releases', 'targets/../../etc', '..', '../../../../proc/self/mem', '/proc/self/fd/0',
  'a\u001b[2Jb', '\u001b]0;pwned\u0007', 'x\u0000y', 'line\nline', 'role\ngun: evil.com/x', 'C:\\Windows\\System32', '\\\\server\\share',
  'x'.repeat(20_000), '\u202egnp.exe', '__proto__', 'constructor', 'https://127.0.0.1:1', 'http://127.0.0.1:1', 'file:///etc/passwd',
  'a'.repeat(64), 'sha256:' + '0'.repeat(64), 'pick-' + '0'.repeat(32), 'example.com/app', 'team-notary', '%2e%2e%2f',
];

function value(next: () => number, depth: number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const kind = Math.floor(next() * (depth > 2 ? 6 : 9));
  switch (kind) {
    case 0:
    case 1:
      return pick(HOSTILE_STRINGS);
    case 2:
      return pick([0, -1, 1.5, 2 ** 53, Number.NaN, Infinity, 1e308]);
    case 3:
      return pick([true, false, null, undefined]);
    case 4:
      return pick(HOSTILE_STRINGS) + pick(HOSTILE_STRINGS);
    case 5:
      return {};
    case 6:
    case 7: {
      const object: Record<string, unknown> = {};
      const fields = ['gun', 'serverId', 'id', 'role', 'dir', 'file', 'keyId', 'passphrase', 'passphrases', 'tag', 'name', 'server', 'url', 'repositories', 'confirm', 'purpose', pick(HOSTILE_STRINGS)];
      for (let i = Math.floor(next() * 4); i > 0; i--) object[pick(fields)] = value(next, depth + 1);
      return object;
    }
    default:
      return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
  }
}

let home: string;
let services: RunningServices;
let router: Router;

before(async () => {
  requireKeyringSession();
  home = await mkdtemp(join(tmpdir(), 'countersign-fuzz-'));
  services = createServices({ runtime: 'test-host', version: 'fuzz', homeDir: home, dockerConfigDir: join(home, 'docker'), settingsBackend: confBackend(home) });
  const chooser = new ScriptedChooser();
  router = createRouter(createHandlers({ ...services, paths: new PickedPaths(chooser) }));
});

after(async () => {
  services?.close();
  await rm(home, { recursive: true, force: true });
});

describe('the IPC router under 10,000 hostile messages', () => {
  it('answers every one with a Result: 0 crashes, 0 untyped errors, no huge echoes', async () => {
    const next = random(SEED);
    const codes = new Map<string, number>();
    const untyped: string[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const channel = next() < 0.9 ? CHANNEL_NAMES[Math.floor(next() * CHANNEL_NAMES.length)]! : String(value(next, 2));
      const shape = next();
      const envelope = shape < 0.8 ? { request: value(next, 0) } : shape < 0.9 ? { request: value(next, 0), operationId: value(next, 2) } : value(next, 0);
      const result = await router.dispatch(channel, envelope, { session: 'fuzz', emitProgress: () => undefined });
      assert.equal(typeof result.ok, 'boolean', `message ${i} got no Result`);
      if (result.ok) continue;
      codes.set(result.error.code, (codes.get(result.error.code) ?? 0) + 1);
      if (!(ERROR_CODES as readonly string[]).includes(result.error.code) || result.error.code === 'internal') {
        untyped.push(`#${i} ${channel.slice(0, 40)}: ${result.error.code}: ${result.error.message.slice(0, 200)}`);
      }
      assert.ok(result.error.message.length < 4_096, `message ${i} (${channel.slice(0, 40)}) answered ${result.error.message.length} characters`);
      assert.ok(!/[\u0000\u001b]/.test(result.error.message), `message ${i} (${channel.slice(0, 40)}) echoed a control character`);
    }
    assert.deepEqual(untyped, [], 'untyped (internal) errors');
    assert.ok((codes.get('invalid-ipc-payload') ?? 0) > MESSAGES / 2, 'most messages were refused at the door');
  });
});
