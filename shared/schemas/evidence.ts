// Evidence archives in the app: export chosen repositories' complete verified trust data as one file
// (electron/core/archive), and verify such a file offline. The verification result is shared/audit.ts's.
import { z } from 'zod';
import type { SavedFile } from './audit';
import { gunSchema, serverIdSchema } from './settings';

/** An archive the app verifies travels over IPC as base64; larger ones are for `countersign verify-archive`. */
export const MAX_VERIFIED_ARCHIVE_BYTES = 64 * 1024 * 1024;
const base64Limit = Math.ceil(MAX_VERIFIED_ARCHIVE_BYTES / 3) * 4;

export const evidenceRequests = {
  export: z.strictObject({
    serverId: serverIdSchema,
    guns: z.array(gunSchema).min(1).max(500),
  }),
  verify: z.strictObject({
    /** The archive file's bytes, base64. */
    archive: z
      .string()
      .min(1)
      .max(base64Limit, `archives over ${MAX_VERIFIED_ARCHIVE_BYTES / 1024 / 1024} MiB are verified with countersign verify-archive`)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
    /** The sha256 recorded when the archive was made: the whole file must match it. */
    sha256: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[0-9a-f]{64}$/, '64 hex digits')
      .optional(),
  }),
};

export interface EvidenceProgress {
  done: number;
  total: number;
  /** The repository whose evidence was just taken and verified. */
  gun?: string;
}

export interface ArchivedRepository {
  gun: string;
  server: string;
  verifiedAt: string;
  rootVersions: number;
  roles: string[];
  /** Delegations that failed verification (a removed signer's): their files are kept as evidence. */
  failedRoles: string[];
  signedTags: number;
}

export interface EvidenceExport {
  /** sha256 of the archive file: to be kept somewhere else, it vouches for what no signature covers. */
  sha256: string;
  repositories: ArchivedRepository[];
  file: SavedFile;
}
