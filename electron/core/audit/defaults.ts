// The audit's defaults, in a module of their own so that the CLI's help can print them without
// loading the audit.
export const DEFAULT_AUDIT_CONCURRENCY = 16;
export const DEFAULT_EXPIRING_WITHIN_DAYS = 30;
