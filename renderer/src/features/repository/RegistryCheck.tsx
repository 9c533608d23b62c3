// What the registry serves for the signed tags, beside what is signed: the check (on demand, with
// progress and cancel), its summary, the tags the registry serves differently (in red, both digests
// whole and copyable) and each row's registry cell. Fails closed: until the registry answered for a
// tag, that tag says "not checked" or "unreachable", never that it matches.
import { useMemo } from 'react';
import type { SignedTagView } from '../../../../shared/domain';
import { registryStateCounts, tagRegistryState, type ServedDigests, type TagRegistryState } from '../../../../shared/registry-digests';
import { CopyButton } from '../../components/CopyButton';
import { ErrorNote, Spinner } from '../../components/common';
import { formatDateTime } from '../../components/format';
import { useAppStore } from '../../store';
import { viewKey } from '../../store/repositories-slice';

export interface RegistryRow {
  tag: SignedTagView;
  registry: TagRegistryState;
}

export function registryRows(tags: readonly SignedTagView[], found: ServedDigests | undefined): RegistryRow[] {
  return tags.map((tag) => ({ tag, registry: tagRegistryState(tag.tag, tag.digest, found) }));
}

/** The summary sentence of a check, in the order that matters: unreadable first, then differences. */
export function registrySummary(found: ServedDigests | undefined, rows: readonly RegistryRow[]): { tone: 'bad' | 'warn' | 'ok' | 'none'; text: string } {
  if (found === undefined) return { tone: 'none', text: 'Registry not checked: the digests below are what is signed; whether the registry serves them is not known.' };
  if (found.error !== undefined) return { tone: 'warn', text: `Registry unreachable: ${found.registry || 'the registry'} could not be read, so no tag was checked. This says nothing about the signatures.` };
  const counts = registryStateCounts(rows.map((row) => row.registry));
  const parts = [
    counts.mismatch > 0 ? `${counts.mismatch} tag${counts.mismatch === 1 ? '' : 's'} served with another digest than signed` : undefined,
    counts.absent > 0 ? `${counts.absent} not served` : undefined,
    counts['not-checked'] > 0 ? `${counts['not-checked']} not checked` : undefined,
    `${counts.match} match${counts.match === 1 ? 'es' : ''}`,
  ].filter((part): part is string => part !== undefined);
  const tone = counts.mismatch > 0 ? 'bad' : counts.absent + counts['not-checked'] > 0 ? 'warn' : 'ok';
  return { tone, text: `Registry checked ${formatDateTime(found.checkedAt)} (${found.registry}/${found.repository}): ${parts.join(', ')}.` };
}

function shortDigest(digest: string): string {
  const [algorithm, hex = ''] = digest.split(':');
  return `${algorithm}:${hex.slice(0, 12)}…`;
}

function Digest(props: { digest: string; what: string }) {
  return (
    <span className="copyable">
      <code className="digest" title={props.digest}>
        {shortDigest(props.digest)}
      </code>
      <CopyButton value={props.digest} what={props.what} />
    </span>
  );
}

/** One row's registry cell. */
export function RegistryCell(props: { state: TagRegistryState }) {
  const { state } = props;
  switch (state.state) {
    case 'match':
      return <span className="registry-match">✓ serves the signed digest</span>;
    case 'mismatch':
      return (
        <span className="registry-mismatch" title={`registry serves ${state.registryDigest} but signed ${state.signedDigest}`}>
          ✕ serves <Digest digest={state.registryDigest} what="digest the registry serves" />
        </span>
      );
    case 'absent':
      return <span className="registry-unknown">not served by the registry</span>;
    case 'unreachable':
      return <span className="registry-unknown">registry unreachable</span>;
    case 'not-checked':
      return <span className="muted">registry not checked</span>;
  }
}

/** The check's controls, its summary, and every tag whose digest differs, whole. */
export function RegistryCheck(props: { source: { serverId: string; gun: string }; rows: readonly RegistryRow[]; tags: readonly string[] }) {
  const { source } = props;
  const check = useAppStore((s) => s.servedDigestChecks[viewKey(source)]);
  const { checkServedDigests, cancelServedDigests } = useAppStore.getState();
  const summary = registrySummary(check?.found, props.rows);
  const mismatches = useMemo(() => props.rows.filter((row) => row.registry.state === 'mismatch'), [props.rows]);
  return (
    <div className="registry-check" data-testid="registry-check">
      <div className="toolbar">
        {check?.running === undefined ? (
          <button type="button" className="button" disabled={props.tags.length === 0} onClick={() => void checkServedDigests(source, props.tags)}>
            {check?.found === undefined ? 'Check the registry' : 'Check the registry again'}
          </button>
        ) : (
          <span className="check-progress" data-testid="registry-check-progress">
            <Spinner label={`Checking the registry… ${check.running.done} of ${check.running.total} tags`} />
            <button type="button" className="button quiet" onClick={() => void cancelServedDigests(source)}>
              Cancel
            </button>
          </span>
        )}
        <span className={`registry-summary registry-summary-${summary.tone}`} data-testid="registry-summary">
          {summary.text}
        </span>
      </div>
      {check?.found?.error === undefined ? null : <ErrorNote error={check.found.error} title="Why the registry could not be read" />}
      {check?.error === undefined ? null : <ErrorNote error={check.error} title="The registry check failed" />}
      {mismatches.length === 0 ? null : (
        <ul className="registry-mismatches" aria-label="Tags the registry serves differently" data-testid="registry-mismatches">
          {mismatches.map(({ tag, registry }) =>
            registry.state === 'mismatch' ? (
              <li key={tag.tag}>
                <span className="strong">{tag.tag}</span>: registry serves <code className="digest-full">{registry.registryDigest}</code>
                <CopyButton value={registry.registryDigest} what="digest the registry serves" /> but signed <code className="digest-full">{registry.signedDigest}</code>
                <CopyButton value={registry.signedDigest} what="signed digest" />
              </li>
            ) : null,
          )}
        </ul>
      )}
    </div>
  );
}
