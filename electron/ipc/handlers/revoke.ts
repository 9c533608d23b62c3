import type { DomainHandlers } from '../router';
import type { Services } from '../services';

export function revokeHandlers({ flows }: Services): DomainHandlers<'revoke'> {
  return {
    'revoke.preview': (request, { signal }) => flows.revoke.preview(request, signal),
    'revoke.tags': (request, context) => flows.revoke.tags(request, context),
    'revoke.keyPreview': ({ keyId, repositories }, context) => flows.revoke.keyPreview(keyId, repositories, context),
    'revoke.key': ({ keyId, repositories, earlierStaged }, context) => flows.revoke.key(keyId, repositories, context, earlierStaged),
  };
}
