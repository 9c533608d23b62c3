import type { DomainHandlers } from '../router';
import type { Services } from '../services';

export function publishHandlers({ flows }: Services): DomainHandlers<'publish'> {
  return {
    'publish.staged': ({ repositories }, { signal }) => flows.publish.staged(repositories, signal),
    'publish.run': ({ repositories }, context) => flows.publish.run(repositories, context),
    'publish.discard': (request, { signal }) => flows.publish.discard(request, signal),
  };
}
