import { useState, type ChangeEvent, type FormEvent } from 'react';
import {
  DOCKER_HUB_NOTARY_SHUTDOWN,
  isDockerHubNotary,
  serverInputSchema,
  type ServerConfig,
  type ServerInput,
} from '../../../../shared/schemas/settings';
import { CaCertificateField } from '../../components/CaCertificateField';
import { Notice } from '../../components/common';
import { firstIssue } from '../../components/format';
import { useAppStore } from '../../store';
import { CheckProgress } from './CheckProgress';
import { ConnectionReportView } from './ConnectionReportView';

const NEW_DRAFT = 'draft';

interface Draft {
  name: string;
  url: string;
  caPem: string;
  username: string;
}

function toInput(draft: Draft): ServerInput {
  return {
    name: draft.name.trim(),
    url: draft.url.trim(),
    ...(draft.caPem.trim() === '' ? {} : { caPem: draft.caPem }),
    ...(draft.username.trim() === '' ? {} : { username: draft.username.trim() }),
  };
}

/** The add-server form, or with `server` the edit form: check the connection first (optional), then save. */
export function ServerForm(props: { onSaved: () => void; server?: ServerConfig; onCancel?: () => void }) {
  const editing = props.server;
  const [draft, setDraft] = useState<Draft>(
    editing === undefined
      ? { name: '', url: 'https://', caPem: '', username: '' }
      : { name: editing.name, url: editing.url, caPem: editing.caPem ?? '', username: editing.username ?? '' },
  );
  const [problem, setProblem] = useState<string | undefined>();
  const DRAFT = editing === undefined ? NEW_DRAFT : `edit ${editing.id}`;
  const check = useAppStore((s) => s.connectionChecks[DRAFT]);
  const { checkServer, saveServer, forgetCheck } = useAppStore.getState();

  const field = (name: keyof Draft) => (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    setDraft({ ...draft, [name]: event.target.value });
    setProblem(undefined);
  };

  /** Validates in the page for quick feedback; the main process validates again with the same schema. */
  const valid = (): ServerInput | undefined => {
    // Editing keeps the server's id, so its watched repositories, password and pins stay with it.
    const parsed = serverInputSchema.safeParse({ ...toInput(draft), ...(editing === undefined ? {} : { id: editing.id }) });
    if (parsed.success) return parsed.data;
    setProblem(firstIssue(parsed.error, 'server'));
    return undefined;
  };

  const runCheck = async () => {
    const input = valid();
    if (input !== undefined) await checkServer(DRAFT, input);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = valid();
    if (input === undefined) return;
    const result = await saveServer(input);
    if (!result.ok) return setProblem(result.error.message);
    forgetCheck(DRAFT);
    props.onSaved();
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)} aria-label={editing === undefined ? 'Add a notary server' : `Edit ${editing.name}`}>
      <label className="field">
        <span>Name</span>
        <input className="input" value={draft.name} onChange={field('name')} placeholder="Team notary" required />
      </label>
      <label className="field">
        <span>URL</span>
        <input className="input" value={draft.url} onChange={field('url')} placeholder="https://notary.example.com:4443" required />
      </label>
      {isDockerHubNotary(draft.url) ? (
        <Notice tone="warning">
          Docker Hub's notary server shuts down on {DOCKER_HUB_NOTARY_SHUTDOWN}. It is fine for reading what is there today;
          plan to keep the trust data you need.
        </Notice>
      ) : null}
      <CaCertificateField what="server" value={draft.caPem} onChange={(caPem) => setDraft({ ...draft, caPem })} />
      <label className="field">
        <span>User name (optional)</span>
        <input className="input" value={draft.username} onChange={field('username')} autoComplete="off" />
      </label>
      {problem === undefined ? null : <p className="form-error" role="alert">{problem}</p>}
      <div className="form-actions">
        <button type="button" className="button" onClick={() => void runCheck()} disabled={check?.status === 'loading'}>
          Check connection
        </button>
        <button type="submit" className="button primary">
          {editing === undefined ? 'Save server' : 'Save changes'}
        </button>
        {props.onCancel === undefined ? null : (
          <button type="button" className="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
        <CheckProgress checkKey={DRAFT} />
      </div>
      {check?.value === undefined ? null : <ConnectionReportView report={check.value} />}
    </form>
  );
}
