// Initialise an unsigned repository (notary init, issue 13): the main process makes a root key and a
// targets key in the keychain, the notary server makes the timestamp key (and, as docker trust does
// by default, the snapshot key), and the first trust data is published and read back. When the server
// does not take it, the keys made for it are removed again — the summary says which. The root key can
// go straight to an encrypted file once the server has the repository; its passphrase goes to the main
// process only, with the request.
import { useState } from 'react';
import type { RepositoryRef } from '../../../../shared/schemas/flows';
import { PageHeader, PassphraseInput } from '../../components/common';
import { countersign } from '../../bridge/client';
import { useAppStore } from '../../store';
import { FlowFinish, RepositoryChooser, StepPanel, Stepper, useFlowResult } from '../publish/components';
import { PlanGate, planReady, PlanView, usePlan } from '../publish/PlanReview';
import { FileChoice, insideFolder, type ChosenFile } from '../rotate/KeyFileForms';

const STEPS = ['Repository and keys', 'Initialise'];

type RootPlace = { kind: 'keychain' } | { kind: 'offline'; file?: ChosenFile | undefined; passphrase: string; again: string };

function RootKeyChoice(props: { value: RootPlace; onChange: (next: RootPlace) => void; gun: string }) {
  const dataFolder = useAppStore((s) => s.info.value?.homeDir);
  const [fileError, setFileError] = useState<string | undefined>();
  const { value } = props;
  const offline = value.kind === 'offline' ? value : undefined;
  return (
    <fieldset className="root-choice" aria-label="Where the root key goes">
      <legend>The new root key</legend>
      <label className="choice">
        <input type="radio" name="root-place" checked={value.kind === 'keychain'} onChange={() => props.onChange({ kind: 'keychain' })} />
        <span>
          <strong>Keep it in the keychain</strong>
          <span className="hint"> — you can take it offline later (Keys).</span>
        </span>
      </label>
      <label className="choice">
        <input type="radio" name="root-place" checked={value.kind === 'offline'} onChange={() => props.onChange({ kind: 'offline', passphrase: '', again: '' })} />
        <span>
          <strong>Take it offline into an encrypted file</strong>
          <span className="hint"> — once the server has the repository; it is only needed again to rotate keys.</span>
        </span>
      </label>
      {offline === undefined ? null : (
        <div className="facts-card">
          <div className="field-row">
            <FileChoice
              label="Root key file"
              purpose="save-key-file"
              suggestedName={`${props.gun.split('/').pop() ?? 'repository'}-root.key`}
              chosen={offline.file}
              onChosen={(file) => props.onChange({ ...offline, file })}
              onError={(error) => setFileError(error.message)}
            />
            <label className="field">
              <span>Passphrase</span>
              <PassphraseInput label="Root key passphrase" value={offline.passphrase} onChange={(passphrase) => props.onChange({ ...offline, passphrase })} />
            </label>
            <label className="field">
              <span>Again</span>
              <PassphraseInput label="Root key passphrase again" value={offline.again} onChange={(again) => props.onChange({ ...offline, again })} />
            </label>
          </div>
          {fileError === undefined ? null : <p className="form-error">{fileError}</p>}
          {offline.again !== '' && offline.again !== offline.passphrase ? <p className="form-error">The passphrases differ.</p> : null}
          {offline.file !== undefined && insideFolder(offline.file.path, dataFolder) ? (
            <p className="form-warning" role="status">
              This file is inside Countersign’s data folder: an offline key belongs apart from this machine (a USB stick, another disk).
            </p>
          ) : null}
          <p className="hint">At least 8 characters. The passphrase goes to Countersign’s main process with the request, and nowhere else.</p>
        </div>
      )}
    </fieldset>
  );
}

function rootPlaceReady(place: RootPlace): boolean {
  return place.kind === 'keychain' || (place.file !== undefined && place.passphrase.length >= 8 && place.passphrase === place.again);
}

export function InitScreen(props: { preset?: RepositoryRef | undefined }) {
  const [step, setStep] = useState(0);
  const [repository, setRepository] = useState<RepositoryRef | undefined>(props.preset);
  const [serverSnapshot, setServerSnapshot] = useState(true);
  const [root, setRoot] = useState<RootPlace>({ kind: 'keychain' });
  const runFlow = useAppStore((s) => s.runFlow);
  const clearFlow = useAppStore((s) => s.clearFlow);
  const navigate = useAppStore((s) => s.navigate);
  const summary = useFlowResult('init');
  const plan = usePlan(step === 0 ? repository : undefined, { kind: 'init', serverManagedSnapshot: serverSnapshot });

  // The user's answer about changes staged earlier, kept when the root key's file must be chosen again.
  const [earlier, setEarlier] = useState<'include' | 'leave' | undefined>();
  const start = async (earlierStaged = earlier) => {
    if (repository === undefined) return;
    const rootOffline = root.kind === 'offline' && root.file !== undefined ? { file: root.file.ref, passphrase: root.passphrase } : undefined;
    setStep(1);
    await runFlow('init', (options) =>
      countersign().init.repository({ ...repository, serverManagedSnapshot: serverSnapshot, ...(rootOffline === undefined ? {} : { rootOffline }), ...(earlierStaged === undefined ? {} : { earlierStaged }) }, options),
    );
    // A picked file's reference is good for one request: another attempt chooses the file again.
    if (root.kind === 'offline') setRoot({ ...root, file: undefined });
  };
  const answerEarlier = (choice: 'include' | 'leave') => {
    setEarlier(choice);
    if (root.kind === 'keychain') {
      void start(choice);
      return;
    }
    clearFlow('init');
    setStep(0);
  };
  const again = () => {
    clearFlow('init');
    setStep(0);
  };
  const published = summary?.outcomes.some((o) => o.status === 'published') === true;

  return (
    <div className="screen flow-screen">
      <PageHeader title="Initialise a repository" subtitle="Create the trust data of an unsigned repository, as notary init and docker trust do: its keys first, then the first signed metadata." />
      <Stepper steps={STEPS} current={step} />
      {step !== 0 ? null : (
        <StepPanel
          title="Repository and keys"
          hint="Countersign makes the root and targets keys in the keychain; the notary server makes and keeps the timestamp key."
          actions={
            <PlanGate state={plan}>
              <button type="button" className="button primary" disabled={repository === undefined || !planReady(plan) || !rootPlaceReady(root)} onClick={() => void start()}>
                Initialise {repository?.gun ?? ''}
              </button>
            </PlanGate>
          }
        >
          {props.preset === undefined ? <RepositoryChooser single selected={repository === undefined ? [] : [repository]} onChange={([next]) => setRepository(next)} /> : null}
          <label className="choice">
            <input type="checkbox" checked={serverSnapshot} onChange={(e) => setServerSnapshot(e.target.checked)} />
            <span>
              <strong>The server holds the snapshot key</strong> — as docker trust does: signers can then publish with only their own key.
            </span>
          </label>
          {repository === undefined ? null : <RootKeyChoice value={root} onChange={setRoot} gun={repository.gun} />}
          {earlier === undefined || root.kind !== 'offline' ? null : <p className="hint">Choose the root key file again (a choice is good for one attempt), then initialise.</p>}
          {repository === undefined ? null : <PlanView repository={repository} state={plan} />}
        </StepPanel>
      )}
      {step !== 1 ? null : (
        <FlowFinish flow="init" title={`Initialising ${repository?.gun ?? ''}`} againLabel="Back" onAgain={again} onEarlierStaged={answerEarlier}>
          {() =>
            !published || repository === undefined ? null : (
              <div className="step-actions">
                <button type="button" className="button primary" onClick={() => navigate({ screen: 'repository', ...repository })}>
                  Open {repository.gun}
                </button>
              </div>
            )
          }
        </FlowFinish>
      )}
    </div>
  );
}
