import type { DomainHandlers } from '../router';
import type { Services } from '../services';

export function signHandlers({ flows }: Services): DomainHandlers<'sign'> {
  return {
    'sign.readDigest': ({ gun, serverId, tag, registry }, { signal }) => flows.sign.readDigest({ gun, serverId }, tag, registry, signal),
    'sign.tag': (request, context) => flows.sign.tag(request, context),
  };
}
