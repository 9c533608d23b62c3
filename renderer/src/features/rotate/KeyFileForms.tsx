// The two places a private key meets a file in the rotation wizard. The renderer never names a path:
// the file is picked in the main process's own dialog (files.choose), and the renderer sends back the
// reference it got for that choice, with a passphrase; the key itself never comes here.
import { useState, type FormEvent } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import type { PickPurpose } from '../../../../shared/schemas/views';
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

/** True when `file` lies inside `folder` (the app's data folder): a hint only; the main process refuses such a path itself. */
export function insideFolder(file: string, folder: string | undefined): boolean {
  if (folder === undefined || folder === '' || file === '') return false;
  const base = folder.replace(/[\\/]+$/, '');
  return file === base || file.startsWith(`${base}/`) || file.startsWith(`${base}\\`);
}

/** A file picked in the main process's dialog: shown by its path, sent by its reference. */
export function FileChoice(props: { label: string; purpose: PickPurpose; suggestedName?: string; chosen: ChosenFile | undefined; fallback?: string | undefined; onChosen: (file: ChosenFile) => void; onError: (error: ErrorInfo) => void }) {
  const choose = async () => {
    const { value, error } = await attempt(() => countersign().files.choose(props.suggestedName === undefined ? { purpose: props.purpose } : { purpose: props.purpose, suggestedName: props.suggestedName }));
    if (error !== undefined) props.onError(error);
    else if (value?.chosen === true) props.onChosen({ ref: value.ref, path: value.path });
  };
  return (
    <div className="field">
      <span>{props.label}</span>
      <span className="mono" aria-label={props.label}>
        {props.chosen?.path ?? props.fallback ?? 'none chosen'}
      </span>
      <button type="button" className="button" onClick={() => void choose()}>
        Choose…
      </button>
    </div>
  );
}

export interface ChosenFile {
  ref: string;
  path: string;
}

/** Brings an offline (or never imported) root key in from its encrypted file. */
export function BringKeyOnline(props: { keyId: string; file?: string | undefined; onDone: () => void; what?: string }) {
  const [file, setFile] = useState<ChosenFile | undefined>();
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    // Without a new choice, the main process reads the file it recorded when the key went offline.
    const { error: failed } = await attempt(() => countersign().rotation.bringKeyOnline(file === undefined ? { keyId: props.keyId, passphrase } : { keyId: props.keyId, file: file.ref, passphrase }));
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
        <FileChoice label="Encrypted key file" purpose="open-key-file" chosen={file} fallback={props.file} onChosen={setFile} onError={setError} />
        <label className="field">
          <span>Passphrase</span>
          <PassphraseInput label="Passphrase of the key file" value={passphrase} onChange={setPassphrase} />
        </label>
      </div>
      <div className="step-actions">
        <button type="submit" className="button primary" disabled={busy || (file === undefined && props.file === undefined) || passphrase === ''}>
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
  const [file, setFile] = useState<ChosenFile | undefined>();
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const [saved, setSaved] = useState<string | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    if (file === undefined) return;
    const ref = file.ref;
    const { value, error: failed } = await attempt(() => countersign().rotation.takeKeyOffline({ keyId: props.keyId, file: ref, passphrase }));
    // A reference is good for one request: a failed attempt needs a new choice.
    setFile(undefined);
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
        <FileChoice label="Offline key file" purpose="save-key-file" suggestedName={props.suggestedFile} chosen={file} onChosen={setFile} onError={setError} />
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
      {file !== undefined && insideFolder(file.path, dataFolder) ? (
        <p className="form-warning" role="status">
          This file is inside Countersign’s data folder, on this machine, and will be refused: an offline key belongs apart from it (a USB stick, another disk). Choose a path outside {dataFolder}.
        </p>
      ) : null}
      <div className="step-actions">
        <button type="submit" className="button primary" disabled={busy || file === undefined || passphrase.length < 8 || passphrase !== again}>
          Take it offline
        </button>
        <span className="hint">At least 8 characters.</span>
      </div>
      {error === undefined ? null : <ErrorNote error={error} />}
    </form>
  );
}
