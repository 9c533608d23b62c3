// Escaping at the CLI's sink: whatever a command prints — role and tag names from a server, a role
// from a key file — reaches the terminal with its control characters shown, never obeyed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command } from '../../../electron/cli/command';
import { runCli } from '../../../electron/cli/main';
import { REDRAW_LINE } from '../../../electron/cli/visible-output';

const HOSTILE_ROLE = 'targets/\u001b[2J\u001b[Hforged\u001b]0;title\u0007\r\u009b31m';

function printing(text: string): Command {
  return { name: 'show', summary: 'prints', usage: '', options: {}, run: async (context) => (context.out.write(text), context.err.write(text), 0) };
}

async function run(command: Command, argv: string[] = ['show']) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: { write: (t) => void (out += t) }, err: { write: (t) => void (err += t) }, env: {} }, [command]);
  return { code, out, err };
}

describe('the CLI output', () => {
  it('shows ESC, BEL, CR and C1 controls of untrusted names as \\uXXXX on stdout and stderr', async () => {
    const { out, err } = await run(printing(`role ${HOSTILE_ROLE}\n`));
    for (const text of [out, err]) {
      assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(text), JSON.stringify(text));
      assert.match(text, /\\u001b\[2J/);
    }
  });

  it('lets CSV line ends (CRLF) through, while a lone carriage return that could overwrite a line stays visible', async () => {
    const { out } = await run(printing('tag,status\r\nv1,signed\rforged\r\n'));
    assert.equal(out, 'tag,status\r\nv1,signed\\u000dforged\r\n');
  });

  it('keeps JSON output parseable with the same names', async () => {
    const { out } = await run(printing(`${JSON.stringify({ role: HOSTILE_ROLE })}\n`));
    assert.deepEqual(JSON.parse(out), { role: HOSTILE_ROLE });
  });

  it('escapes an error message naming a hostile role', async () => {
    const failing: Command = { ...printing(''), run: async () => Promise.reject(new Error(`bad role ${HOSTILE_ROLE}`)) };
    const { code, err } = await run(failing);
    assert.equal(code, 1);
    assert.ok(!err.includes('\u001b'));
  });

  it('lets only its own progress redraw through', async () => {
    const { err } = await run(printing(`${REDRAW_LINE}audit: 1/2`));
    assert.ok(err.startsWith(REDRAW_LINE));
  });
});
