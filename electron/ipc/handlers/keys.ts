import { join } from 'node:path';
import { CountersignError } from '../../../shared/errors';
import type { DomainHandlers } from '../router';
import type { Services } from '../services';
import { keyManagerHandlers } from './key-manager';

export function keyHandlers(services: Services): DomainHandlers<'keys'> {
  const { keys } = services;
  return {
    ...keyManagerHandlers(services),
    'keys.list': () => keys.list(),
    'keys.generate': (input) => keys.generate(input),
    'keys.importTrustDir': ({ dir, passphrases }, { signal, progress }) =>
      keys.importTrustDir({ dir: dir ?? join(services.discovery.dockerConfigDir, 'trust', 'private'), passphrases }, { signal, progress }),
    'keys.remove': async ({ id, confirm }) => {
      // Removing a private key cannot be undone: the renderer must have asked the user first.
      if (!confirm) throw new CountersignError('confirmation-required', 'Removing a key cannot be undone; confirm to go on.');
      await keys.remove(id);
      return { removed: id };
    },
  };
}
