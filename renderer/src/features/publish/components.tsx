// Building blocks every job screen shares: the steps of a wizard, choosing repositories, a running
// flow's progress with its cancel button, and the summary of what was published.
import { useEffect, type ReactNode } from 'react';
import type { FlowProgress, FlowSummary, RepositoryOutcome, RepositoryRef } from '../../../../shared/schemas/flows';
import type { WatchedRepository } from '../../../../shared/schemas/settings';
import { ErrorNote, ProgressBar, Spinner } from '../../components/common';
import { useAppStore } from '../../store';
import { viewKey } from '../../store/repositories-slice';
import type { FlowKey, FlowResults } from './flow-slice';
import './flows.css';

export const sameRepository = (a: RepositoryRef, b: RepositoryRef) => a.gun === b.gun && a.serverId === b.serverId;

/** The wizard's steps, the current one marked; earlier steps show as done. */
export function Stepper(props: { steps: readonly string[]; current: number }) {
  return (
    <ol className="stepper" aria-label="Steps">
      {props.steps.map((label, index) => {
        const state = index < props.current ? 'done' : index === props.current ? 'current' : 'todo';
        return (
          <li key={label} className={`step step-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
            <span className="step-mark" aria-hidden="true">
              {state === 'done' ? '✓' : index + 1}
            </span>
            <span className="step-label">{label}</span>
          </li>
        );
      })}
    </ol>
  );
}

/** A step's frame: a title, what it is about, its content and its buttons. */
export function StepPanel(props: { title: string; hint?: ReactNode; children?: ReactNode; actions?: ReactNode; label?: string }) {
  return (
    <section className="step-panel" aria-label={props.label ?? props.title}>
      <h2>{props.title}</h2>
      {props.hint === undefined ? null : <p className="hint">{props.hint}</p>}
      {props.children}
      {props.actions === undefined ? null : <div className="step-actions">{props.actions}</div>}
    </section>
  );
}

function useServerName(): (id: string) => string {
  const servers = useAppStore((s) => s.settings.value?.servers);
  return (id) => servers?.find((s) => s.id === id)?.name ?? id;
}

/** The watch list with a checkbox each (or one choice with `single`). */
export function RepositoryChooser(props: { selected: readonly RepositoryRef[]; onChange: (next: RepositoryRef[]) => void; single?: boolean; label?: string }) {
  const watched = useAppStore((s) => s.settings.value?.watched);
  const serverName = useServerName();
  const list: WatchedRepository[] = watched ?? [];
  if (list.length === 0) return <p className="muted">Watch a repository first (Repositories).</p>;
  const isChosen = (ref: RepositoryRef) => props.selected.some((s) => sameRepository(s, ref));
  const toggle = (ref: RepositoryRef) => {
    if (props.single === true) props.onChange([ref]);
    else props.onChange(isChosen(ref) ? props.selected.filter((s) => !sameRepository(s, ref)) : [...props.selected, ref]);
  };
  return (
    <fieldset className="chooser">
      <legend>{props.label ?? (props.single === true ? 'Repository' : 'Repositories')}</legend>
      {props.single === true || list.length < 2 ? null : (
        <label className="chooser-all">
          <input type="checkbox" checked={list.every(isChosen)} onChange={(e) => props.onChange(e.target.checked ? list.map(({ gun, serverId }) => ({ gun, serverId })) : [])} />
          All watched repositories
        </label>
      )}
      {list.map((ref) => (
        <label key={`${ref.serverId} ${ref.gun}`} className="chooser-item">
          <input type={props.single === true ? 'radio' : 'checkbox'} name={props.label ?? 'repository'} checked={isChosen(ref)} onChange={() => toggle({ gun: ref.gun, serverId: ref.serverId })} />
          <span className="mono">{ref.gun}</span>
          <span className="muted small">{serverName(ref.serverId)}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** What the user may answer when changes staged earlier would be published with this job. */
export type EarlierStagedChoice = (choice: 'include' | 'leave') => void;

const STATUS_WORDS: Record<RepositoryOutcome['status'], { badge: string; mark: string; text: (o: RepositoryOutcome) => string }> = {
  published: { badge: 'verified', mark: '✓', text: () => 'Published (read back from the server)' },
  unchanged: { badge: 'not-checked', mark: '✓', text: (o) => (o.changes.length > 0 ? 'Already on the server' : 'Nothing to publish') },
  staged: { badge: 'not-checked', mark: '…', text: () => 'Staged, not published' },
  failed: { badge: 'failed', mark: '✕', text: () => 'Not published' },
  cancelled: { badge: 'stale', mark: '■', text: () => 'Cancelled: not on the server' },
  unknown: { badge: 'stale', mark: '?', text: () => 'Unknown: the server may have it' },
};

/** One repository's outcome: what the server now has, what stays staged, what is worth knowing, or why it failed. */
export function OutcomeCard(props: { outcome: RepositoryOutcome; onEarlierStaged?: EarlierStagedChoice | undefined }) {
  const { outcome } = props;
  const serverName = useServerName();
  const versions = Object.entries(outcome.versions).map(([role, version]) => `${role} v${version}`);
  const words = STATUS_WORDS[outcome.status];
  const earlierStaged = outcome.error?.code === 'staged-changes-pending';
  return (
    <article className={`outcome outcome-${outcome.status}`} aria-label={outcome.gun}>
      <div className="outcome-head">
        <span className="outcome-mark" aria-hidden="true">
          {words.mark}
        </span>
        <span className="mono strong">{outcome.gun}</span>
        <span className="muted small">{serverName(outcome.serverId)}</span>
        <span className={`badge badge-${words.badge}`} data-testid="outcome-status">
          {earlierStaged ? 'Waiting for your choice' : words.text(outcome)}
        </span>
      </div>
      {versions.length === 0 || outcome.status !== 'published' ? null : (
        <p className="small muted">
          Uploaded {versions.join(', ')}
          {outcome.serverSigned.length === 0 ? '' : `; the server signed ${outcome.serverSigned.join(' and ')}`}
          {outcome.checkedAt === undefined ? '' : `; read back at ${new Date(outcome.checkedAt).toLocaleTimeString()}`}
        </p>
      )}
      {outcome.changes.length === 0 ? null : (
        <ul className="outcome-changes" aria-label="On the server">
          {outcome.changes.map((change, i) => (
            <li key={i}>{change}</li>
          ))}
        </ul>
      )}
      {outcome.stillStaged.length === 0 ? null : (
        <>
          <p className="small">
            {outcome.status === 'unknown' ? 'Stays staged (the server may have it: the next publish finds out)' : 'Stays staged (not on the server)'} — publish or discard it under Staged changes:
          </p>
          <ul className="outcome-changes" aria-label="Still staged">
            {outcome.stillStaged.map((change, i) => (
              <li key={i}>{change}</li>
            ))}
          </ul>
        </>
      )}
      {outcome.notes.length === 0 ? null : (
        <ul className="outcome-notes">
          {outcome.notes.map((note, i) => (
            <li key={i}>{note}</li>
          ))}
        </ul>
      )}
      {earlierStaged && props.onEarlierStaged !== undefined ? (
        <div className="earlier-staged" data-testid="earlier-staged">
          <p className="pre-wrap small">{outcome.error?.message}</p>
          <div className="step-actions">
            <button type="button" className="button primary" onClick={() => props.onEarlierStaged?.('include')}>
              Publish them too
            </button>
            <button type="button" className="button" onClick={() => props.onEarlierStaged?.('leave')}>
              Leave them staged, publish only this
            </button>
          </div>
        </div>
      ) : outcome.error === undefined ? null : (
        <ErrorNote error={outcome.error} />
      )}
    </article>
  );
}

/** The summary at the end of a flow. */
export function FlowSummaryView(props: { summary: FlowSummary; title?: string; children?: ReactNode; onEarlierStaged?: EarlierStagedChoice | undefined }) {
  const { outcomes } = props.summary;
  const count = (status: RepositoryOutcome['status']) => outcomes.filter((o) => o.status === status).length;
  const failed = count('failed') + count('unknown');
  const headline = [
    ...(props.summary.cancelled === true ? ['Cancelled'] : []),
    `${count('published')} of ${outcomes.length} ${outcomes.length === 1 ? 'repository' : 'repositories'} published`,
    ...(count('failed') > 0 ? [`${count('failed')} failed`] : []),
    ...(count('unknown') > 0 ? [`${count('unknown')} unknown (not seen on the server afterwards; the next publish finds out)`] : []),
    ...(count('cancelled') > 0 ? [`${count('cancelled')} cancelled with nothing on the server`] : []),
  ].join(', ');
  return (
    <section className="summary" aria-label="Summary" data-testid="flow-summary">
      <h2>{props.title ?? 'Summary'}</h2>
      <p className={failed > 0 || props.summary.cancelled === true ? 'summary-line warn' : 'summary-line'}>{headline}</p>
      <div className="outcomes">
        {outcomes.map((outcome) => (
          <OutcomeCard key={`${outcome.serverId} ${outcome.gun}`} outcome={outcome} onEarlierStaged={props.onEarlierStaged} />
        ))}
      </div>
      {props.children}
    </section>
  );
}

function progressLine(progress: FlowProgress | undefined): string {
  if (progress?.current !== undefined) return `${progress.current.gun}: ${progress.current.step}…`;
  return 'Starting…';
}

/**
 * A run of `key` while it runs (progress, what finished, Cancel) and once it failed or was cancelled
 * (what was done before). A finished run is drawn by the screen itself, with its own summary.
 */
export function FlowRunPanel(props: { flow: FlowKey; title: string }) {
  const run = useAppStore((s) => s.flowRuns[props.flow]);
  const cancelFlow = useAppStore((s) => s.cancelFlow);
  if (run === undefined || run.status === 'done') return null;
  if (run.status === 'running') {
    const total = run.progress?.total ?? 0;
    return (
      <section className="step-panel running" aria-label={props.title} data-testid="flow-running">
        <h2>{props.title}</h2>
        <Spinner label={progressLine(run.progress)} />
        {total > 1 ? <ProgressBar done={run.progress?.done ?? 0} total={total} label="Repositories done" /> : null}
        {run.finished.map((outcome) => (
          <OutcomeCard key={`${outcome.serverId} ${outcome.gun}`} outcome={outcome} />
        ))}
        <div className="step-actions">
          <button type="button" className="button" onClick={() => void cancelFlow(props.flow)}>
            Cancel
          </button>
        </div>
      </section>
    );
  }
  const cancelled = run.error.code === 'cancelled';
  return (
    <section className="step-panel" aria-label={props.title} data-testid="flow-stopped">
      <h2>{cancelled ? 'Cancelled' : props.title}</h2>
      {cancelled ? (
        <p className="hint">
          Stopped before anything more was sent to the server. {run.finished.length === 0 ? '' : 'Before that:'} Anything staged and not yet published is kept under Staged changes.
        </p>
      ) : (
        <ErrorNote error={run.error} />
      )}
      {run.finished.map((outcome) => (
        <OutcomeCard key={`${outcome.serverId} ${outcome.gun}`} outcome={outcome} />
      ))}
    </section>
  );
}

/** The run's value once it is done, typed by its kind. */
export function useFlowResult<K extends FlowKey>(flow: K) {
  return useAppStore((s) => {
    const run = s.flowRuns[flow];
    return run?.status === 'done' ? run.value : undefined;
  });
}

export function useFlowRunning(flow: FlowKey): boolean {
  return useAppStore((s) => s.flowRuns[flow]?.status === 'running');
}

/** The kinds of run that end with a summary of what was published. */
type SummaryFlow = { [K in FlowKey]: FlowResults[K] extends FlowSummary ? K : never }[FlowKey];

/** The last step of a flow: its progress, then its summary, and a way to start again. */
export function FlowFinish(props: {
  flow: SummaryFlow;
  title: string;
  againLabel: string;
  onAgain: () => void;
  summaryTitle?: string;
  children?: (summary: FlowSummary) => ReactNode;
  /** Runs the job again with the user's answer about changes staged earlier. */
  onEarlierStaged?: EarlierStagedChoice;
}) {
  const summary = useFlowResult(props.flow);
  return (
    <>
      <FlowRunPanel flow={props.flow} title={props.title} />
      {summary === undefined ? null : (
        <FlowSummaryView summary={summary} onEarlierStaged={props.onEarlierStaged} {...(props.summaryTitle === undefined ? {} : { title: props.summaryTitle })}>
          {props.children?.(summary)}
        </FlowSummaryView>
      )}
      <div className="step-actions">
        <button type="button" className="button" onClick={props.onAgain}>
          {props.againLabel}
        </button>
      </div>
    </>
  );
}

/** A repository's verified view, fetched again when a flow opens it (it is about to build on it). */
export function useFreshView(repository: RepositoryRef | undefined) {
  const key = repository === undefined ? '' : viewKey(repository);
  const view = useAppStore((s) => (repository === undefined ? undefined : s.views[key]));
  const openRepository = useAppStore((s) => s.openRepository);
  useEffect(() => {
    if (repository !== undefined) void openRepository(repository);
  }, [key]);
  return view;
}
