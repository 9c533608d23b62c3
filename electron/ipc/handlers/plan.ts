import type { DomainHandlers } from '../router';
import type { Services } from '../services';

export function planHandlers({ flows }: Services): DomainHandlers<'plan'> {
  return {
    'plan.write': ({ gun, serverId, job }, { signal }) => flows.plan.plan({ gun, serverId }, job, signal),
  };
}
