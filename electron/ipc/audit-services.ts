// The security review behind the handlers: a registry read over retrying HTTPS clients that trust its
// CA and sign in with its keychain password (else docker's own credentials, as the CLI does), the audit
// and the evidence archive of electron/core, and the interface through which files reach the user.
import type { ArchiveVerification, AuditProgress, AuditReport } from '../../shared/audit';
import type { SavedFile } from '../../shared/schemas/audit';
import type { ArchivedRepository, EvidenceProgress } from '../../shared/schemas/evidence';
import type { RegistryInput, ServerConfig } from '../../shared/schemas/settings';
import { createEvidenceArchive, verifyEvidenceArchive } from '../core/archive';
import { auditRegistry, DEFAULT_AUDIT_CONCURRENCY } from '../core/audit';
import { Connections, type ConnectOptions } from '../core/connect';
import type { NotaryClient } from '../core/notary/notary-client';
import { endpointOf } from './core-services';
import type { Cancellable, ServerCredentials } from './services';

export interface AuditInput {
  registry: RegistryInput;
  server: ServerConfig;
  /** Registry repository names; absent: the catalog. */
  repositories?: readonly string[];
  expiringWithinDays: number;
}

export interface AuditService {
  /** The registry's catalog, after checking its API answers and lets us in (CountersignError otherwise). */
  catalog(registry: RegistryInput, options: Cancellable): Promise<string[]>;
  run(input: AuditInput, options: Cancellable & { progress: (event: AuditProgress) => void }): Promise<AuditReport>;
}

export interface CreatedEvidence {
  bytes: Uint8Array;
  sha256: string;
  repositories: ArchivedRepository[];
}

export interface EvidenceService {
  /** All or nothing: one repository that cannot be archived fails the archive. */
  create(input: { server: ServerConfig; guns: readonly string[] }, options: Cancellable & { progress: (event: EvidenceProgress) => void }): Promise<CreatedEvidence>;
  verify(bytes: Uint8Array, expectedSha256: string | undefined): Promise<ArchiveVerification>;
}

export interface OutgoingFile {
  suggestedName: string;
  bytes: Uint8Array;
  kind: 'json' | 'csv' | 'tar' | 'pem';
  /** An encrypted private key: written readable by its owner only. */
  secret?: boolean;
}

/** Hands a file to the user: a save dialog in the app, a download in the test host. Never a path the renderer chose. */
export interface FileSaver {
  save(file: OutgoingFile, options: Cancellable): Promise<SavedFile>;
}

export interface AuditServiceOptions {
  homeDir: string;
  /** docker's config dir, the environment and the keychain's sign-ins, as every connection uses them. */
  connect: ConnectOptions;
  serverCredentials: ServerCredentials;
  registryCredentials: ServerCredentials;
  /** The shared, pooled notary client of a server (evidence is taken one repository at a time). */
  notary: (server: ServerConfig) => NotaryClient;
}

/** Enough sockets for every repository in flight, each with a few manifest lookups (as the CLI). */
const MAX_SOCKETS = DEFAULT_AUDIT_CONCURRENCY * 2;

/** Clients for one review: retrying, pooled, signed in as docker and the keychain would, then with the saved password. */
export function reviewConnections(options: Pick<AuditServiceOptions, 'connect'>): Connections {
  return new Connections({ ...options.connect, retry: {}, maxSockets: MAX_SOCKETS });
}

export function coreAuditService(options: AuditServiceOptions): AuditService {
  return {
    async catalog(registry, { signal }) {
      const connections = reviewConnections(options);
      try {
        const client = connections.registry(endpointOf(registry, options.registryCredentials));
        await client.ping({ signal });
        return await client.catalog({ signal });
      } finally {
        connections.close();
      }
    },
    // Clients live for one audit: its connections and tokens are not worth keeping between reviews.
    async run(input, { signal, progress }) {
      const connections = reviewConnections(options);
      try {
        return await auditRegistry({
          registry: connections.registry(endpointOf(input.registry, options.registryCredentials)),
          notary: connections.notary(endpointOf(input.server, options.serverCredentials)),
          home: options.homeDir,
          expiringWithinDays: input.expiringWithinDays,
          signal,
          onProgress: progress,
          ...(input.registry.gunHost === undefined ? {} : { gunHost: input.registry.gunHost }),
          ...(input.repositories === undefined ? {} : { repositories: input.repositories }),
        });
      } finally {
        connections.close();
      }
    },
  };
}

export function coreEvidenceService(options: AuditServiceOptions): EvidenceService {
  return {
    async create({ server, guns }, { signal, progress }) {
      const notary = options.notary(server);
      progress({ done: 0, total: guns.length });
      const archive = await createEvidenceArchive({
        home: options.homeDir,
        repositories: guns.map((gun) => ({ gun, notary })),
        signal,
        onRepository: (gun, done, total) => progress({ done, total, gun }),
      });
      return { bytes: archive.bytes, sha256: archive.sha256, repositories: archive.repositories };
    },
    verify: (bytes, expectedSha256) => verifyEvidenceArchive(bytes, expectedSha256 === undefined ? {} : { expectedSha256 }),
  };
}

/** Where no runtime gave a way to hand files over (unit tests, the CLI's services). */
export const noFileSaver: FileSaver = {
  save: () => Promise.reject(new Error('This runtime has no way to save files (no FileSaver was wired).')),
};
