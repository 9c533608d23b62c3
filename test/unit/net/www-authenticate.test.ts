import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChallenges } from '../../../electron/core/net/www-authenticate';

describe('WWW-Authenticate parsing', () => {
  it('reads a registry bearer challenge', () => {
    assert.deepEqual(
      parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"'),
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } }],
    );
  });

  it('keeps commas and escaped quotes inside quoted values', () => {
    const [challenge] = parseChallenges('Bearer realm="https://a/t",scope="repository:x:pull,push",error="say \\"hi\\""');
    assert.equal(challenge?.params.scope, 'repository:x:pull,push');
    assert.equal(challenge?.params.error, 'say "hi"');
  });

  it('reads several challenges in one header and across repeated headers', () => {
    const schemes = parseChallenges(['Basic realm="r1", Bearer realm="https://a/t", service=reg', 'Negotiate']).map((c) => c.scheme);
    assert.deepEqual(schemes, ['basic', 'bearer', 'negotiate']);
    const [, bearer] = parseChallenges('Basic realm="r1", Bearer realm="https://a/t", service=reg');
    assert.equal(bearer?.params.service, 'reg');
  });

  it('lower-cases schemes and parameter names, and tolerates spaces around "="', () => {
    assert.deepEqual(parseChallenges('BEARER Realm = "x"'), [{ scheme: 'bearer', params: { realm: 'x' } }]);
  });

  it('yields nothing for a missing or empty header', () => {
    assert.deepEqual(parseChallenges(undefined), []);
    assert.deepEqual(parseChallenges(''), []);
  });
});
