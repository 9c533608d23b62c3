// Every handler, one module per domain. The type Handlers makes a missing channel a compile error.
import type { Handlers } from '../router';
import type { Services } from '../services';
import { WatchStatusBook } from '../watch-status';
import { appHandlers } from './app';
import { discoveryHandlers } from './discovery';
import { keyHandlers } from './keys';
import { repositoryHandlers } from './repositories';
import { serverHandlers } from './servers';
import { settingsHandlers } from './settings';
import { watchHandlers } from './watch';

export function createHandlers(services: Services): Handlers {
  const book = new WatchStatusBook();
  return {
    ...appHandlers(services),
    ...settingsHandlers(services),
    ...serverHandlers(services),
    ...repositoryHandlers(services, book),
    ...watchHandlers(services, book),
    ...keyHandlers(services),
    ...discoveryHandlers(services),
  };
}
