import { join } from 'node:path';
import { CountersignError } from '../../../shared/errors';
import type { DomainHandlers } from '../router';
import type { Services } from '../services';
import { keyManagerHandlers } from './key-manager';

export function keyHandlers(services: Services): DomainHandlers<'keys' | 'files'> {
  const { keys } = services;
  return {
    ...keyManagerHandlers(services),
    'keys.list': () => keys.list(),
    'keys.generate': (input) => keys.generate(input),
    'keys.notes': () => keys.notes(),
    'keys.dismissNotes': ({ through }) => {
      keys.dismissNotes(through);
      return { dismissed: true as const };
    },
    'files.choose': ({ purpose, suggestedName }) => services.paths.pick(purpose, suggestedName === undefined ? {} : { suggestedName }),
    // The folder is docker's own trust dir, or one the user picked in the main process's dialog.
    'keys.importTrustDir': ({ dir, passphrases }, { signal, progress }) =>
      keys.importTrustDir(
        { dir: dir === undefined ? join(services.discovery.dockerConfigDir, 'trust', 'private') : services.paths.take(dir, 'open-trust-dir'), passphrases },
        { signal, progress },
      ),
    'keys.remove': async ({ id, confirm }) => {
      // Removing a private key cannot be undone: the renderer must have asked the user first.
      if (!confirm) throw new CountersignError('confirmation-required', 'Removing a key cannot be undone; confirm to go on.');
      const { otherHomes } = await keys.remove(id);
      return { removed: id, otherHomes: otherHomes.map((home) => home.path ?? `home ${home.tag}`) };
    },
  };
}
