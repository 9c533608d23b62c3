// Staged changes: what waits to be published in each watched repository (a flow that failed, or a
// change staged with the CLI's --stage), published together with progress, or discarded.
import { useEffect, useState } from 'react';
import type { RepositoryRef, StagedView } from '../../../../shared/schemas/flows';
import { ConfirmRemove, EmptyState, ErrorNote, PageHeader, Spinner } from '../../components/common';
import { formatDateTime } from '../../components/format';
import { countersign, errorInfoOf } from '../../bridge/client';
import { useAppStore } from '../../store';
import type { ErrorInfo } from '../../../../shared/errors';
import { FlowRunPanel, FlowSummaryView, sameRepository, useFlowResult, useFlowRunning } from './components';

function useStaged(): { staged: StagedView[] | undefined; error: ErrorInfo | undefined; reload: () => Promise<void> } {
  const watched = useAppStore((s) => s.settings.value?.watched);
  const [staged, setStaged] = useState<StagedView[] | undefined>();
  const [error, setError] = useState<ErrorInfo | undefined>();
  const reload = async () => {
    const repositories = (watched ?? []).map(({ gun, serverId }) => ({ gun, serverId }));
    if (repositories.length === 0) return setStaged([]);
    try {
      const result = await countersign().publish.staged({ repositories });
      if (result.ok) setStaged(result.value);
      else setError(result.error);
    } catch (caught) {
      setError(errorInfoOf(caught));
    }
  };
  useEffect(() => {
    void reload();
  }, [watched]);
  return { staged, error, reload };
}

function StagedRepository(props: { view: StagedView; chosen: boolean; onChoose: (chosen: boolean) => void; onDiscard: () => void }) {
  const { view } = props;
  return (
    <article className="outcome outcome-unchanged" aria-label={view.gun}>
      <div className="outcome-head">
        <input type="checkbox" aria-label={`Publish ${view.gun}`} checked={props.chosen} onChange={(e) => props.onChoose(e.target.checked)} />
        <span className="mono strong">{view.gun}</span>
        <span className="muted small">
          {view.changes.length} staged change{view.changes.length === 1 ? '' : 's'}
        </span>
        <span className="grow" />
        <ConfirmRemove confirmLabel="Discard these changes" onConfirm={props.onDiscard} />
      </div>
      <ul className="outcome-changes">
        {view.changes.map((change) => (
          <li key={change.id}>
            {change.description} <span className="muted small">staged {formatDateTime(change.stagedAt)}</span>
          </li>
        ))}
      </ul>
    </article>
  );
}

export function PublishScreen() {
  const { staged, error, reload } = useStaged();
  const runFlow = useAppStore((s) => s.runFlow);
  const clearFlow = useAppStore((s) => s.clearFlow);
  const running = useFlowRunning('publish');
  const summary = useFlowResult('publish');
  const [chosen, setChosen] = useState<RepositoryRef[] | undefined>();
  const pending = (staged ?? []).filter((view) => view.changes.length > 0);
  const selected = chosen ?? pending.map(({ gun, serverId }) => ({ gun, serverId }));

  const publish = async () => {
    await runFlow('publish', (options) => countersign().publish.run({ repositories: selected }, options));
    setChosen(undefined);
    await reload();
  };
  const discard = async (ref: RepositoryRef) => {
    await countersign().publish.discard({ ...ref });
    await reload();
  };

  return (
    <div className="screen flow-screen">
      <PageHeader
        title="Staged changes"
        subtitle="Changes that wait to be published: left by a flow that could not finish, or staged with the command line's --stage."
        actions={
          <button type="button" className="button primary" disabled={running || selected.length === 0} onClick={() => void publish()}>
            Publish {selected.length === 0 ? '' : `${selected.length} ${selected.length === 1 ? 'repository' : 'repositories'}`}
          </button>
        }
      />
      <FlowRunPanel flow="publish" title="Publishing" />
      {summary === undefined ? null : (
        <FlowSummaryView summary={summary}>
          <div className="step-actions">
            <button type="button" className="button" onClick={() => clearFlow('publish')}>
              Done
            </button>
          </div>
        </FlowSummaryView>
      )}
      {error === undefined ? null : <ErrorNote error={error} />}
      {staged === undefined ? (
        <Spinner label="Reading the staged changes…" />
      ) : pending.length === 0 ? (
        <EmptyState title="Nothing is staged">Every change of the watched repositories has been published.</EmptyState>
      ) : (
        <div className="outcomes">
          {pending.map((view) => (
            <StagedRepository
              key={`${view.serverId} ${view.gun}`}
              view={view}
              chosen={selected.some((s) => sameRepository(s, view))}
              onChoose={(on) => setChosen(on ? [...selected, { gun: view.gun, serverId: view.serverId }] : selected.filter((s) => !sameRepository(s, view)))}
              onDiscard={() => void discard(view)}
            />
          ))}
        </div>
      )}
    </div>
  );
}
