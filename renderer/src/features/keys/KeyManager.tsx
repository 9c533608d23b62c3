// One key, managed: its label, its public half (copied or saved as the .pub docker trust signer add
// takes), an encrypted export, offline and back, and deletion with the repositories that still trust
// it named first. Private keys and passphrases never come back here: the main process writes files
// through its save dialog, and a passphrase only travels in the request that uses it.
import { useState, type FormEvent, type ReactNode } from 'react';
import type { Result } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import type { SavedFile } from '../../../../shared/schemas/audit';
import type { KeySummary } from '../../../../shared/schemas/views';
import { savedFileWords } from '../../bridge/saved-file';
import { CopyButton } from '../../components/CopyButton';
import { ConfirmRemove, ErrorNote, PassphraseInput } from '../../components/common';
import { useAppStore } from '../../store';
import { BringKeyOnline, TakeKeyOffline } from '../rotate/KeyFileForms';

function Part(props: { title: string; children: ReactNode; hint?: ReactNode }) {
  return (
    <div className="key-part">
      <h3 className="small strong">{props.title}</h3>
      {props.hint === undefined ? null : <p className="hint">{props.hint}</p>}
      {props.children}
    </div>
  );
}

/** The last outcome of a file handed to the user, in words. */
function SavedOutcome(props: { outcome: Result<SavedFile> | undefined; failedTitle: string }) {
  if (props.outcome === undefined) return null;
  if (!props.outcome.ok) return <ErrorNote error={props.outcome.error} title={props.failedTitle} />;
  return (
    <span className="muted small" role="status">
      {savedFileWords(props.outcome.value)}
    </span>
  );
}

function LabelForm(props: { keySummary: KeySummary }) {
  const labelKey = useAppStore((s) => s.labelKey);
  const [label, setLabel] = useState(props.keySummary.label ?? '');
  const [error, setError] = useState<ErrorInfo | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await labelKey(props.keySummary.id, label.trim());
    setError(result.ok ? undefined : result.error);
  };
  return (
    <form className="inline-form" aria-label="Label" onSubmit={(e) => void submit(e)}>
      <input className="input grow" aria-label="Key label" placeholder="e.g. alice’s laptop" maxLength={100} value={label} onChange={(e) => setLabel(e.target.value)} />
      <button type="submit" className="button" disabled={label.trim() === (props.keySummary.label ?? '')}>
        Save label
      </button>
      {error === undefined ? null : <ErrorNote error={error} />}
    </form>
  );
}

function PublicKey(props: { keySummary: KeySummary }) {
  const savePublicKey = useAppStore((s) => s.savePublicKey);
  const [outcome, setOutcome] = useState<Result<SavedFile> | undefined>();
  const { keySummary: key } = props;
  return (
    <Part
      title="Public key"
      hint={
        <>
          Hand it to whoever adds you as a signer: <code>docker trust signer add --key {key.publicKeyFileName} NAME REPOSITORY</code>
        </>
      }
    >
      <pre className="public-key" data-testid="public-key">
        {key.publicKeyPem}
      </pre>
      <div className="form-actions">
        <span className="copy-labelled">
          <CopyButton value={key.publicKeyPem} what="public key" /> Copy
        </span>
        <button type="button" className="button" onClick={() => void savePublicKey(key.id).then(setOutcome)}>
          Save {key.publicKeyFileName}
        </button>
        <SavedOutcome outcome={outcome} failedTitle="The public key could not be saved" />
      </div>
    </Part>
  );
}

function ExportForm(props: { keySummary: KeySummary }) {
  const exportKeys = useAppStore((s) => s.exportKeys);
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [outcome, setOutcome] = useState<Result<SavedFile> | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await exportKeys([props.keySummary.id], passphrase);
    setPassphrase('');
    setAgain('');
    setOutcome(result);
  };
  return (
    <Part title="Export" hint="An encrypted key file that notary key import and docker trust key load read. The key stays in the keychain too.">
      <form className="inline-form" aria-label="Export the key" onSubmit={(e) => void submit(e)}>
        <PassphraseInput label="Export passphrase" value={passphrase} onChange={setPassphrase} />
        <PassphraseInput label="Export passphrase again" value={again} onChange={setAgain} />
        <button type="submit" className="button" disabled={passphrase.length < 8 || passphrase !== again}>
          Export encrypted key
        </button>
        <span className="hint">At least 8 characters.</span>
      </form>
      <SavedOutcome outcome={outcome} failedTitle="The key could not be exported" />
    </Part>
  );
}

function Offline(props: { keySummary: KeySummary }) {
  const loadKeys = useAppStore((s) => s.loadKeys);
  const { keySummary: key } = props;
  if (key.location === 'offline') {
    return (
      <Part title="Offline" hint={key.offlineFile === undefined ? undefined : <>Its encrypted file: <code>{key.offlineFile}</code></>}>
        <BringKeyOnline keyId={key.id} file={key.offlineFile} what={`The ${key.role} key`} onDone={() => void loadKeys()} />
      </Part>
    );
  }
  return (
    <Part title="Take offline" hint="Keep keys you rarely use (root above all) out of this keychain, in an encrypted file on a USB stick or another disk.">
      <TakeKeyOffline keyId={key.id} title={`Take ${key.role} key offline`} suggestedFile={`${key.role.replace(/[^\w.-]+/g, '-')}-${key.id.slice(0, 12)}.key`} onDone={() => void loadKeys()} />
    </Part>
  );
}

/** Deleting names what still trusts the key, since nothing can sign for those roles with it afterwards. */
function DeleteKey(props: { keySummary: KeySummary }) {
  const removeKey = useAppStore((s) => s.removeKey);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const { usage } = props.keySummary;
  return (
    <Part title="Delete">
      {usage.length === 0 ? (
        <p className="hint">No repository Countersign has verified trusts this key. Deleting it cannot be undone.</p>
      ) : (
        <div className="note note-warning" role="status" data-testid="delete-warning">
          <p className="note-title">Still trusted by {usage.length === 1 ? 'one role' : `${usage.length} roles`}:</p>
          <ul className="plain-list">
            {usage.map((u) => (
              <li key={`${u.gun} ${u.role}`}>
                {u.gun} · <span className="strong">{u.role}</span>
              </li>
            ))}
          </ul>
          <p>After deleting it, nobody can sign for these with it. Export it first, or remove it from them (Delegate → remove the signer, or Rotate keys).</p>
        </div>
      )}
      <div className="form-actions">
        <ConfirmRemove
          confirmLabel="Delete for good"
          onConfirm={() => void removeKey(props.keySummary.id).then((result) => setError(result.ok ? undefined : result.error))}
        />
      </div>
      {error === undefined ? null : <ErrorNote error={error} />}
    </Part>
  );
}

export function KeyManager(props: { keySummary: KeySummary }) {
  return (
    <div className="key-manager" data-testid="key-manager">
      <Part title="Label">
        <LabelForm keySummary={props.keySummary} />
      </Part>
      <PublicKey keySummary={props.keySummary} />
      {props.keySummary.location === 'keychain' ? <ExportForm keySummary={props.keySummary} /> : null}
      <Offline keySummary={props.keySummary} />
      <DeleteKey keySummary={props.keySummary} />
    </div>
  );
}
