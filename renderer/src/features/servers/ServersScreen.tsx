import { useState, type FormEvent } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import type { ServerConfig } from '../../../../shared/schemas/settings';
import { ConfirmRemove, ErrorNote, PageHeader, PassphraseInput, Section, Spinner } from '../../components/common';
import { useAppStore } from '../../store';
import { ConnectionReportView } from './ConnectionReportView';
import { ServerForm } from './ServerForm';

/** The password for the server's user goes straight to the keychain; the field is cleared after. */
function PasswordForm(props: { server: ServerConfig }) {
  const setServerPassword = useAppStore((s) => s.setServerPassword);
  const [password, setPassword] = useState('');
  const [outcome, setOutcome] = useState<{ ok: true } | { ok: false; error: ErrorInfo } | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await setServerPassword(props.server.id, password);
    setPassword('');
    setOutcome(result.ok ? { ok: true } : result);
  };
  return (
    <form className="inline-form" onSubmit={(event) => void submit(event)} aria-label={`Password for ${props.server.name}`}>
      <PassphraseInput label={`Password of ${props.server.username ?? ''}`} value={password} onChange={setPassword} />
      <button type="submit" className="button" disabled={password === ''}>
        Save in keychain
      </button>
      {outcome?.ok === true ? <span className="muted small">Saved in the system keychain.</span> : null}
      {outcome?.ok === false ? <ErrorNote error={outcome.error} /> : null}
    </form>
  );
}

function ServerCard(props: { server: ServerConfig }) {
  const { server } = props;
  const check = useAppStore((s) => s.connectionChecks[server.id]);
  const watchedCount = useAppStore((s) => s.settings.value?.watched.filter((w) => w.serverId === server.id).length ?? 0);
  const { checkServer, removeServer } = useAppStore.getState();
  return (
    <article className="card" aria-label={server.name}>
      <div className="card-head">
        <div>
          <h3>{server.name}</h3>
          <p className="muted mono small">{server.url}</p>
        </div>
        <div className="actions">
          <button type="button" className="button" onClick={() => void checkServer(server.id, server)}>
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
      {server.username === undefined ? null : <PasswordForm server={server} />}
      {check?.status === 'loading' ? <Spinner label="Checking…" /> : null}
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
