// A refusal says what was missing: the token's access claim against the scope the request needed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeMissingAccess, tokenGrant } from '../../../electron/core/net/token-claims';
import { parseScope, repositoryOfScope } from '../../../electron/core/net/scope';

function token(claims: object): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'ES256' })}.${part(claims)}.signature`;
}

const GUN = 'localhost:5000/team/app';

describe('what a refused request lacked', () => {
  it('names the user, what they may do and what they may not', () => {
    const grant = tokenGrant(token({ sub: 'bob', access: [{ type: 'repository', name: GUN, actions: ['pull'] }] }));
    assert.equal(describeMissingAccess(`repository:${GUN}:push,pull`, grant, 'bob'), `signed in as bob, who may pull but not push to ${GUN}`);
  });

  it('says when anonymous users may do nothing', () => {
    const grant = tokenGrant(token({ sub: '', access: [] }));
    assert.equal(describeMissingAccess(`repository:${GUN}:pull`, grant, undefined), `not signed in, and anonymous users may not pull from ${GUN}`);
  });

  it('puts "*" in words: rotating server keys and deleting need it', () => {
    const grant = tokenGrant(token({ sub: 'alice', access: [{ type: 'repository', name: GUN, actions: ['push', 'pull'] }] }));
    assert.match(describeMissingAccess(`repository:${GUN}:*`, grant, 'alice') ?? '', /may push or pull but not manage/);
  });

  it('has nothing to say for an opaque token or a token that held every right', () => {
    assert.equal(describeMissingAccess(`repository:${GUN}:pull`, tokenGrant('opaque'), 'bob'), undefined);
    const all = tokenGrant(token({ access: [{ type: 'repository', name: GUN, actions: ['*'] }] }));
    assert.equal(describeMissingAccess(`repository:${GUN}:push,pull`, all, 'bob'), undefined);
  });
});

describe('scopes', () => {
  it('keep the port of a registry host in the repository name', () => {
    assert.deepEqual(parseScope(`repository:${GUN}:push,pull`), { type: 'repository', name: GUN, actions: ['push', 'pull'] });
    assert.equal(repositoryOfScope(`registry:catalog:* repository:${GUN}:pull`), GUN);
  });
});
