// The two places a private key meets a file in the rotation wizard. The renderer only ever sends a
// path and a passphrase to the main process; the key itself never comes here.
import { useState, type FormEvent } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import { ErrorNote, KeyId, PassphraseInput } from '../../components/common';
import { countersign, errorInfoOf } from '../../bridge/client';
import { useAppStore } from '../../store';

async function attempt<T>(call: () => Promise<{ ok: true; value: T } | { ok: false; error: ErrorInfo }>): Promise<{ value?: T; error?: ErrorInfo }> {
  try {
    const result = await call();
    return result.ok ? { value: result.value } : { error: result.error };
  } catch (caught) {
    return { error: errorInfoOf(caught) };
  }
}

/** True when `file` lies inside `folder` (the app's data folder). */
function insideFolder(file: string, folder: string | undefined): boolean {
  if (folder === undefined || folder === '' || file === '') return false;
  const base = folder.replace(/[\\/]+$/, '');
  return file === base || file.startsWith(`${base}/`) || file.startsWith(`${base}\\`);
}

/** Brings an offline (or never imported) root key in from its encrypted file. */
export function BringKeyOnline(props: { keyId: string; file?: string | undefined; onDone: () => void; what?: string }) {
  const [file, setFile] = useState(props.file ?? '');
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const { error: failed } = await attempt(() => countersign().rotation.bringKeyOnline({ keyId: props.keyId, file: file.trim(), passphrase }));
    setBusy(false);
    setPassphrase('');
    if (failed !== undefined) setError(failed);
    else props.onDone();
  };
  return (
    <form className="facts-card choices" aria-label={`Bring root key ${props.keyId.slice(0, 12)} in`} onSubmit={(e) => void submit(e)}>
      <p>
        {props.what ?? 'Root key'} <KeyId id={props.keyId} /> is {props.file === undefined ? 'not in this keychain' : 'offline'}. Bring it in from its encrypted file
        {props.what === undefined ? ' for this rotation' : ''}.
      </p>
      <div className="field-row">
        <label className="field">
          <span>Encrypted key file</span>
          <input className="input mono" aria-label="Encrypted key file" value={file} onChange={(e) => setFile(e.target.value)} placeholder="/media/usb/root.key" required />
        </label>
        <label className="field">
          <span>Passphrase</span>
          <PassphraseInput label="Passphrase of the key file" value={passphrase} onChange={setPassphrase} />
        </label>
      </div>
      <div className="step-actions">
        <button type="submit" className="button primary" disabled={busy || file.trim() === '' || passphrase === ''}>
          Bring it in
        </button>
      </div>
      {error === undefined ? null : <ErrorNote error={error} />}
    </form>
  );
}

/** Moves a key from the keychain into an encrypted file (written, read back, then deleted from the keychain). */
export function TakeKeyOffline(props: { keyId: string; title: string; suggestedFile: string; onDone?: () => void }) {
  const dataFolder = useAppStore((s) => s.info.value?.homeDir);
  const [file, setFile] = useState(props.suggestedFile);
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const [saved, setSaved] = useState<string | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const { value, error: failed } = await attempt(() => countersign().rotation.takeKeyOffline({ keyId: props.keyId, file: file.trim(), passphrase }));
    setBusy(false);
    setPassphrase('');
    setAgain('');
    if (failed !== undefined) setError(failed);
    else {
      setSaved(value?.file);
      props.onDone?.();
    }
  };
  if (saved !== undefined) {
    return (
      <div className="facts-card" data-testid="key-offline">
        <p className="ok-text">
          <KeyId id={props.keyId} /> is offline now: saved, encrypted, to <span className="mono">{saved}</span> and removed from the keychain.
        </p>
        <p className="hint">Keep that file somewhere safe and apart from this machine (a USB stick in a drawer); bring it back in for the next rotation.</p>
      </div>
    );
  }
  return (
    <form className="facts-card choices" aria-label={props.title} onSubmit={(e) => void submit(e)}>
      <p className="strong">{props.title}</p>
      <p className="hint">
        <KeyId id={props.keyId} /> is written to an encrypted file (notary and docker can import it), read back, and only then removed from the keychain.
      </p>
      <div className="field-row">
        <label className="field">
          <span>File</span>
          <input className="input mono" aria-label="Offline key file" value={file} onChange={(e) => setFile(e.target.value)} required />
        </label>
        <label className="field">
          <span>New passphrase</span>
          <PassphraseInput label="New passphrase" value={passphrase} onChange={setPassphrase} />
        </label>
        <label className="field">
          <span>Again</span>
          <PassphraseInput label="New passphrase again" value={again} onChange={setAgain} />
        </label>
      </div>
      {again !== '' && again !== passphrase ? <p className="form-error">The passphrases differ.</p> : null}
      {insideFolder(file.trim(), dataFolder) ? (
        <p className="form-warning" role="status">
          This file is inside Countersign’s data folder, on this machine: an offline key belongs apart from it (a USB stick, another disk). Choose a path outside {dataFolder}.
        </p>
      ) : null}
      <div className="step-actions">
        <button type="submit" className="button primary" disabled={busy || file.trim() === '' || passphrase.length < 8 || passphrase !== again}>
          Take it offline
        </button>
        <span className="hint">At least 8 characters.</span>
      </div>
      {error === undefined ? null : <ErrorNote error={error} />}
    </form>
  );
}
