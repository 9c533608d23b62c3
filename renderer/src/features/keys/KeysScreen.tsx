import { useEffect, useState, type FormEvent } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import type { KeySummary } from '../../../../shared/schemas/views';
import { ConfirmRemove, EmptyState, ErrorNote, Expiry, KeyId, PageHeader, Section } from '../../components/common';
import { formatDate } from '../../components/format';
import { useAppStore } from '../../store';

function GenerateForm() {
  const generateKey = useAppStore((s) => s.generateKey);
  const [role, setRole] = useState('');
  const [algorithm, setAlgorithm] = useState<'ecdsa' | 'ed25519'>('ecdsa');
  const [error, setError] = useState<ErrorInfo | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await generateKey({ role: role.trim(), algorithm });
    if (result.ok) {
      setRole('');
      setError(undefined);
    } else setError(result.error);
  };
  return (
    <form className="inline-form" onSubmit={(event) => void submit(event)} aria-label="Generate a key">
      <input className="input grow" placeholder="Signer name, e.g. alice" aria-label="Signer name" value={role} onChange={(e) => setRole(e.target.value)} required />
      <select className="input" aria-label="Algorithm" value={algorithm} onChange={(e) => setAlgorithm(e.target.value as 'ecdsa' | 'ed25519')}>
        <option value="ecdsa">ECDSA P-256 (works with docker trust)</option>
        <option value="ed25519">Ed25519</option>
      </select>
      <button type="submit" className="button primary">
        Generate
      </button>
      {error === undefined ? null : <ErrorNote error={error} />}
    </form>
  );
}

function KeyRow(props: { keySummary: KeySummary }) {
  const { keySummary: key } = props;
  const removeKey = useAppStore((s) => s.removeKey);
  return (
    <tr>
      <td>
        <KeyId id={key.id} />
        {key.label === undefined ? null : <div className="muted small">{key.label}</div>}
      </td>
      <td>{key.role}</td>
      <td>{key.gun ?? <span className="muted">any</span>}</td>
      <td className="muted small">{key.keytype}</td>
      <td>
        {key.usage.length === 0 ? (
          <span className="muted">not used by a watched repository</span>
        ) : (
          key.usage.map((u) => (
            <div key={`${u.gun} ${u.role}`} className="small">
              {u.gun} · {u.role} {u.expires === undefined ? null : <Expiry expires={u.expires} />}
            </div>
          ))
        )}
      </td>
      <td className="muted small">
        {key.origin}
        {key.createdAt === undefined ? '' : ` ${formatDate(key.createdAt)}`}
      </td>
      <td className="right">
        <ConfirmRemove confirmLabel="Delete for good" onConfirm={() => void removeKey(key.id)} />
      </td>
    </tr>
  );
}

export function KeysScreen() {
  const keys = useAppStore((s) => s.keys);
  const loadKeys = useAppStore((s) => s.loadKeys);
  useEffect(() => {
    void loadKeys();
  }, [loadKeys]);
  const list = keys.value ?? [];
  return (
    <div className="screen">
      <PageHeader title="Keys" subtitle="Private keys in the system keychain. They never leave the main process; only their IDs are shown." />
      <Section title="Generate a signer key">
        <GenerateForm />
      </Section>
      {keys.status === 'error' ? <ErrorNote error={keys.error} /> : null}
      {list.length === 0 ? (
        <EmptyState title="No keys in the keychain yet">Generate a key above, or move docker trust keys in from “This machine”.</EmptyState>
      ) : (
        <table className="table" aria-label="Keys">
          <thead>
            <tr>
              <th>Key ID</th>
              <th>Role</th>
              <th>Repository</th>
              <th>Type</th>
              <th>Used by</th>
              <th>Origin</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((key) => (
              <KeyRow key={key.id} keySummary={key} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
