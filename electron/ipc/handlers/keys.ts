import { join } from 'node:path';
import { CountersignError } from '../../../shared/errors';
import type { DomainHandlers } from '../router';
import type { Services } from '../services';
import type { KeySource } from '../../core/keys/key-import';
import { keyManagerHandlers } from './key-manager';

export function keyHandlers(services: Services): DomainHandlers<'keys' | 'files'> {
  const { keys } = services;
  const dockerTrustDir = () => join(services.discovery.dockerConfigDir, 'trust', 'private');
  /** The folder or file of an import, from the user's choice in the main process's dialog (default docker's dir). */
  const importSource = (source: { dir?: string | undefined; file?: string | undefined }): KeySource => {
    if (source.file !== undefined) return { kind: 'files', paths: [services.paths.take(source.file, 'open-key-file')] };
    return { kind: 'dir', path: source.dir === undefined ? dockerTrustDir() : services.paths.take(source.dir, 'open-trust-dir') };
  };
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
    'keys.scanImport': async (source) => {
      // The choice is read now and named by a fresh reference for the import that follows.
      const renewed =
        source.file !== undefined
          ? { file: services.paths.renew(source.file, 'open-key-file') }
          : source.dir !== undefined
            ? { dir: services.paths.renew(source.dir, 'open-trust-dir') }
            : {};
      const location = renewed.file?.path ?? renewed.dir?.path ?? dockerTrustDir();
      const scanned = await keys.scanImport(renewed.file !== undefined ? { kind: 'files', paths: [location] } : { kind: 'dir', path: location });
      return {
        keys: scanned,
        location,
        source: renewed.file !== undefined ? { file: renewed.file.ref } : renewed.dir !== undefined ? { dir: renewed.dir.ref } : {},
      };
    },
    'keys.importChosen': ({ keys: choices, ...source }, { signal, progress }) => keys.importChosen(importSource(source), choices, { signal, progress }),
    'keys.remove': async ({ id, confirm }) => {
      // Removing a private key cannot be undone: the renderer must have asked the user first.
      if (!confirm) throw new CountersignError('confirmation-required', 'Removing a key cannot be undone; confirm to go on.');
      const { otherHomes } = await keys.remove(id);
      return { removed: id, otherHomes: otherHomes.map((home) => home.path ?? `home ${home.tag}`) };
    },
  };
}
