import { useState } from 'react';
import type { ServerConfig } from '../../../../shared/schemas/settings';
import { ConfirmRemove, ErrorNote, PageHeader, Section } from '../../components/common';
import { KeychainPasswordForm } from '../../components/KeychainPasswordForm';
import { useAppStore } from '../../store';
import { CheckProgress } from './CheckProgress';
import { ConnectionReportView } from './ConnectionReportView';
import { ServerForm } from './ServerForm';

function ServerCard(props: { server: ServerConfig }) {
  const { server } = props;
  const [editing, setEditing] = useState(false);
  const check = useAppStore((s) => s.connectionChecks[server.id]);
  const watchedCount = useAppStore((s) => s.settings.value?.watched.filter((w) => w.serverId === server.id).length ?? 0);
  const { checkServer, removeServer, setServerPassword } = useAppStore.getState();
  return (
    <article className="card" aria-label={server.name}>
      <div className="card-head">
        <div>
          <h3>{server.name}</h3>
          <p className="muted mono small">{server.url}</p>
        </div>
        <div className="actions">
          <button type="button" className="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
            Edit
          </button>
          <button type="button" className="button" onClick={() => void checkServer(server.id, server)} disabled={check?.status === 'loading'}>
            Check connection
          </button>
          <ConfirmRemove
            confirmLabel={`Remove${watchedCount > 0 ? ` and stop watching ${watchedCount}` : ''}`}
            onConfirm={() => void removeServer(server.id)}
          />
        </div>
      </div>
      <dl className="facts compact">
        <dt>CA</dt>
        <dd>{server.caPem === undefined ? 'system trust store' : 'custom CA certificate'}</dd>
        <dt>Sign-in</dt>
        <dd>{server.username ?? 'anonymous'}</dd>
        <dt>Watched</dt>
        <dd>{watchedCount === 1 ? '1 repository' : `${watchedCount} repositories`}</dd>
      </dl>
      {server.username === undefined ? null : (
        <KeychainPasswordForm
          name={server.name}
          username={server.username}
          save={async (password) => {
            const stored = await setServerPassword(server.id, password);
            // The check right away says whether the server takes it: signed in as whom, with which rights.
            if (stored.ok) void checkServer(server.id, server);
            return stored;
          }}
        />
      )}
      {editing ? <ServerForm server={server} onSaved={() => setEditing(false)} onCancel={() => setEditing(false)} /> : null}
      <CheckProgress checkKey={server.id} />
      {check?.status === 'error' ? <ErrorNote error={check.error} /> : null}
      {check?.value === undefined || check.status === 'loading' ? null : <ConnectionReportView report={check.value} />}
    </article>
  );
}

export function ServersScreen() {
  const servers = useAppStore((s) => s.settings.value?.servers ?? []);
  const [adding, setAdding] = useState(false);
  const showForm = adding || servers.length === 0;
  return (
    <div className="screen">
      <PageHeader
        title="Servers"
        subtitle="Notary servers Countersign reads trust data from. Passwords stay in the system keychain."
        actions={
          showForm ? null : (
            <button type="button" className="button primary" onClick={() => setAdding(true)}>
              Add server
            </button>
          )
        }
      />
      {showForm ? (
        <Section title="Add a notary server">
          <ServerForm onSaved={() => setAdding(false)} />
        </Section>
      ) : null}
      {servers.length === 0 ? (
        <p className="hint">Countersign has no default server: add the one your team signs with.</p>
      ) : (
        <div className="cards">
          {servers.map((server) => (
            <ServerCard key={server.id} server={server} />
          ))}
        </div>
      )}
    </div>
  );
}
