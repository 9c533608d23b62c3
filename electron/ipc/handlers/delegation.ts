import type { DomainHandlers } from '../router';
import type { Services } from '../services';

export function delegationHandlers({ flows }: Services): DomainHandlers<'delegation'> {
  return {
    'delegation.readKey': ({ pem, fileName }) => flows.delegation.readKey(pem, fileName),
    'delegation.plan': (request, context) => flows.delegation.plan(request, context),
    'delegation.add': (request, context) => flows.delegation.add(request, context),
    'delegation.removalPreview': ({ gun, serverId, name }, { signal }) => flows.delegation.removalPreview({ gun, serverId }, name, signal),
    'delegation.remove': (request, context) => flows.delegation.remove(request, context),
    'delegation.replaceKey': (request, context) => flows.delegation.replaceKey(request, context),
  };
}
