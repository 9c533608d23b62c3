// Not-a-notary-server is its own state: only notary-server's own 404 means "no trust data".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFromNotary } from '../../../electron/core/notary/notary-answers';
import type { HttpResponse } from '../../../electron/core/net/http';

const URL_ = 'https://registry.example.test:5000/v2/registry.example.test:5000/team/app/_trust/tuf/timestamp.json';

function answer(status: number, contentType: string | undefined, body: string): HttpResponse {
  return { status, headers: contentType === undefined ? {} : { 'content-type': contentType }, body: Buffer.from(body), url: URL_ };
}

describe('answers to a trust data request', () => {
  it("accept notary-server's own 404 (its errcode JSON) as no such file", () => {
    const body = '{"errors":[{"code":"METADATA_NOT_FOUND","message":"You have requested metadata that does not exist.","detail":null}]}';
    assert.doesNotThrow(() => assertFromNotary(URL_, answer(404, 'application/json; charset=utf-8', body)));
  });

  for (const [what, response] of [
    ["a registry's 404 page", answer(404, 'text/plain; charset=utf-8', '404 page not found\n')],
    ['an HTML 404', answer(404, 'text/html', '<html><body>Not Found</body></html>')],
    ['a 404 with an empty body', answer(404, undefined, '')],
    ["a registry's own JSON 404 (distribution's NOT_FOUND)", answer(404, 'application/json', '{"errors":[{"code":"NOT_FOUND","message":"not found"}]}')],
    ["a registry's NAME_UNKNOWN", answer(404, 'application/json; charset=utf-8', '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}')],
    ['405 method not allowed', answer(405, 'text/plain', 'Method Not Allowed')],
    ['a web page served with 200', answer(200, 'text/html; charset=utf-8', '<!doctype html><title>Welcome</title>')],
  ] as const) {
    it(`refuse ${what} as not-notary-server, never as "unsigned"`, () => {
      assert.throws(() => assertFromNotary(URL_, response), (error: { code?: string; message?: string }) => error.code === 'not-notary-server' && /is not a notary server/.test(error.message ?? ''));
    });
  }

  it('leave other statuses to the caller (401, 500 are not about which server answered)', () => {
    assert.doesNotThrow(() => assertFromNotary(URL_, answer(500, 'text/plain', 'oops')));
    assert.doesNotThrow(() => assertFromNotary(URL_, answer(200, 'application/json', '{}')));
  });
});
