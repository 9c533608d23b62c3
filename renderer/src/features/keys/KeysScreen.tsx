import { useEffect, useState, type FormEvent } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import type { KeySummary } from '../../../../shared/schemas/views';
import { EmptyState, ErrorNote, Expiry, KeyId, PageHeader, Section, Spinner } from '../../components/common';
import { formatDate } from '../../components/format';
import { useAppStore } from '../../store';
import { ImportKeys } from './ImportKeys';
import { KeyManager } from './KeyManager';
import { VaultNotesNotice } from './VaultNotes';

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

function KeyRow(props: { keySummary: KeySummary; open: boolean; onToggle: () => void }) {
  const { keySummary: key } = props;
  return (
    <>
      <tr>
        <td>
          <KeyId id={key.id} />
          {key.label === undefined ? null : <div className="muted small" data-testid="key-label">{key.label}</div>}
        </td>
        <td>
          {key.role}
          <div className="muted small">{key.gun ?? 'any repository'}</div>
        </td>
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
        <td className="small">
          {key.location === 'offline' ? <span className="badge badge-tone-neutral">offline</span> : <span className="muted">keychain</span>}
          <div className="muted small">
            {key.origin}
            {key.createdAt === undefined ? '' : ` ${formatDate(key.createdAt)}`}
          </div>
        </td>
        <td className="right">
          <button type="button" className="button" aria-expanded={props.open} aria-label={`Manage key ${key.id.slice(0, 12)}`} onClick={props.onToggle}>
            {props.open ? 'Close' : 'Manage'}
          </button>
        </td>
      </tr>
      {props.open ? (
        <tr className="key-manager-row">
          <td colSpan={6}>
            <KeyManager keySummary={key} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

export function KeysScreen() {
  const keys = useAppStore((s) => s.keys);
  const loadKeys = useAppStore((s) => s.loadKeys);
  useEffect(() => {
    void loadKeys();
  }, [loadKeys]);
  const list = keys.value ?? [];
  const [open, setOpen] = useState<string | undefined>();
  return (
    <div className="screen">
      <PageHeader title="Keys" subtitle="Private keys in the system keychain. They never leave the main process; only their IDs are shown." />
      <VaultNotesNotice />
      <Section title="Generate a signer key">
        <GenerateForm />
      </Section>
      <Section title="Import keys" hint="From a docker or notary trust folder, or a key file: each key with its own passphrase.">
        <ImportKeys />
      </Section>
      {keys.status === 'error' ? <ErrorNote error={keys.error} /> : null}
      {/* "No keys" only once the keychain answered: a failed or unfinished read is not an empty keychain. */}
      {keys.value === undefined ? (
        keys.status === 'error' ? null : <Spinner label="Reading the keychain" />
      ) : list.length === 0 ? (
        <EmptyState title="No keys in the keychain yet">Generate a key above, import a trust folder or key file, or move docker trust keys in from “This machine”.</EmptyState>
      ) : (
        <table className="table" aria-label="Keys">
          <thead>
            <tr>
              <th>Key ID</th>
              <th>Role</th>
              <th>Type</th>
              <th>Used by</th>
              <th>Where</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((key) => (
              <KeyRow key={key.id} keySummary={key} open={open === key.id} onToggle={() => setOpen(open === key.id ? undefined : key.id)} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
