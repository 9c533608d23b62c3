import type { DomainHandlers } from '../router';
import type { Services } from '../services';

export function rotationHandlers({ flows }: Services): DomainHandlers<'rotation'> {
  return {
    'rotation.preflight': (request, context) => flows.rotation.preflight(request, context),
    'rotation.bringKeyOnline': (request) => flows.rotation.bringKeyOnline(request),
    'rotation.start': (request, context) => flows.rotation.start(request, context),
    'rotation.pending': () => flows.rotation.pending(),
    'rotation.resume': ({ rotationId }, context) => flows.rotation.resume(rotationId, context),
    'rotation.dismiss': ({ rotationId }) => flows.rotation.dismiss(rotationId),
    'rotation.takeKeyOffline': (request) => flows.rotation.takeKeyOffline(request),
  };
}
