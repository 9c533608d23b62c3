// A signer's life after it was added: replacing its key safely (the new key is added, the role signed
// again with it, then the old key removed) and removing the signer (asking first when it holds the
// last key of targets/releases).
import { useEffect, useState } from 'react';
import type { SignerView } from '../../../../shared/domain';
import type { ErrorInfo } from '../../../../shared/errors';
import type { RepositoryRef, SignerRemovalPreview } from '../../../../shared/schemas/flows';
import { ErrorNote, KeyId, Notice, Spinner } from '../../components/common';
import { countersign, errorInfoOf } from '../../bridge/client';
import { useAppStore } from '../../store';
import { FlowFinish, RepositoryChooser, StepPanel, Stepper, useFreshView } from '../publish/components';

/** The signers of a repository, as docker trust inspect lists them. */
function useSigners(repository: RepositoryRef | undefined): { signers: SignerView[] | undefined; error?: ErrorInfo } {
  const view = useFreshView(repository);
  if (view?.status === 'error') return { signers: undefined, error: view.error };
  return { signers: view?.value?.signers };
}

function SignerSelect(props: { repository: RepositoryRef; name: string; onChange: (name: string) => void }) {
  const { signers, error } = useSigners(props.repository);
  if (error !== undefined) return <ErrorNote error={error} />;
  if (signers === undefined) return <Spinner label="Reading the signers…" />;
  const names = signers.map((s) => s.name).filter((name) => name !== 'releases' && !name.includes('/'));
  if (names.length === 0) return <p className="muted">This repository has no signers.</p>;
  return (
    <label className="field medium-field">
      <span>Signer</span>
      <select className="input" aria-label="Signer" value={props.name} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">Choose a signer…</option>
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ReplaceSignerKey(props: { preset?: RepositoryRef | undefined }) {
  const [step, setStep] = useState(0);
  const [repository, setRepository] = useState<RepositoryRef | undefined>(props.preset);
  const [name, setName] = useState('');
  const [oldKeyId, setOldKeyId] = useState('');
  const [newKey, setNewKey] = useState<'generate' | string>('generate');
  const keys = useAppStore((s) => s.keys.value);
  const loadKeys = useAppStore((s) => s.loadKeys);
  const runFlow = useAppStore((s) => s.runFlow);
  const clearFlow = useAppStore((s) => s.clearFlow);
  const { signers } = useSigners(repository);
  const signerKeys = signers?.find((s) => s.name === name)?.keyIds ?? [];
  useEffect(() => {
    void loadKeys();
  }, [loadKeys]);
  const candidates = (keys ?? []).filter((k) => k.location === 'keychain' && k.keytype === 'ecdsa' && !['root', 'targets', 'snapshot'].includes(k.role) && k.id !== oldKeyId);

  const replace = async () => {
    if (repository === undefined) return;
    setStep(2);
    await runFlow('delegationReplace', (options) =>
      countersign().delegation.replaceKey({ repositories: [repository], name, oldKeyId, ...(newKey === 'generate' ? {} : { newKeyId: newKey }) }, options),
    );
  };

  return (
    <>
      <Stepper steps={['Signer and key', 'New key', 'Replace']} current={step} />
      {step !== 0 ? null : (
        <StepPanel
          title="Which key is replaced?"
          hint="In one flow: the new key is added to the signer's roles, they are signed again with it, and only then the old key is removed — the signer's tags stay trusted throughout."
          actions={
            <button type="button" className="button primary" disabled={repository === undefined || name === '' || oldKeyId === ''} onClick={() => setStep(1)}>
              Next
            </button>
          }
        >
          <RepositoryChooser single selected={repository === undefined ? [] : [repository]} onChange={([next]) => (setRepository(next), setName(''), setOldKeyId(''))} />
          {repository === undefined ? null : <SignerSelect repository={repository} name={name} onChange={(next) => (setName(next), setOldKeyId(''))} />}
          {name === '' ? null : (
            <fieldset className="chooser">
              <legend>Key to replace</legend>
              {signerKeys.map((id) => (
                <label key={id} className="chooser-item">
                  <input type="radio" name="old-key" checked={oldKeyId === id} onChange={() => setOldKeyId(id)} />
                  <KeyId id={id} />
                  <span className="mono small muted">{id}</span>
                </label>
              ))}
            </fieldset>
          )}
        </StepPanel>
      )}
      {step !== 1 ? null : (
        <StepPanel
          title="The new key"
          hint="The new key must be in this keychain: it signs the signer's roles again before the old key goes."
          actions={
            <>
              <button type="button" className="button" onClick={() => setStep(0)}>
                Back
              </button>
              <button type="button" className="button primary" onClick={() => void replace()}>
                Replace the key
              </button>
            </>
          }
        >
          <div className="choices">
            <label className="choice">
              <input type="radio" name="new-key" checked={newKey === 'generate'} onChange={() => setNewKey('generate')} />
              <span>
                <strong>Make a new key in this keychain</strong> <span className="hint">(ECDSA P-256, as docker trust makes them)</span>
              </span>
            </label>
            {candidates.map((k) => (
              <label key={k.id} className="choice">
                <input type="radio" name="new-key" checked={newKey === k.id} onChange={() => setNewKey(k.id)} />
                <span>
                  Use <KeyId id={k.id} /> <span className="muted">{k.label ?? k.role}</span>
                </span>
              </label>
            ))}
          </div>
        </StepPanel>
      )}
      {step !== 2 ? null : (
        <FlowFinish flow="delegationReplace" title={`Replacing ${name}'s key`} againLabel="Replace another key" onAgain={() => (clearFlow('delegationReplace'), setStep(0), setOldKeyId(''))} />
      )}
    </>
  );
}

export function RemoveSigner(props: { preset?: RepositoryRef | undefined }) {
  const [step, setStep] = useState(0);
  const [repository, setRepository] = useState<RepositoryRef | undefined>(props.preset);
  const [name, setName] = useState('');
  const [preview, setPreview] = useState<SignerRemovalPreview | undefined>();
  const [understood, setUnderstood] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const runFlow = useAppStore((s) => s.runFlow);
  const clearFlow = useAppStore((s) => s.clearFlow);

  const review = async () => {
    if (repository === undefined) return;
    setError(undefined);
    setUnderstood(false);
    try {
      const result = await countersign().delegation.removalPreview({ ...repository, name });
      if (!result.ok) return setError(result.error);
      setPreview(result.value);
      setStep(1);
    } catch (caught) {
      setError(errorInfoOf(caught));
    }
  };
  const remove = async () => {
    if (repository === undefined) return;
    setStep(2);
    await runFlow('delegationRemove', (options) => countersign().delegation.remove({ ...repository, name, confirm: preview?.confirm !== undefined && understood }, options));
  };

  return (
    <>
      <Stepper steps={['Signer', 'Confirm', 'Remove']} current={step} />
      {step !== 0 ? null : (
        <StepPanel
          title="Which signer?"
          hint="The signer's keys leave targets/releases and their role targets/NAME goes, as docker trust signer remove means to do."
          actions={
            <button type="button" className="button primary" disabled={repository === undefined || name === ''} onClick={() => void review()}>
              Next
            </button>
          }
        >
          <RepositoryChooser single selected={repository === undefined ? [] : [repository]} onChange={([next]) => (setRepository(next), setName(''))} />
          {repository === undefined ? null : <SignerSelect repository={repository} name={name} onChange={setName} />}
          {error === undefined ? null : <ErrorNote error={error} />}
        </StepPanel>
      )}
      {step !== 1 || preview === undefined ? null : (
        <StepPanel
          title={`Remove ${name} from ${preview.gun}`}
          actions={
            <>
              <button type="button" className="button" onClick={() => setStep(0)}>
                Back
              </button>
              <button type="button" className="button danger" disabled={preview.confirm !== undefined && !understood} onClick={() => void remove()}>
                Remove {name}
              </button>
            </>
          }
        >
          <ul className="outcome-changes" data-testid="removal-changes">
            {preview.changes.map((c, i) => (
              <li key={i}>{c}</li>
            ))}
          </ul>
          {preview.releasesResigned ? <p className="ok-text small">targets/releases is signed again with the keys that stay, so its tags stay trusted.</p> : null}
          {preview.confirm === undefined ? null : (
            <>
              <Notice tone="warning">
                <strong>The last releases signer.</strong> {preview.confirm}.
              </Notice>
              <label className="choice">
                <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />
                <span>I understand: remove {name} anyway.</span>
              </label>
            </>
          )}
        </StepPanel>
      )}
      {step !== 2 ? null : (
        <FlowFinish flow="delegationRemove" title={`Removing ${name}`} againLabel="Remove another signer" onAgain={() => (clearFlow('delegationRemove'), setStep(0), setName(''))} />
      )}
    </>
  );
}
