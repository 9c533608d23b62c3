// How an offline check reports: passed, failed with the error that failed it, or not run because an
// earlier check failed. Shared by every check of the archive.
import type { ArchiveCheck } from '../../../shared/audit';
import { CountersignError, toErrorInfo, type ErrorCode } from '../../../shared/errors';

export function passed(name: ArchiveCheck['name'], detail: string): ArchiveCheck {
  return { name, ok: true, detail };
}

export function failed(name: ArchiveCheck['name'], error: unknown): ArchiveCheck {
  const info = toErrorInfo(error);
  return { name, ok: false, detail: `${info.code}${info.role ? ` [${info.role}]` : ''}: ${info.message}`, error: info };
}

export function failedWith(name: ArchiveCheck['name'], code: ErrorCode, message: string, role?: string): ArchiveCheck {
  return failed(name, new CountersignError(code, message, role ? { role } : {}));
}

export function notRun(name: ArchiveCheck['name'], why = 'not checked: an earlier check failed'): ArchiveCheck {
  return { name, ok: false, detail: why };
}
