// This machine: what docker trust already left here, useful before any server is configured.
import { useEffect } from 'react';
import { EmptyState, ErrorNote, KeyId, Notice, PageHeader, Section, Spinner } from '../../components/common';
import { formatDateTime } from '../../components/format';
import { useAppStore } from '../../store';
import { ImportKeys } from '../keys/ImportKeys';

function DockerKeys() {
  const discovery = useAppStore((s) => s.discovery);
  const keys = discovery.value?.keys ?? [];

  if (keys.length === 0) {
    return (
      <EmptyState title="No docker trust keys on this machine">
        Keys made by <code>docker trust</code> or <code>notary</code> would be in {discovery.value?.trustDir ?? '~/.docker/trust'}/private.
      </EmptyState>
    );
  }
  return (
    <>
      <table className="table" aria-label="Docker trust keys">
        <thead>
          <tr>
            <th>Key ID</th>
            <th>Role</th>
            <th>Repository</th>
            <th>Protection</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.file}>
              <td>
                <KeyId id={key.id} />
              </td>
              <td>{key.role ?? <span className="muted">unknown</span>}</td>
              <td>{key.gun ?? <span className="muted">—</span>}</td>
              <td>{key.encrypted ? 'passphrase' : <span className="expiry-expired">not encrypted</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {/* The Keys screen's key-by-key import, on the trust dir the main process found. */}
      <ImportKeys dockerTrustDir />
    </>
  );
}

function CachedTrustData() {
  const cached = useAppStore((s) => s.discovery.value?.cached ?? []);
  const navigate = useAppStore((s) => s.navigate);
  if (cached.length === 0) {
    return <EmptyState title="No cached trust data">docker caches the trust data of repositories it pulled or signed with content trust on.</EmptyState>;
  }
  return (
    <table className="table" aria-label="Cached trust data">
      <thead>
        <tr>
          <th>Repository</th>
          <th>Roles cached</th>
          <th>Last written</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {cached.map((entry) => (
          <tr key={entry.gun}>
            <td className="strong">{entry.gun}</td>
            <td className="muted small">{entry.roles.join(', ')}</td>
            <td className="muted small">{formatDateTime(entry.modifiedAt)}</td>
            <td className="right">
              <button type="button" className="button" onClick={() => navigate({ screen: 'cached', gun: entry.gun })}>
                Verify offline
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function StartScreen() {
  const discovery = useAppStore((s) => s.discovery);
  const firstStart = useAppStore((s) => (s.settings.value?.servers.length ?? 0) === 0);
  const { scanMachine, navigate } = useAppStore.getState();
  useEffect(() => {
    void scanMachine();
  }, [scanMachine]);
  return (
    <div className="screen">
      <PageHeader
        title={firstStart ? 'Welcome to Countersign' : 'This machine'}
        subtitle={
          firstStart
            ? 'No notary server is configured yet. Here is what docker trust already keeps on this machine.'
            : 'What docker trust keeps on this machine.'
        }
        actions={
          firstStart ? (
            <button type="button" className="button primary" onClick={() => navigate({ screen: 'servers' })}>
              Add a notary server
            </button>
          ) : null
        }
      />
      {discovery.status === 'loading' && discovery.value === undefined ? <Spinner label="Looking at docker's trust folder…" /> : null}
      {discovery.status === 'error' ? <ErrorNote error={discovery.error} /> : null}
      {discovery.value === undefined ? null : (
        <>
          <p className="muted small">
            Docker trust folder: <code>{discovery.value.trustDir}</code>
          </p>
          <Section title="Docker trust keys" id="docker-keys" hint="Private keys docker trust or notary keep as passphrase-protected files.">
            <DockerKeys />
          </Section>
          <Section title="Cached trust data" id="cached" hint="Trust data docker downloaded earlier. Countersign verifies it offline and marks it as cached.">
            <CachedTrustData />
          </Section>
          {discovery.value.problems.length === 0 ? null : (
            <Notice tone="warning">
              {discovery.value.problems.map((p) => (
                <div key={p}>{p}</div>
              ))}
            </Notice>
          )}
        </>
      )}
    </div>
  );
}
