import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenCache } from '../../../electron/core/net/token-cache';

describe('token cache', () => {
  const key = TokenCache.key({ realm: 'https://auth/token', service: 'reg', scope: 'repository:a:pull' });

  it('reuses a token until its reuse deadline, then fetches a new one', async () => {
    const cache = new TokenCache();
    let fetches = 0;
    const fetch = async () => ({ value: `t${++fetches}`, reuseUntil: 1_000 });
    assert.equal((await cache.get(key, fetch, 0)).value, 't1');
    assert.equal((await cache.get(key, fetch, 999)).value, 't1');
    assert.equal((await cache.get(key, fetch, 1_000)).value, 't2');
  });

  it('keeps tokens for different scopes and accounts apart', () => {
    const other = TokenCache.key({ realm: 'https://auth/token', service: 'reg', scope: 'repository:b:pull' });
    const account = TokenCache.key({ realm: 'https://auth/token', service: 'reg', scope: 'repository:a:pull', account: 'alice' });
    assert.equal(new Set([key, other, account]).size, 3);
  });

  it('does not remember a failed request', async () => {
    const cache = new TokenCache();
    await assert.rejects(cache.get(key, async () => Promise.reject(new Error('down')), 0));
    assert.equal((await cache.get(key, async () => ({ value: 'ok', reuseUntil: 10 }), 0)).value, 'ok');
  });

  it('forgets a rejected token but not a newer one that replaced it', async () => {
    const cache = new TokenCache();
    await cache.get(key, async () => ({ value: 'old', reuseUntil: 100 }), 0);
    await cache.forget(key, 'old');
    assert.equal((await cache.get(key, async () => ({ value: 'new', reuseUntil: 100 }), 0)).value, 'new');
    await cache.forget(key, 'old');
    assert.equal((await cache.get(key, async () => ({ value: 'newer', reuseUntil: 100 }), 0)).value, 'new');
  });
});
