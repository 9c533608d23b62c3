import type { DomainHandlers } from '../router';
import type { Services } from '../services';

export function appHandlers(services: Services): DomainHandlers<'app'> {
  return {
    'app.info': () => ({ ...services.app.info(), firstStart: services.settings.read().servers.length === 0 }),
  };
}
