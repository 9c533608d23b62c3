// The Migrate screen: a plan from a fresh audit of the chosen scope with the chosen key, kept here by
// id so that the run signs exactly the plan the user saw (the renderer cannot hand in a plan of its
// own making), then its run with progress and cancel.
import { randomUUID } from 'node:crypto';
import { CountersignError } from '../../../shared/errors';
import type { MigrationPlanRun } from '../../../shared/schemas/migrate';
import type { DomainHandlers } from '../router';
import type { Services } from '../services';
import { auditServer } from './audit';
import { registryById } from './registries';

/** Plans kept for a run: the renderer shows one at a time. */
const KEPT_PLANS = 4;

export function migrateHandlers(services: Services): DomainHandlers<'migrate'> {
  const plans = new Map<string, MigrationPlanRun>();
  return {
    'migrate.plan': async ({ registryId, serverId, repositories, keyId }, { signal, progress }) => {
      const settings = services.settings.read();
      const registry = registryById(settings, registryId);
      const server = auditServer(settings, registry, serverId);
      const plan = await services.migrate.plan(
        { registry, server, keyId, expiringWithinDays: settings.ui.expiryWarningDays, ...(repositories === undefined ? {} : { repositories }) },
        { signal, progress },
      );
      const run: MigrationPlanRun = { planId: randomUUID(), registryId, plan };
      plans.set(run.planId, run);
      for (const id of plans.keys()) if (plans.size > KEPT_PLANS) plans.delete(id);
      return run;
    },
    'migrate.run': async ({ planId, dryRun }, { signal, progress }) => {
      const kept = plans.get(planId);
      if (kept === undefined) throw new CountersignError('not-found', 'That plan is no longer kept: make the plan again.');
      const registry = registryById(services.settings.read(), kept.registryId);
      return services.migrate.run({ registry, plan: kept.plan, dryRun: dryRun ?? false }, { signal, progress });
    },
  };
}
