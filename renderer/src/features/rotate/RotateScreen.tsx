// The key rotation wizard: choose repositories and a role; a preflight says what will happen and what
// is missing (the offline root, keys, delegations that would stop verifying); the rotation runs with
// progress, each new root signed by the old and the new keys and checked by a client that trusted the
// old root; then the new root key can be taken offline. An interrupted rotation is offered for resuming.
import { useEffect, useState } from 'react';
import type { PreflightRepository, RepositoryRef, RotatableRole, RotationRecordView } from '../../../../shared/schemas/flows';
import { KeyId, Notice, PageHeader } from '../../components/common';
import { formatDateTime, shortId } from '../../components/format';
import { countersign } from '../../bridge/client';
import { useAppStore } from '../../store';
import { FlowRunPanel, FlowSummaryView, RepositoryChooser, StepPanel, Stepper, useFlowResult, useFlowRunning } from '../publish/components';
import { BringKeyOnline, TakeKeyOffline } from './KeyFileForms';

const STEPS = ['Repositories and role', 'Preflight', 'Rotate', 'Check and keep safe'];

const ROLES: { role: RotatableRole; title: string; text: string }[] = [
  { role: 'root', title: 'Root', text: "The repository's identity. The new root is signed by the old root key and the new one, so every client that trusted the old root follows. Needs the current root key — bring it in from its offline file." },
  { role: 'targets', title: 'Targets', text: 'Signs the tags and the delegations. A new key is made in this keychain and targets is signed again with it; delegations keep their keys.' },
  { role: 'snapshot', title: 'Snapshot', text: 'Ties the roles together. Keep the new key in this keychain, or let the notary server hold it — which lets collaborators publish with docker trust sign.' },
  { role: 'timestamp', title: 'Timestamp', text: 'Always held by the notary server: it makes the new key, and this keychain signs the new root that names it.' },
];

const STEP_WORDS: Record<RotationRecordView['repositories'][number]['step'], string> = {
  pending: 'not started',
  staged: 'new key made, not published yet',
  published: 'published, not checked yet',
  verified: 'checked, old keys not retired yet',
  done: 'done',
};

function PendingRotations(props: { records: RotationRecordView[]; onResume: (id: string) => void; onDismiss: (id: string) => void }) {
  if (props.records.length === 0) return null;
  return (
    <>
      {props.records.map((record) => (
        <section key={record.id} className="banner" aria-label="Interrupted rotation">
          <p className="strong">
            A rotation of the {record.role} key was interrupted ({formatDateTime(record.updatedAt)}). Nothing was lost: it can go on where it stopped.
          </p>
          <ul className="outcome-changes">
            {record.repositories.map((r) => (
              <li key={`${r.serverId} ${r.gun}`}>
                <span className="mono">{r.gun}</span>: {STEP_WORDS[r.step]}
                {r.newKeyIds.length === 0 ? '' : ` (new key ${shortId(r.newKeyIds[0]!)})`}
                {r.error === undefined ? '' : ` — last attempt failed: ${r.error.message}`}
              </li>
            ))}
          </ul>
          <div className="banner-actions">
            <button type="button" className="button primary" onClick={() => props.onResume(record.id)}>
              Resume the rotation
            </button>
            <button type="button" className="button quiet" onClick={() => props.onDismiss(record.id)}>
              Forget it
            </button>
          </div>
        </section>
      ))}
    </>
  );
}

function Presence(props: { presence: PreflightRepository['rootKeys'][number] }) {
  const { keyId, presence } = props.presence;
  const words = { keychain: 'in the keychain', offline: 'offline', missing: 'not here', server: 'held by the server' }[presence];
  return (
    <span className={`presence presence-${presence}`}>
      <KeyId id={keyId} /> {words}
    </span>
  );
}

function PreflightTable(props: { role: RotatableRole; repositories: PreflightRepository[] }) {
  return (
    <table className="table plan-table" aria-label="Preflight">
      <thead>
        <tr>
          <th>Repository</th>
          <th>Root keys</th>
          {props.role === 'root' ? null : <th>{props.role} keys now</th>}
          <th>Delegations</th>
          <th>Ready?</th>
        </tr>
      </thead>
      <tbody>
        {props.repositories.map((r) => (
          <tr key={`${r.serverId} ${r.gun}`}>
            <td className="mono">{r.gun}</td>
            <td>
              {r.rootKeys.map((k) => (
                <div key={k.keyId}>
                  <Presence presence={k} />
                </div>
              ))}
              {r.rootThreshold > 1 ? <div className="muted small">{r.rootThreshold} must sign</div> : null}
            </td>
            {props.role === 'root' ? null : (
              <td>
                {r.currentKeys.map((k) => (
                  <div key={k.keyId}>
                    <Presence presence={k} />
                  </div>
                ))}
              </td>
            )}
            <td className="small">
              {r.delegationsVerified === 0 && r.delegationsFailing.length === 0 ? <span className="muted">none</span> : null}
              {r.delegationsVerified === 0 ? null : <div className="ok-text">{r.delegationsVerified} verify now and will still verify (their keys do not change)</div>}
              {r.delegationsFailing.length === 0 ? null : <div className="warn-text">failing now, left as they are: {r.delegationsFailing.join(', ')}</div>}
            </td>
            <td className="small">
              {r.ready ? <span className="ok-text">Ready</span> : r.problems.map((p, i) => <div key={i} className="bad-text">{p}</div>)}
              {r.alreadyStaged === 0 ? null : <div className="muted">{r.alreadyStaged} staged change(s) are published along</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RotateScreen(props: { preset?: RepositoryRef | undefined }) {
  const [step, setStep] = useState(0);
  const [repositories, setRepositories] = useState<RepositoryRef[]>(props.preset === undefined ? [] : [props.preset]);
  const [role, setRole] = useState<RotatableRole>('root');
  const [serverManaged, setServerManaged] = useState(false);
  const [pending, setPending] = useState<RotationRecordView[]>([]);
  const runFlow = useAppStore((s) => s.runFlow);
  const clearFlow = useAppStore((s) => s.clearFlow);
  const preflight = useFlowResult('rotationPreflight');
  const summary = useFlowResult('rotation');
  const running = useFlowRunning('rotation');

  const loadPending = async () => {
    const result = await countersign().rotation.pending({});
    if (result.ok) setPending(result.value);
  };
  useEffect(() => {
    void loadPending();
  }, []);

  const check = async () => {
    setStep(1);
    await runFlow('rotationPreflight', (options) => countersign().rotation.preflight({ repositories, role, serverManaged }, options));
  };
  const ready = (preflight?.repositories ?? []).filter((r) => r.ready);
  const rotate = async () => {
    setStep(2);
    const result = await runFlow('rotation', (options) => countersign().rotation.start({ repositories: ready.map(({ gun, serverId }) => ({ gun, serverId })), role, serverManaged }, options));
    await loadPending();
    if (result.ok) setStep(3);
  };
  const resume = async (rotationId: string) => {
    const record = pending.find((r) => r.id === rotationId);
    if (record !== undefined) setRole(record.role);
    setStep(2);
    const result = await runFlow('rotation', (options) => countersign().rotation.resume({ rotationId }, options));
    await loadPending();
    if (result.ok) setStep(3);
  };
  const dismiss = async (rotationId: string) => {
    await countersign().rotation.dismiss({ rotationId });
    await loadPending();
  };
  const restart = () => {
    clearFlow('rotationPreflight');
    clearFlow('rotation');
    setStep(0);
  };

  return (
    <div className="screen flow-screen">
      <PageHeader title="Rotate keys" subtitle="Replace a repository's root, targets, snapshot or timestamp key without stranding its clients." />
      {running ? null : <PendingRotations records={pending} onResume={(id) => void resume(id)} onDismiss={(id) => void dismiss(id)} />}
      <Stepper steps={STEPS} current={step} />
      {step !== 0 ? null : (
        <StepPanel
          title="Which repositories, which key?"
          actions={
            <button type="button" className="button primary" disabled={repositories.length === 0} onClick={() => void check()}>
              Run the preflight
            </button>
          }
        >
          <RepositoryChooser selected={repositories} onChange={setRepositories} />
          <fieldset className="chooser">
            <legend>Key to rotate</legend>
            {ROLES.map((r) => (
              <label key={r.role} className="choice">
                <input type="radio" name="role" checked={role === r.role} onChange={() => (setRole(r.role), setServerManaged(false))} />
                <span>
                  <strong>{r.title}</strong>
                  <span className="hint"> — {r.text}</span>
                </span>
              </label>
            ))}
          </fieldset>
          {role !== 'snapshot' ? null : (
            <label className="choice">
              <input type="checkbox" checked={serverManaged} onChange={(e) => setServerManaged(e.target.checked)} />
              <span>Let the notary server hold the new snapshot key</span>
            </label>
          )}
        </StepPanel>
      )}
      {step !== 1 ? null : (
        <>
          <FlowRunPanel flow="rotationPreflight" title="Preflight" />
          {preflight === undefined ? null : (
            <StepPanel
              title="Preflight"
              hint="What the rotation needs and what it changes. Nothing has been changed yet."
              actions={
                <>
                  <button type="button" className="button" onClick={restart}>
                    Back
                  </button>
                  <button type="button" className="button" onClick={() => void check()}>
                    Check again
                  </button>
                  <button type="button" className="button primary" disabled={ready.length === 0} onClick={() => void rotate()}>
                    {ready.length === 0 ? 'Rotate' : `Rotate the ${preflight.role} key of ${ready.length} ${ready.length === 1 ? 'repository' : 'repositories'}`}
                  </button>
                </>
              }
            >
              <PreflightTable role={preflight.role} repositories={preflight.repositories} />
              {preflight.offlineRoots.map((k) => (
                <BringKeyOnline key={k.keyId} keyId={k.keyId} file={k.offlineFile} onDone={() => void check()} />
              ))}
              {preflight.repositories
                .flatMap((r) => (r.rootKeys.some((k) => k.presence === 'keychain') ? [] : r.rootKeys.filter((k) => k.presence === 'missing')))
                .filter((k, i, all) => all.findIndex((o) => o.keyId === k.keyId) === i)
                .map((k) => (
                  <BringKeyOnline key={k.keyId} keyId={k.keyId} onDone={() => void check()} />
                ))}
              {ready.length < preflight.repositories.length && ready.length > 0 ? (
                <Notice tone="warning">Only the repositories marked ready are rotated; the others stay as they are.</Notice>
              ) : null}
            </StepPanel>
          )}
        </>
      )}
      {step !== 2 ? null : <FlowRunPanel flow="rotation" title={`Rotating the ${role} key`} />}
      {step !== 3 || summary === undefined ? null : (
        <>
          <FlowSummaryView summary={summary} title="Rotated">
            {summary.rotation.repositories.every((r) => r.followedByOldRoot === true) ? (
              <Notice>Checked: a fresh client that trusted only the old root followed the rotation in every repository.</Notice>
            ) : null}
          </FlowSummaryView>
          {summary.newRootKeys.length + summary.oldRootKeysOnline.length === 0 ? null : (
            <StepPanel title="Keep the root keys safe" hint="A root key in the keychain of a laptop is a root key one stolen laptop away. Keep it offline; bring it in only for the next rotation.">
              {summary.newRootKeys.map((id) => (
                <TakeKeyOffline key={id} keyId={id} title={`Take the new root key ${shortId(id)} offline`} suggestedFile={`root-${shortId(id)}.key`} />
              ))}
              {summary.oldRootKeysOnline.map((id) => (
                <TakeKeyOffline key={id} keyId={id} title={`Put the old root key ${shortId(id)} back offline`} suggestedFile={`old-root-${shortId(id)}.key`} />
              ))}
            </StepPanel>
          )}
          <div className="step-actions">
            <button type="button" className="button" onClick={restart}>
              Rotate another key
            </button>
          </div>
        </>
      )}
    </div>
  );
}
