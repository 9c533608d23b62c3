// The security review's public face: audit a registry against its trust data, export and judge the report.
export {
  auditRegistry,
  auditRegistryStreamed,
  DEFAULT_AUDIT_CONCURRENCY,
  DEFAULT_EXPIRING_WITHIN_DAYS,
  type AuditOptions,
  type AuditReportHeader,
  type AuditReportSummary,
  type AuditSink,
} from './audit-registry';
export { auditRepository, type RepositoryAuditContext } from './audit-repository';
export { RetryingHttpClient, DEFAULT_RETRY_POLICY, type RetryPolicy, type RetryingHttpClientOptions } from './retrying-http';
export { tagAudits, type RegistryTag, type TagRulesContext } from './tag-rules';
export { diagnoseFailedRole, diagnoseFailures, RecordingFetcher, type FailedRole } from './failed-roles';
export {
  reportToJson,
  reportToCsv,
  jsonReportWriter,
  csvReportWriter,
  repositoryViolations,
  type ReportWriter,
  parsePolicy,
  policyViolations,
  POLICY_CATEGORIES,
  POLICY_STATUSES,
  type PolicyViolation,
} from './report-export';
