import type { DomainHandlers } from '../router';
import type { Services } from '../services';

export function initHandlers({ flows, paths }: Services): DomainHandlers<'init'> {
  return {
    // The root key's file is only ever one the user picked in the main process's dialog (picked-paths.ts).
    'init.repository': ({ gun, serverId, serverManagedSnapshot, rootOffline, earlierStaged }, context) =>
      flows.init.repository(
        {
          gun,
          serverId,
          serverManagedSnapshot,
          earlierStaged,
          ...(rootOffline === undefined ? {} : { rootOffline: { file: paths.take(rootOffline.file, 'save-key-file'), passphrase: rootOffline.passphrase } }),
        },
        context,
      ),
  };
}
