import type { DomainHandlers } from '../router';
import type { Services } from '../services';

export function rotationHandlers({ flows, paths }: Services): DomainHandlers<'rotation'> {
  // Key files are only ever ones the user picked in the main process's dialog (picked-paths.ts).
  return {
    'rotation.preflight': (request, context) => flows.rotation.preflight(request, context),
    'rotation.bringKeyOnline': (request) => flows.rotation.bringKeyOnline({ ...request, file: request.file === undefined ? undefined : paths.take(request.file, 'open-key-file') }),
    'rotation.start': (request, context) => flows.rotation.start(request, context),
    'rotation.pending': () => flows.rotation.pending(),
    'rotation.resume': ({ rotationId }, context) => flows.rotation.resume(rotationId, context),
    'rotation.dismiss': ({ rotationId }) => flows.rotation.dismiss(rotationId),
    'rotation.takeKeyOffline': (request) => flows.rotation.takeKeyOffline({ ...request, file: paths.take(request.file, 'save-key-file') }),
  };
}
