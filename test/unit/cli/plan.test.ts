// `--plan` on the CLI's write commands prints the core's plan: one line per role with its keys and
// where each is, the changes staged earlier, then each problem with its fix and the command that
// makes it; exit 0 when ready, 1 when blocked. Names from a server, the vault or the staging area are
// shown on their own line only, with control characters as \uXXXX, in text and in --json alike.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from '../../../electron/cli/command';
import { runCli } from '../../../electron/cli/main';
import { formatPlan, printPlans } from '../../../electron/cli/plan';
import type { WritePlan } from '../../../shared/schemas/flows';

const TARGETS_ID = 'a'.repeat(64);
const SNAPSHOT_ID = 'b'.repeat(64);
const TIMESTAMP_ID = 'c'.repeat(64);
const HOSTILE = '\u001b[2J\u001b[Hforged\nFix: run rm -rf\u009b31m\u202e';

function readySign(): WritePlan {
  return {
    gun: 'example.com/app',
    serverId: 'https://notary.example.com',
    job: 'sign',
    server: 'https://notary.example.com',
    repository: 'exists',
    roles: [
      { role: 'targets', signer: 'you', threshold: 1, keys: [{ keyId: TARGETS_ID, shortId: TARGETS_ID.slice(0, 12), presence: 'keychain', label: 'release key' }] },
      { role: 'snapshot', signer: 'server', threshold: 1, keys: [{ keyId: SNAPSHOT_ID, shortId: SNAPSHOT_ID.slice(0, 12), presence: 'server' }] },
      { role: 'timestamp', signer: 'server', threshold: 1, keys: [{ keyId: TIMESTAMP_ID, shortId: TIMESTAMP_ID.slice(0, 12), presence: 'server' }] },
    ],
    staged: [],
    problems: [],
    ready: true,
  };
}

function blockedSign(): WritePlan {
  const plan = readySign();
  return {
    ...plan,
    roles: plan.roles.map((role) => (role.role === 'targets' ? { ...role, keys: role.keys.map((key) => ({ ...key, presence: 'missing' as const })) } : role)),
    staged: [{ id: 'c-1', kind: 'target-add', stagedAt: '2026-12-07T07:00:00.000Z', description: 'sign v0 in targets' }],
    problems: [
      {
        code: 'import-key',
        message: `Signing targets needs 1 of its keys (${TARGETS_ID.slice(0, 12)}); this keychain holds 0.`,
        fix: 'Import the targets key: Keys, import from a docker trust folder or an encrypted key file.',
        place: 'keys',
        role: 'targets',
      },
    ],
    ready: false,
  };
}

function capture() {
  let out = '';
  return { cli: { json: false, out: { write: (text: string) => void (out += text) } }, text: () => out };
}

/** A command that prints `plans` as --plan does, run through the CLI's own output sink. */
async function runPrinting(plans: WritePlan[], argv: string[]) {
  const command: Command = { name: 'show', summary: 'prints a plan', usage: '', options: {}, run: async (context) => printPlans(context, plans) };
  let out = '';
  const code = await runCli(['show', ...argv], { out: { write: (t) => void (out += t) }, err: { write: () => undefined }, env: {} }, [command]);
  return { code, out };
}

describe('countersign --plan, printed', () => {
  it('a ready plan: one line per role with its keys, short IDs, labels and where each is; exit 0; nothing written', () => {
    const { cli, text } = capture();
    assert.equal(printPlans(cli, [readySign()]), 0);
    assert.equal(
      text(),
      [
        'Plan: sign example.com/app on https://notary.example.com: ready',
        'Roles that get a new version:',
        `  targets    signed by you, 1 of 1 key: ${TARGETS_ID.slice(0, 12)} "release key" in the keychain`,
        `  snapshot   signed by the server, 1 of 1 key: ${SNAPSHOT_ID.slice(0, 12)} held by the server`,
        `  timestamp  signed by the server, 1 of 1 key: ${TIMESTAMP_ID.slice(0, 12)} held by the server`,
        'Nothing was signed, staged or sent.',
        '',
      ].join('\n'),
    );
  });

  it('a blocked plan: the missing key, the changes staged earlier, then the problem with its fix and the CLI command; exit 1', () => {
    const { cli, text } = capture();
    assert.equal(printPlans(cli, [blockedSign()]), 1);
    const lines = text().split('\n');
    assert.equal(lines[0], 'Plan: sign example.com/app on https://notary.example.com: blocked');
    assert.ok(lines.includes(`  targets    signed by you, 1 of 1 key: ${TARGETS_ID.slice(0, 12)} "release key" missing (not in this keychain)`), text());
    assert.ok(lines.includes('Staged earlier (sent with it only with --include-staged):'));
    assert.ok(lines.includes('  c-1  sign v0 in targets'));
    const at = lines.indexOf('Blocked:');
    assert.deepEqual(lines.slice(at, at + 4), [
      'Blocked:',
      `  import-key [targets]: Signing targets needs 1 of its keys (${TARGETS_ID.slice(0, 12)}); this keychain holds 0.`,
      '    Fix: Import the targets key: Keys, import from a docker trust folder or an encrypted key file.',
      '    With the CLI: countersign key import FILE|TRUST_DIR',
    ]);
    assert.ok(!text().includes('Nothing was signed'), 'a blocked plan does not claim it is ready to go');
  });

  it('an offline key is named with its file, and each fix that the CLI makes names its command', () => {
    const plan: WritePlan = {
      ...readySign(),
      job: 'expiry',
      roles: [{ role: 'root', signer: 'you', threshold: 1, keys: [{ keyId: TARGETS_ID, shortId: TARGETS_ID.slice(0, 12), presence: 'offline', offlineFile: '/media/usb/root.key' }] }],
      problems: [
        { code: 'bring-key-online', message: 'The root key is offline.', fix: 'Bring the root key online.', place: 'keys', role: 'root' },
        { code: 'add-yourself-as-signer', message: 'm', fix: 'f', place: 'delegate' },
        { code: 'initialise-repository', message: 'm', fix: 'f', place: 'init' },
        { code: 'sign-in', message: 'm', fix: 'f', place: 'servers' },
        { code: 'not-verified', message: 'm', fix: 'f', place: 'repository' },
      ],
      ready: false,
    };
    const text = formatPlan(plan);
    assert.match(text, /^ {2}root {2}signed by you, 1 of 1 key: a{12} offline in \/media\/usb\/root\.key$/m);
    const commands = text.split('\n').filter((line) => line.startsWith('    With the CLI: ')).map((line) => line.slice('    With the CLI: '.length));
    assert.deepEqual(commands, [
      'countersign key online KEYID',
      "countersign key generate NAME, then (by the targets key's holder) countersign signer add NAME example.com/app --key NAME.pub",
      'countersign init example.com/app',
      'countersign login https://notary.example.com',
    ]);
  });

  it('an unsigned or unreadable repository is said so, never shown as a repository with no roles', () => {
    const absent = formatPlan({ ...readySign(), repository: 'absent', roles: [], problems: [{ code: 'initialise-repository', message: 'm', fix: 'f', place: 'init' }], ready: false });
    assert.match(absent, /The repository is not on the server \(no trust data\)\./);
    const unreadable = formatPlan({ ...readySign(), repository: 'unreadable', roles: [], problems: [{ code: 'not-verified', message: 'm', fix: 'f', place: 'repository' }], ready: false });
    assert.match(unreadable, /The repository is unreadable: it could not be read or verified\./);
    assert.ok(!unreadable.includes('Roles that get a new version'));
  });

  it('a hostile role, label, staged change or message cannot forge a line or reach the terminal as an escape sequence', async () => {
    const plan = blockedSign();
    plan.roles[0] = { ...plan.roles[0]!, role: `targets/${HOSTILE}`, keys: [{ ...plan.roles[0]!.keys[0]!, label: HOSTILE }] };
    plan.staged[0] = { ...plan.staged[0]!, description: HOSTILE };
    plan.problems[0] = { ...plan.problems[0]!, message: HOSTILE, role: HOSTILE };
    const { code, out } = await runPrinting([plan], []);
    assert.equal(code, 1);
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/.test(out), JSON.stringify(out));
    assert.ok(!out.split('\n').some((line) => line.startsWith('Fix: run')), 'no forged line');
    assert.match(out, /\\u001b\[2J/);
  });

  it('--json prints the plan as the core returns it, escaped at the sink and parsed back to the same strings', async () => {
    const plan = blockedSign();
    plan.problems[0] = { ...plan.problems[0]!, message: HOSTILE };
    const { code, out } = await runPrinting([plan], ['--json']);
    assert.equal(code, 1);
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/.test(out), JSON.stringify(out));
    assert.deepEqual(JSON.parse(out), plan);
  });

  it('--json with several repositories (signer add NAME GUN...): { plans }, exit 1 when any is blocked', async () => {
    const { code, out } = await runPrinting([readySign(), blockedSign()], ['--json']);
    assert.equal(code, 1);
    assert.deepEqual(JSON.parse(out), { plans: [readySign(), blockedSign()] });
    assert.equal((await runPrinting([readySign(), readySign()], ['--json'])).code, 0);
  });
});

describe('countersign --plan, in the help', () => {
  async function help(argv: string[]) {
    let out = '';
    const code = await runCli(argv, { out: { write: (t) => void (out += t) }, err: { write: () => undefined }, env: {} });
    return { code, out };
  }

  it('every command whose job has a plan offers --plan, and the general help says what it does', async () => {
    for (const command of [['init'], ['sign'], ['revoke'], ['signer', 'add'], ['witness']]) {
      const { code, out } = await help([...command, '--help']);
      assert.equal(code, 0);
      assert.match(out, /^ {2}--plan {2,}only show the plan: .* writes nothing; exit 1 when blocked$/m, command.join(' '));
    }
    for (const command of [['publish'], ['rotate'], ['delegation', 'add']]) assert.doesNotMatch((await help([...command, '--help'])).out, /--plan/);
    assert.match((await help(['--help'])).out, /init, sign, revoke, signer add and witness take --plan[\s\S]*exit 0 when the job is ready, 1 when it is blocked/);
  });
});

describe('countersign --plan, refused before anything is read', () => {
  /** Runs the real command with a home of its own and an address nothing listens on. */
  async function planned(argv: string[]) {
    const home = mkdtempSync(join(tmpdir(), 'cs-plan-'));
    let err = '';
    try {
      const code = await runCli(['--home', home, '--server', 'https://127.0.0.1:9', ...argv], { out: { write: () => undefined }, err: { write: (t) => void (err += t) }, env: {} });
      return { code, err, written: readdirSync(home) };
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }

  it('a role the job cannot sign into or renew is a usage error with the same rule as the app\'s request', async () => {
    const sign = await planned(['sign', 'example.com/app:v1', '--role', 'releases', '--plan']);
    assert.equal(sign.code, 1);
    assert.match(sign.err, /^countersign: invalid-input: roles\.0: a targets role \("targets" or "targets\/NAME"\)$/m);
    const witness = await planned(['witness', 'example.com/app', 'timestamp', '--plan']);
    assert.match(witness.err, /invalid-input: roles\.0: root, snapshot, targets or targets\/NAME/);
    assert.deepEqual(witness.written, []);
  });

  it('revoke --key and init --root-key have no plan, and say so instead of planning something else', async () => {
    const revoke = await planned(['revoke', '--key', 'abcdef', 'example.com/app', '--plan']);
    assert.equal(revoke.code, 1);
    assert.match(revoke.err, /invalid-input: revoke --key has no --plan/);
    const init = await planned(['init', 'example.com/app', '--root-key', 'abcdef', '--plan']);
    assert.match(init.err, /invalid-input: init --plan plans a new root key: leave out --root-key/);
  });
});
