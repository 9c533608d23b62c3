// Registries the audit reads, kept in settings: add one (with its CA and the notary server holding its
// trust data), check it, keep its password in the keychain, remove it.
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { registryInputSchema, type RegistryConfig, type RegistryInput } from '../../../../shared/schemas/settings';
import { CaCertificateField } from '../../components/CaCertificateField';
import { ConfirmRemove, ErrorNote, Spinner } from '../../components/common';
import { KeychainPasswordForm } from '../../components/KeychainPasswordForm';
import { firstIssue } from '../../components/format';
import { useAppStore } from '../../store';
import { ServerOptions } from './parts';

const DRAFT = 'draft';

function RegistryCheckView(props: { checkKey: string }) {
  const check = useAppStore((s) => s.registryChecks[props.checkKey]);
  if (check === undefined) return null;
  if (check.status === 'loading') return <Spinner label="Checking…" />;
  if (check.status === 'error') return <ErrorNote error={check.error} />;
  if (check.value === undefined) return null;
  const { ok, explanation, error } = check.value;
  return (
    <div className={`report ${ok ? 'ok' : 'failed'}`} data-testid="registry-check" role="status">
      <p className="report-summary">{explanation}</p>
      {error === undefined ? null : <p className="note-detail">{error.message}</p>}
    </div>
  );
}

interface Draft {
  name: string;
  url: string;
  caPem: string;
  username: string;
  serverId: string;
  gunHost: string;
}

function toInput(draft: Draft): RegistryInput {
  const optional = (key: keyof Draft) => (draft[key].trim() === '' ? {} : { [key]: draft[key].trim() });
  return { name: draft.name.trim(), url: draft.url.trim(), ...optional('username'), ...optional('serverId'), ...optional('gunHost'), ...(draft.caPem.trim() === '' ? {} : { caPem: draft.caPem }) };
}

export function RegistryForm(props: { onSaved: () => void }) {
  const servers = useAppStore((s) => s.settings.value?.servers ?? []);
  const [draft, setDraft] = useState<Draft>({ name: '', url: 'https://', caPem: '', username: '', serverId: servers[0]?.id ?? '', gunHost: '' });
  const [problem, setProblem] = useState<string | undefined>();
  const checking = useAppStore((s) => s.registryChecks[DRAFT]?.status === 'loading');
  const { checkRegistry, saveRegistry, forgetRegistryCheck } = useAppStore.getState();

  const field = (name: keyof Draft) => (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => {
    setDraft({ ...draft, [name]: event.target.value });
    setProblem(undefined);
  };

  /** Checked here for quick feedback; the main process checks again with the same schema. */
  const valid = (): RegistryInput | undefined => {
    const parsed = registryInputSchema.safeParse(toInput(draft));
    if (parsed.success) return parsed.data;
    setProblem(firstIssue(parsed.error, 'registry'));
    return undefined;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = valid();
    if (input === undefined) return;
    const result = await saveRegistry(input);
    if (!result.ok) return setProblem(result.error.message);
    forgetRegistryCheck(DRAFT);
    props.onSaved();
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)} aria-label="Add a registry">
      <div className="field-row">
        <label className="field">
          <span>Name</span>
          <input className="input" value={draft.name} onChange={field('name')} placeholder="Team registry" required />
        </label>
        <label className="field">
          <span>URL</span>
          <input className="input" value={draft.url} onChange={field('url')} placeholder="https://registry.example.com:5000" required />
        </label>
      </div>
      <CaCertificateField what="registry" label="Registry CA certificate" rows={2} value={draft.caPem} onChange={(caPem) => setDraft({ ...draft, caPem })} />
      <div className="field-row">
        <label className="field">
          <span>Notary server with its trust data</span>
          <select className="input" value={draft.serverId} onChange={field('serverId')}>
            <option value="">Choose when auditing</option>
            <ServerOptions />
          </select>
        </label>
        <label className="field">
          <span>User name (optional)</span>
          <input className="input" value={draft.username} onChange={field('username')} autoComplete="off" />
        </label>
      </div>
      <label className="field medium-field">
        <span>Name in trust data (optional)</span>
        <input className="input" value={draft.gunHost} onChange={field('gunHost')} placeholder="registry.example.com" autoComplete="off" />
        <span className="hint">When signers name images by another host than this URL's (a mirror, or docker.io).</span>
      </label>
      {problem === undefined ? null : <p className="form-error" role="alert">{problem}</p>}
      <div className="form-actions">
        <button
          type="button"
          className="button"
          disabled={checking}
          onClick={() => {
            const input = valid();
            if (input !== undefined) void checkRegistry(DRAFT, input);
          }}
        >
          Check connection
        </button>
        <button type="submit" className="button primary">
          Save registry
        </button>
      </div>
      <RegistryCheckView checkKey={DRAFT} />
    </form>
  );
}

export function RegistryCard(props: { registry: RegistryConfig }) {
  const { registry } = props;
  const serverName = useAppStore((s) => s.settings.value?.servers.find((server) => server.id === registry.serverId)?.name);
  const { checkRegistry, removeRegistry, setRegistryPassword } = useAppStore.getState();
  return (
    <article className="card" aria-label={registry.name}>
      <div className="card-head">
        <div>
          <h3>{registry.name}</h3>
          <p className="muted mono small">{registry.url}</p>
        </div>
        <div className="actions">
          <button type="button" className="button" onClick={() => void checkRegistry(registry.id, registry)}>
            Check connection
          </button>
          <ConfirmRemove confirmLabel="Remove registry" onConfirm={() => void removeRegistry(registry.id)} />
        </div>
      </div>
      <dl className="facts compact">
        <dt>Trust data</dt>
        <dd>{serverName ?? <span className="muted">chosen when auditing</span>}</dd>
        <dt>CA</dt>
        <dd>{registry.caPem === undefined ? 'system trust store' : 'custom CA certificate'}</dd>
        <dt>Sign-in</dt>
        <dd>{registry.username ?? "anonymous, or docker's own login"}</dd>
        {registry.gunHost === undefined ? null : (
          <>
            <dt>Name in trust data</dt>
            <dd className="mono">{registry.gunHost}</dd>
          </>
        )}
      </dl>
      {registry.username === undefined ? null : (
        <KeychainPasswordForm name={registry.name} username={registry.username} save={(password) => setRegistryPassword(registry.id, password)} />
      )}
      <RegistryCheckView checkKey={registry.id} />
    </article>
  );
}
