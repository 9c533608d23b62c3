// The security review in the app (issue 7): registries kept in settings, an audit of a registry against
// its notary server, and its export. Request schemas are checked in the main process; the report itself
// is shared/audit.ts, the very model the CLI prints.
import { z } from 'zod';
import type { AuditReport } from '../audit';
import type { ErrorInfo } from '../errors';
import { registryInputSchema, serverIdSchema } from './settings';

/** A repository as a registry names it ("team/app"): docker's path components, lower case. */
export const registryRepositorySchema = z
  .string()
  .max(255)
  .regex(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/, 'a repository name such as team/app');

/** The CLI's limit on `--expiring-days`. */
export const MAX_EXPIRING_DAYS = 36_500;

export const auditRequests = {
  saveRegistry: z.strictObject({ registry: registryInputSchema }),
  registryId: z.strictObject({ registryId: serverIdSchema }),
  setRegistryPassword: z.strictObject({ registryId: serverIdSchema, password: z.string().min(1).max(4096) }),
  checkRegistry: z.strictObject({ registry: registryInputSchema }),
  run: z.strictObject({
    registryId: serverIdSchema,
    /** The notary server holding the trust data; default: the registry's own. */
    serverId: serverIdSchema.optional(),
    /** Registry repository names; absent: every repository in the catalog. */
    repositories: z.array(registryRepositorySchema).min(1).max(5000).optional(),
    /** "Expiring soon" means within this many days; default: the expiry warning of the settings. */
    expiringWithinDays: z.number().int().min(0).max(MAX_EXPIRING_DAYS).optional(),
  }),
  export: z.strictObject({ reportId: z.uuid(), format: z.enum(['json', 'csv']) }),
};

/** What checking a registry found: the v2 API answered and let us list its catalog, or why not. */
export interface RegistryCheck {
  url: string;
  ok: boolean;
  /** One sentence a person can act on. */
  explanation: string;
  /** Repositories in the catalog, when it could be read. */
  repositories?: number;
  error?: ErrorInfo;
}

export interface RegistryCatalog {
  registryId: string;
  repositories: string[];
}

/** A finished audit. The main process keeps the report under `reportId` so it can be exported as the CLI writes it. */
export interface AuditRun {
  reportId: string;
  registryId: string;
  serverId: string;
  report: AuditReport;
}

/**
 * A file handed to the user. In the app a save dialog chose `path` (or was cancelled: saved false); in
 * the test host the browser downloads it from `download`, a one-time address on the host.
 */
/** A report as its export writes it, to be read on screen. */
export interface ReportPreview {
  format: 'json' | 'csv';
  /** The file name the export suggests. */
  name: string;
  text: string;
}

export type SavedFile =
  | { saved: false }
  | { saved: true; name: string; bytes: number; path?: string; download?: string };
