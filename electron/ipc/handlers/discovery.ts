import type { DomainHandlers } from '../router';
import type { Services } from '../services';

export function discoveryHandlers(services: Services): DomainHandlers<'discovery'> {
  return { 'discovery.scan': () => services.discovery.scan() };
}
