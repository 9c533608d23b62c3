// Every handler, one module per domain. The type Handlers makes a missing channel a compile error.
import type { Handlers } from '../router';
import type { Services } from '../services';
import { WatchStatusBook } from '../watch-status';
import { appHandlers } from './app';
import { auditHandlers } from './audit';
import { delegationHandlers } from './delegation';
import { discoveryHandlers } from './discovery';
import { evidenceHandlers } from './evidence';
import { expiryHandlers } from './expiry';
import { initHandlers } from './init';
import { keyHandlers } from './keys';
import { migrateHandlers } from './migrate';
import { planHandlers } from './plan';
import { publishHandlers } from './publish';
import { registryHandlers } from './registries';
import { repositoryHandlers } from './repositories';
import { revokeHandlers } from './revoke';
import { rotationHandlers } from './rotation';
import { serverHandlers } from './servers';
import { settingsHandlers } from './settings';
import { signHandlers } from './sign';
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
    ...publishHandlers(services),
    ...planHandlers(services),
    ...initHandlers(services),
    ...signHandlers(services),
    ...revokeHandlers(services),
    ...delegationHandlers(services),
    ...rotationHandlers(services),
    ...expiryHandlers(services),
    ...registryHandlers(services),
    ...auditHandlers(services),
    ...evidenceHandlers(services),
    ...migrateHandlers(services),
  };
}
