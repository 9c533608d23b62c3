import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextLink } from '../../../electron/core/registry/link-header';

describe('Link header', () => {
  it('finds the next page as distribution writes it', () => {
    assert.equal(nextLink('</v2/_catalog?last=b&n=2>; rel="next"'), '/v2/_catalog?last=b&n=2');
  });

  it('picks rel="next" among several links and relation types', () => {
    assert.equal(nextLink('<https://r/prev>; rel="prev", <https://r/next?x=1,2>; rel="next"'), 'https://r/next?x=1,2');
    assert.equal(nextLink('</a>; rel="first next"'), '/a');
    assert.equal(nextLink(['</a>; rel=prev', '</b>; rel=next']), '/b');
  });

  it('finds nothing when there is no next page', () => {
    assert.equal(nextLink(undefined), undefined);
    assert.equal(nextLink('</a>; rel="prev"'), undefined);
    assert.equal(nextLink('</a>; rel="nextish"'), undefined);
  });
});
