// The Migrate screen's requests: a plan from a fresh audit (scope and key), then a run of that plan
// by its id, so that what runs is exactly what the user saw. Types of plans and results: shared/migrate.ts.
import { z } from 'zod';
import type { MigrationPlan } from '../migrate';
import { registryRepositorySchema } from './audit';
import { keyIdSchema } from './flows';
import { serverIdSchema } from './settings';

export const migrateRequests = {
  plan: z.strictObject({
    registryId: serverIdSchema,
    /** The notary server holding the trust data; default: the registry's own. */
    serverId: serverIdSchema.optional(),
    /** Registry repository names; absent: every repository in the catalog. */
    repositories: z.array(registryRepositorySchema).min(1).max(5000).optional(),
    /** The vault key (ECDSA P-256) that will sign. */
    keyId: keyIdSchema,
  }),
  run: z.strictObject({ planId: z.uuid(), dryRun: z.boolean().optional() }),
};

export interface MigrationPlanRun {
  planId: string;
  registryId: string;
  plan: MigrationPlan;
}
