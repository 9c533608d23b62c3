import type { DomainHandlers } from '../router';
import type { Services } from '../services';

export function signHandlers({ flows }: Services): DomainHandlers<'sign'> {
  return {
    'sign.readDigest': ({ gun, serverId, tag, registry }, { signal }) => flows.sign.readDigest({ gun, serverId }, tag, registry, signal),
    'sign.tag': ({ gun, serverId, tag, digest, size, roles, guard, earlierStaged }, context) =>
      flows.sign.tag({ gun, serverId, tag, target: { digest, size }, roles, guard, earlierStaged }, context),
  };
}
