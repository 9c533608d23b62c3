import type { DomainHandlers } from '../router';
import type { Services } from '../services';

export function expiryHandlers({ flows }: Services): DomainHandlers<'expiry'> {
  return {
    'expiry.list': ({ withinDays }, context) => flows.expiry.list(withinDays, context),
    'expiry.resign': ({ items }, context) => flows.expiry.resign(items, context),
  };
}
