import { useMemo, useState, type FormEvent } from 'react';
import type { WatchStatus } from '../../../../shared/schemas/views';
import { describeTrust } from '../../../../shared/schemas/trust-status';
import { EmptyState, ErrorNote, Expiry, FilterBox, PageHeader, ProgressBar, Section, Spinner } from '../../components/common';
import { TrustBadge, TrustExplanation } from '../../components/TrustStatusView';
import { sortStatuses, STATUS_SORTS, type StatusSort } from './status-order';
import { formatDateTime } from '../../components/format';
import { useAppStore } from '../../store';

function AddRepositoryForm() {
  const servers = useAppStore((s) => s.settings.value?.servers ?? []);
  const watch = useAppStore((s) => s.watch);
  const openRepository = useAppStore((s) => s.openRepository);
  const [gun, setGun] = useState('');
  const [serverId, setServerId] = useState('');
  const [error, setError] = useState<string | undefined>();
  const chosen = serverId || servers[0]?.id || '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const repository = { gun: gun.trim(), serverId: chosen };
    const result = await watch(repository);
    if (result.ok) {
      // Checked at once, not at the next Refresh all (openRepository records the status it finds).
      void openRepository(repository);
      setGun('');
      setError(undefined);
    } else setError(result.error.message);
  };

  return (
    <form className="inline-form" onSubmit={(event) => void submit(event)} aria-label="Watch a repository">
      <input
        className="input grow"
        placeholder="Repository, e.g. registry.example.com/team/app"
        aria-label="Repository name"
        value={gun}
        onChange={(event) => setGun(event.target.value)}
        required
      />
      <select className="input" aria-label="Notary server" value={chosen} onChange={(event) => setServerId(event.target.value)}>
        {servers.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
      <button type="submit" className="button primary" disabled={chosen === ''}>
        Watch
      </button>
      {error === undefined ? null : <p className="form-error" role="alert">{error}</p>}
    </form>
  );
}

function StatusRow(props: { status: WatchStatus; serverName: string }) {
  const { status } = props;
  const navigate = useAppStore((s) => s.navigate);
  const open = () => navigate({ screen: 'repository', serverId: status.serverId, gun: status.gun });
  const trust = describeTrust(status);
  return (
    <tr className="clickable" onClick={open}>
      <td>
        <button type="button" className="link strong" onClick={open}>
          {status.gun}
        </button>
        <div className="muted small">{props.serverName}</div>
      </td>
      <td title={status.error?.message}>
        <TrustBadge status={trust} />
        <TrustExplanation status={trust} compact />
      </td>
      <td>{status.signedTagCount ?? '—'}</td>
      <td>
        {status.nearestExpiry === undefined ? (
          <span className="muted">—</span>
        ) : (
          <>
            <Expiry expires={status.nearestExpiry.expires} />
            <div className="muted small">{status.nearestExpiry.role}</div>
          </>
        )}
      </td>
      <td className="muted small">{status.checkedAt === undefined ? 'never' : formatDateTime(status.checkedAt)}</td>
    </tr>
  );
}

export function RepositoriesScreen() {
  const statuses = useAppStore((s) => s.statuses);
  const servers = useAppStore((s) => s.settings.value?.servers ?? []);
  const refresh = useAppStore((s) => s.refresh);
  const { refreshWatched, cancelRefresh, navigate } = useAppStore.getState();
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<StatusSort>('attention');
  const serverName = (id: string) => servers.find((s) => s.id === id)?.name ?? id;
  const all = statuses.value ?? [];
  const list = useMemo(() => {
    const needle = query.trim().toLowerCase();
    const found = needle === '' ? all : all.filter((s) => `${s.gun} ${serverName(s.serverId)}`.toLowerCase().includes(needle));
    return sortStatuses(found, sort);
  }, [all, query, sort, servers]);

  return (
    <div className="screen">
      <PageHeader
        title="Repositories"
        subtitle="The repositories you watch, with their trust status and the role that expires first."
        actions={
          refresh === undefined ? (
            <button type="button" className="button primary" disabled={list.length === 0} onClick={() => void refreshWatched()}>
              Refresh all
            </button>
          ) : (
            <button type="button" className="button" onClick={() => void cancelRefresh()}>
              Cancel
            </button>
          )
        }
      />
      {refresh === undefined ? null : <ProgressBar done={refresh.done} total={refresh.total} label="Verified" />}
      {statuses.status === 'error' ? <ErrorNote error={statuses.error} /> : null}
      {servers.length === 0 ? (
        <EmptyState
          title="No notary server yet"
          action={
            <button type="button" className="button primary" onClick={() => navigate({ screen: 'servers' })}>
              Add a server
            </button>
          }
        >
          Add the notary server your team signs with, then watch its repositories here.
        </EmptyState>
      ) : (
        <>
          <Section title="Watch a repository">
            <AddRepositoryForm />
          </Section>
          {statuses.value === undefined ? (
            statuses.status === 'error' ? null : <Spinner label="Reading the watch list" />
          ) : all.length === 0 ? (
            <EmptyState title="No repositories watched">Type a repository name above to watch it.</EmptyState>
          ) : (
            <>
            <div className="toolbar">
              <FilterBox label="Search repositories" placeholder="Search repositories" value={query} onChange={setQuery} />
              <label className="inline-label">
                Sort by{' '}
                <select className="input" aria-label="Sort repositories" value={sort} onChange={(event) => setSort(event.target.value as StatusSort)}>
                  {STATUS_SORTS.map((option) => (
                    <option key={option.value} value={option.value}>
                      {option.label}
                    </option>
                  ))}
                </select>
              </label>
              <span className="muted" data-testid="repository-count">
                {list.length === all.length ? `${all.length} repositories` : `${list.length} of ${all.length} repositories`}
              </span>
            </div>
            <table className="table" aria-label="Watched repositories">
              <thead>
                <tr>
                  <th>Repository</th>
                  <th>Trust</th>
                  <th>Signed tags</th>
                  <th>Nearest expiry</th>
                  <th>Last checked</th>
                </tr>
              </thead>
              <tbody>
                {list.map((status) => (
                  <StatusRow key={`${status.serverId} ${status.gun}`} status={status} serverName={serverName(status.serverId)} />
                ))}
              </tbody>
            </table>
            </>
          )}
        </>
      )}
    </div>
  );
}
