// The exit ramp behind the migrate.* channels: a plan from a fresh audit (the audit service, so the
// same rules and the same sign-in), and its run over a registry client that may write, signing with a
// vault key in this process. Private keys never leave the vault; only the public key goes in the plan.
import type { MigrationPlan, MigrationProgress, MigrationReport } from '../../shared/migrate';
import type { RegistryInput } from '../../shared/schemas/settings';
import type { KeyVault } from '../core/keys';
import { cosignPublicKeyPem, planMigration, runMigration } from '../core/migrate';
import { endpointOf } from './core-services';
import { reviewConnections, type AuditInput, type AuditService, type AuditServiceOptions } from './audit-services';
import type { Cancellable } from './services';

type Progress = Cancellable & { progress: (event: MigrationProgress) => void };

export interface MigrateService {
  plan(input: AuditInput & { keyId: string }, options: Progress): Promise<MigrationPlan>;
  run(input: { registry: RegistryInput; plan: MigrationPlan; dryRun: boolean }, options: Progress): Promise<MigrationReport>;
}

export interface MigrateServiceOptions extends Pick<AuditServiceOptions, 'connect' | 'registryCredentials'> {
  audit: AuditService;
  vault: () => KeyVault;
}

export function coreMigrateService(options: MigrateServiceOptions): MigrateService {
  return {
    async plan({ keyId, ...scope }, { signal, progress }) {
      // The key first: a plan for a key that cannot sign cosign signatures is not worth an audit.
      const signer = await options.vault().getSigner(keyId);
      const publicKeyPem = cosignPublicKeyPem(signer.publicKey, `key ${signer.id}`);
      const report = await options.audit.run(scope, { signal, progress: (event) => progress({ phase: 'auditing', done: event.done, total: event.total }) });
      return planMigration(report, { keyId: signer.id, publicKeyPem });
    },
    async run({ registry, plan, dryRun }, { signal, progress }) {
      const signer = await options.vault().getSigner(plan.keyId);
      // The same sign-in as the audit's (docker's, the keychain's, the registry's saved password).
      const connections = reviewConnections(options);
      try {
        return await runMigration({ plan, registry: connections.registry(endpointOf(registry, options.registryCredentials)), signer, dryRun, signal, onProgress: progress });
      } finally {
        connections.close();
      }
    },
  };
}
