import { useEffect, useMemo, useState } from 'react';
import type { RepositoryView } from '../../../../shared/domain';
import type { ErrorInfo } from '../../../../shared/errors';
import { nearestExpiry, trustStateOf } from '../../../../shared/schemas/trust-state';
import { describeTrust } from '../../../../shared/schemas/trust-status';
import { EmptyState, ErrorNote, Expiry, KeyId, Notice, PageHeader, Section, Spinner } from '../../components/common';
import { TrustBadge, TrustExplanation } from '../../components/TrustStatusView';
import { formatDateTime } from '../../components/format';
import { useAppStore } from '../../store';
import { viewKey } from '../../store/repositories-slice';
import { FLOW_NAV } from '../publish/flow-routes';
import { KeyHierarchy } from './KeyHierarchy';
import { RolesTable } from './RolesTable';
import { SignedTags, UnpulledTags } from './SignedTags';
import { TrustAnchor } from './TrustAnchor';

export type RepositorySource = { serverId: string; gun: string } | { cached: true; gun: string };

/** The jobs that act on one repository, opened with it already chosen. */
const REPOSITORY_JOBS = FLOW_NAV.filter((job) => job.screen !== 'expiry');

function JobShortcuts(props: { serverId: string; gun: string }) {
  const navigate = useAppStore((s) => s.navigate);
  return (
    <nav className="job-shortcuts" aria-label="Jobs for this repository">
      {REPOSITORY_JOBS.map((job) => (
        <button key={job.screen} type="button" className="button" onClick={() => navigate({ screen: job.screen, serverId: props.serverId, gun: props.gun })}>
          {job.label}
        </button>
      ))}
    </nav>
  );
}

function VerificationPanel(props: { view: RepositoryView; source: RepositorySource }) {
  const { view, source } = props;
  const acknowledgeRoot = useAppStore((s) => s.acknowledgeRoot);
  const [acknowledgeError, setAcknowledgeError] = useState<ErrorInfo | undefined>();
  const { state, reason } = trustStateOf(view);
  const trust = describeTrust({ state, error: reason, since: view.stale?.since });
  const expiry = nearestExpiry(view);
  return (
    <div className="panel status-panel" data-testid="verification">
      <div className="status-line">
        <TrustBadge status={trust} />
        <span className="muted">Verified {formatDateTime(view.verifiedAt)}</span>
        {expiry === undefined ? null : <Expiry expires={expiry.expires} prefix={`${expiry.role}`} />}
      </div>
      {view.source === 'cache' && view.stale === undefined ? (
        <Notice>Verified offline from the trust data docker cached on this machine. The server may know newer data.</Notice>
      ) : null}
      <TrustExplanation status={trust} />
      {view.trustAnchor === undefined || 'cached' in source ? null : (
        <TrustAnchor anchor={view.trustAnchor} onAcknowledge={() => void acknowledgeRoot(source).then(setAcknowledgeError)} />
      )}
      {acknowledgeError === undefined ? null : <ErrorNote error={acknowledgeError} title="The root change was not acknowledged" />}
      {reason === undefined ? null : <ErrorNote error={reason} title={view.stale === undefined ? 'Part of the trust data was left out' : 'Why it could not be reached'} />}
      {view.warnings.slice(1).map((w, i) => (
        <ErrorNote key={i} error={w} title="Also left out" />
      ))}
    </div>
  );
}

function Signers(props: { view: RepositoryView }) {
  const signedCount = useMemo(() => {
    const counts = new Map<string, number>();
    // Tags docker pull does not use count too: a signer of only those has signed something.
    for (const tag of [...props.view.signedTags, ...(props.view.unpulledTags ?? [])]) for (const s of tag.signers) counts.set(s, (counts.get(s) ?? 0) + 1);
    return counts;
  }, [props.view.signedTags, props.view.unpulledTags]);
  if (props.view.signers.length === 0) {
    return <EmptyState title="No signers">Only the repository's own targets key signs here (docker shows it as “Repo Admin”).</EmptyState>;
  }
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Signer</th>
          <th>Keys</th>
          <th>Tags signed</th>
        </tr>
      </thead>
      <tbody>
        {props.view.signers.map((s) => (
          <tr key={s.name}>
            <td className="strong">{s.name}</td>
            <td>
              <span className="chips">{s.keyIds.map((id) => <KeyId key={id} id={id} />)}</span>
            </td>
            <td>{signedCount.get(s.name) ?? 0}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AdministrativeKeys(props: { view: RepositoryView }) {
  const { root, repository } = props.view.administrativeKeys;
  return (
    <dl className="facts">
      <dt>Root</dt>
      <dd className="chips">{root.length === 0 ? <span className="muted">none</span> : root.map((id) => <KeyId key={id} id={id} />)}</dd>
      <dt>Repository (targets)</dt>
      <dd className="chips">
        {repository.length === 0 ? <span className="muted">none</span> : repository.map((id) => <KeyId key={id} id={id} />)}
      </dd>
    </dl>
  );
}

function RepositoryContent(props: { view: RepositoryView; source: RepositorySource }) {
  const { view } = props;
  return (
    <>
      <VerificationPanel view={view} source={props.source} />
      <Section title="Signed tags" id="tags" hint="What docker pull with content trust would use: tags in targets or targets/releases, with every role that signed them.">
        <SignedTags tags={view.signedTags} {...('cached' in props.source ? {} : { source: props.source })} />
        <UnpulledTags tags={view.unpulledTags ?? []} />
      </Section>
      <div className="columns">
        <Section title="Signers" id="signers" hint="Delegations that may sign tags, with their keys.">
          <Signers view={view} />
        </Section>
        <Section title="Administrative keys" id="admin" hint="The keys that control the repository itself.">
          <AdministrativeKeys view={view} />
        </Section>
      </div>
      <Section title="Roles" id="roles" hint="Each role's version and expiry, as verified.">
        <RolesTable roles={view.roles} />
      </Section>
      <Section title="Key hierarchy" id="hierarchy" hint="Who vouches for whom. Server-held keys are marked; expiry is coloured.">
        <KeyHierarchy view={view} />
      </Section>
    </>
  );
}

/** A repository that could not be read or did not verify: what kind of failure, and nothing of its data. */
function LoadFailure(props: { error: ErrorInfo; since: string | undefined; source: RepositorySource }) {
  const trust = describeTrust({ state: 'failed', error: props.error, since: props.since });
  const navigate = useAppStore((s) => s.navigate);
  const { source } = props;
  // Only a server that answered "no trust data" is offered this: unreachable or unverifiable is not unsigned.
  const canInitialise = trust.kind === 'unsigned' && !('cached' in source);
  return (
    <div className="panel status-panel" data-testid="verification">
      <div className="status-line">
        <TrustBadge status={trust} />
      </div>
      <TrustExplanation status={trust} />
      <ErrorNote error={props.error} title="What the check said" />
      {/* Data that failed its checks is not the same as data we were not let (or not able) to read. */}
      {trust.kind === 'unsigned' ? null : (
        <p className="muted">Nothing from this repository is shown, because it {trust.kind === 'tampered' ? 'did not verify' : 'could not be read'}.</p>
      )}
      {!canInitialise || 'cached' in source ? null : (
        <div className="step-actions">
          <button type="button" className="button primary" onClick={() => navigate({ screen: 'init', serverId: source.serverId, gun: source.gun })}>
            Initialise this repository
          </button>
          <span className="hint">Make its keys and publish its first trust data, as notary init does.</span>
        </div>
      )}
    </div>
  );
}

export function RepositoryScreen(props: { source: RepositorySource }) {
  const { source } = props;
  const key = viewKey(source);
  const view = useAppStore((s) => s.views[key]);
  const settings = useAppStore((s) => s.settings.value);
  const { openRepository, openCached, watch, unwatch } = useAppStore.getState();
  const load = () => ('cached' in source ? openCached(source.gun) : openRepository(source));

  // Read again on every visit (what is known is shown meanwhile): a view kept from an earlier visit may
  // say "verified" about a server the watch list has since found unreachable.
  useEffect(() => {
    void load();
  }, [key]);

  const server = 'cached' in source ? undefined : settings?.servers.find((s) => s.id === source.serverId);
  const watched = 'cached' in source ? false : (settings?.watched.some((w) => w.gun === source.gun && w.serverId === source.serverId) ?? false);
  const busy = view?.status === 'loading';
  // The watch list remembers since when the same failure has lasted.
  const since = useAppStore((s) => ('cached' in source ? undefined : s.statuses.value?.find((w) => w.gun === source.gun && w.serverId === source.serverId)?.since));

  return (
    <div className="screen">
      <PageHeader
        title={source.gun}
        subtitle={'cached' in source ? "From docker's trust cache on this machine" : (server?.url ?? source.serverId)}
        actions={
          <>
            {busy ? <Spinner label="Verifying…" /> : null}
            {'cached' in source ? null : (
              <button type="button" className="button" onClick={() => void (watched ? unwatch(source) : watch(source))}>
                {watched ? 'Stop watching' : 'Watch'}
              </button>
            )}
            <button type="button" className="button primary" disabled={busy} onClick={() => void load()}>
              Refresh
            </button>
          </>
        }
      />
      {'cached' in source ? null : <JobShortcuts serverId={source.serverId} gun={source.gun} />}
      {view?.status === 'error' ? <LoadFailure error={view.error} since={since} source={source} /> : null}
      {view?.value !== undefined && view.status !== 'error' ? <RepositoryContent view={view.value} source={source} /> : null}
      {view === undefined || (view.status === 'loading' && view.value === undefined) ? (
        <div className="panel">
          <Spinner label="Fetching and verifying the trust data…" />
        </div>
      ) : null}
    </div>
  );
}
