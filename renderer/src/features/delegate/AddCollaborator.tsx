// One-click delegation: a collaborator's public key (pasted, dropped or picked) becomes a signer of the
// chosen repositories, after a dry run per repository. Afterwards they sign with docker trust.
import { useEffect, useState, type DragEvent } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import type { CollaboratorKey, RepositoryRef } from '../../../../shared/schemas/flows';
import { ErrorNote, KeyId, Notice } from '../../components/common';
import { shortId } from '../../components/format';
import { countersign, errorInfoOf } from '../../bridge/client';
import { useAppStore } from '../../store';
import { FlowFinish, FlowRunPanel, RepositoryChooser, StepPanel, Stepper, useFlowResult } from '../publish/components';
import { PlanFor } from '../publish/PlanReview';

const STEPS = ['Their key', 'Where', 'Dry run', 'Publish'];

function KeyInput(props: { onRead: (pem: string, key: CollaboratorKey) => void }) {
  const [pem, setPem] = useState('');
  const [over, setOver] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const read = async (text: string, fileName?: string) => {
    setPem(text);
    setError(undefined);
    if (text.trim() === '') return;
    // A private key is refused here already: it is never sent anywhere.
    if (/PRIVATE KEY-----/.test(text)) return setError({ code: 'invalid-input', message: 'This is a private key. Ask your collaborator for the public key (.pub) or a certificate.' });
    try {
      const result = await countersign().delegation.readKey({ pem: text, ...(fileName === undefined ? {} : { fileName }) });
      if (result.ok) props.onRead(text, result.value);
      else setError(result.error);
    } catch (caught) {
      setError(errorInfoOf(caught));
    }
  };
  const readFile = async (file: File | undefined) => {
    if (file !== undefined) await read(await file.text(), file.name);
  };
  const drop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    void readFile(event.dataTransfer.files[0]);
  };
  return (
    <div className={over ? 'drop-zone over' : 'drop-zone'} onDragOver={(e) => (e.preventDefault(), setOver(true))} onDragLeave={() => setOver(false)} onDrop={drop} data-testid="key-drop">
      <p className="hint">Drop their .pub file here, pick it, or paste it. A certificate works too.</p>
      <input className="input" type="file" aria-label="Public key file" accept=".pub,.pem,.crt,.cert" onChange={(e) => void readFile(e.target.files?.[0])} />
      <textarea className="input" aria-label="Public key (PEM)" placeholder="-----BEGIN PUBLIC KEY-----" value={pem} onChange={(e) => void read(e.target.value)} spellCheck={false} />
      <KeychainKeyPicker onPick={(text, fileName) => void read(text, fileName)} />
      {error === undefined ? null : <ErrorNote error={error} />}
    </div>
  );
}

/** A key already in this keychain (e.g. one generated on the Keys screen): its public half, no file needed. */
function KeychainKeyPicker(props: { onPick: (pem: string, fileName: string) => void }) {
  const keys = useAppStore((s) => s.keys.value);
  const loadKeys = useAppStore((s) => s.loadKeys);
  useEffect(() => {
    if (useAppStore.getState().keys.value === undefined) void loadKeys();
  }, [loadKeys]);
  // notary and docker cannot delegate to ed25519 keys.
  const usable = (keys ?? []).filter((k) => k.keytype !== 'ed25519' && k.role !== 'root');
  if (usable.length === 0) return null;
  return (
    <label className="field">
      <span>Or a key in this keychain</span>
      <select
        className="input"
        aria-label="Key in this keychain"
        value=""
        onChange={(e) => {
          const key = usable.find((k) => k.id === e.target.value);
          if (key !== undefined) props.onPick(key.publicKeyPem, key.publicKeyFileName);
        }}
      >
        <option value="">Choose a key…</option>
        {usable.map((k) => (
          <option key={k.id} value={k.id}>
            {k.role} · {shortId(k.id)}
            {k.label === undefined ? '' : ` · ${k.label}`}
          </option>
        ))}
      </select>
    </label>
  );
}

function parsePaths(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

export function AddCollaborator(props: { preset?: RepositoryRef | undefined }) {
  const [step, setStep] = useState(0);
  const [pem, setPem] = useState('');
  const [key, setKey] = useState<CollaboratorKey | undefined>();
  const [name, setName] = useState('');
  const [repositories, setRepositories] = useState<RepositoryRef[]>(props.preset === undefined ? [] : [props.preset]);
  const [paths, setPaths] = useState('');
  const [threshold, setThreshold] = useState('');
  const runFlow = useAppStore((s) => s.runFlow);
  const clearFlow = useAppStore((s) => s.clearFlow);
  const plan = useFlowResult('delegationPlan');
  const nameOk = /^[a-z0-9][a-z0-9_-]{0,63}$/.test(name) && name !== 'releases';
  const thresholdOk = threshold.trim() === '' || /^[1-9]\d?$/.test(threshold.trim());
  const request = () => ({ pem, name, repositories, paths: parsePaths(paths), ...(threshold.trim() === '' ? {} : { threshold: Number(threshold.trim()) }) });
  const ready = (plan ?? []).filter((p) => p.ok);

  const dryRun = async () => {
    setStep(2);
    await runFlow('delegationPlan', (options) => countersign().delegation.plan(request(), options));
  };
  const publish = async () => {
    setStep(3);
    await runFlow('delegationAdd', (options) => countersign().delegation.add({ ...request(), repositories: ready.map(({ gun, serverId }) => ({ gun, serverId })) }, options));
  };
  const restart = () => {
    clearFlow('delegationPlan');
    clearFlow('delegationAdd');
    setStep(0);
    setPem('');
    setKey(undefined);
    setName('');
  };

  return (
    <>
      <Stepper steps={STEPS} current={step} />
      {step !== 0 ? null : (
        <StepPanel
          title="Your collaborator's public key"
          hint="They make it with docker trust key generate NAME (it writes NAME.pub), or send a certificate. Only the public key is needed, never their private key."
          actions={
            <button type="button" className="button primary" disabled={key === undefined || !nameOk} onClick={() => setStep(1)}>
              Next
            </button>
          }
        >
          <KeyInput
            onRead={(text, read) => {
              setPem(text);
              setKey(read);
              if (read.suggestedName !== undefined && name === '') setName(read.suggestedName);
            }}
          />
          {key === undefined ? null : (
            <dl className="facts compact facts-card" data-testid="collaborator-key">
              <dt>Key ID</dt>
              <dd>
                <KeyId id={key.keyId} /> <span className="mono small muted">{key.keyId}</span>
              </dd>
              <dt>Kind</dt>
              <dd>
                {key.kind} ({key.keytype})
              </dd>
            </dl>
          )}
          <label className="field medium-field">
            <span>Signer name</span>
            <input className="input" aria-label="Signer name" value={name} onChange={(e) => setName(e.target.value.trim().toLowerCase())} placeholder="alice" />
            {name === '' || nameOk ? null : <span className="form-error">Lower-case letters, digits, "-" and "_"; not "releases".</span>}
          </label>
        </StepPanel>
      )}
      {step !== 1 ? null : (
        <StepPanel
          title={`Where may ${name} sign?`}
          hint={`${name} becomes a signer as docker trust signer add makes one: the role targets/${name}, and their key in targets/releases — the role docker pull trusts.`}
          actions={
            <>
              <button type="button" className="button" onClick={() => setStep(0)}>
                Back
              </button>
              <button type="button" className="button primary" disabled={repositories.length === 0 || !thresholdOk} onClick={() => void dryRun()}>
                Dry run
              </button>
            </>
          }
        >
          <RepositoryChooser selected={repositories} onChange={setRepositories} />
          <div className="field-row">
            <label className="field">
              <span>
                Paths <span className="hint">(optional: tag prefixes targets/{name} may sign, comma separated; empty: every tag)</span>
              </span>
              <input className="input" aria-label="Paths" value={paths} onChange={(e) => setPaths(e.target.value)} placeholder="e.g. release-, v2." />
            </label>
            <label className="field small-field">
              <span>Threshold (optional)</span>
              <input className="input" aria-label="Threshold" inputMode="numeric" value={threshold} onChange={(e) => setThreshold(e.target.value)} placeholder="1" />
            </label>
          </div>
        </StepPanel>
      )}
      {step !== 2 ? null : (
        <>
          <FlowRunPanel flow="delegationPlan" title="Dry run" />
          {plan === undefined ? null : (
            <StepPanel
              title="Dry run"
              hint="Each change was applied to the latest verified metadata and signed, here, in a dry run. Nothing was staged or sent."
              actions={
                <>
                  <button type="button" className="button" onClick={() => (clearFlow('delegationPlan'), setStep(1))}>
                    Back
                  </button>
                  <button type="button" className="button primary" disabled={ready.length === 0} onClick={() => void publish()}>
                    Publish to {ready.length} {ready.length === 1 ? 'repository' : 'repositories'}
                  </button>
                </>
              }
            >
              <table className="table plan-table" aria-label="Dry run">
                <thead>
                  <tr>
                    <th>Repository</th>
                    <th>Result</th>
                    <th>Changes</th>
                  </tr>
                </thead>
                <tbody>
                  {plan.map((p) => (
                    <tr key={`${p.serverId} ${p.gun}`}>
                      <td className="mono">{p.gun}</td>
                      <td>{p.ok ? <span className="ok-text">{p.alreadyDelegated ? 'Already a signer' : 'Ready'}</span> : <span className="bad-text">Cannot publish</span>}</td>
                      <td>
                        {p.error === undefined ? null : <ErrorNote error={p.error} />}
                        <ul>
                          {p.changes.map((c, i) => (
                            <li key={i}>{c}</li>
                          ))}
                        </ul>
                        {p.notes.map((note, i) => (
                          <Notice key={i} tone="warning">
                            {note}
                          </Notice>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {repositories.map((repository) => (
                <PlanFor key={`${repository.serverId} ${repository.gun}`} repository={repository} job={{ kind: 'delegate', name }} />
              ))}
            </StepPanel>
          )}
        </>
      )}
      {step !== 3 ? null : (
        <FlowFinish flow="delegationAdd" title={`Adding ${name}`} againLabel="Add another collaborator" onAgain={restart}>
          {(summary) => {
            // Said only where the server has the delegation: not for a cancelled, unknown or staged one.
            const added = summary.outcomes.find((o) => o.status === 'published' || o.status === 'unchanged');
            return added === undefined ? null : (
              <Notice>
                {name} can now sign with their own key: <span className="mono">docker trust sign {added.gun}:TAG</span>
              </Notice>
            );
          }}
        </FlowFinish>
      )}
    </>
  );
}
