import type { DomainHandlers } from '../router';
import type { Services } from '../services';

export function expiryHandlers({ flows, settings }: Services): DomainHandlers<'expiry'> {
  return {
    'expiry.list': ({ withinDays }, context) => {
      const current = settings.read();
      return flows.expiry.list(current.watched, withinDays ?? current.ui.expiryWarningDays, context);
    },
    'expiry.resign': ({ items, earlierStaged }, context) => flows.expiry.resign(items, context, earlierStaged),
  };
}
