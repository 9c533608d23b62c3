// The plan of a write job, shown in its Review step (issue 13): the repository, the roles that get a
// new version, the key that signs each and whether it is in the keychain, what is staged already —
// and, when something stops the job, the fix with a button to where it is done. A blocked plan keeps
// the job's last button from being offered: the user never reaches a click that can only fail.
import { useEffect, useState, type ReactNode } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import type { PlanFixPlace, PlannedJob, PlannedKey, PlanProblem, RepositoryRef, WritePlan } from '../../../../shared/schemas/flows';
import { ErrorNote, KeyId, Spinner } from '../../components/common';
import { countersign, errorInfoOf } from '../../bridge/client';
import { useAppStore } from '../../store';

export type PlanState = { status: 'loading' } | { status: 'done'; plan: WritePlan } | { status: 'failed'; error: ErrorInfo };

/** Asks the main process for the plan whenever the repository or the job changes. */
export function usePlan(repository: RepositoryRef | undefined, job: PlannedJob | undefined): PlanState & { reload: () => void } {
  const [state, setState] = useState<PlanState>({ status: 'loading' });
  const [round, setRound] = useState(0);
  const key = repository === undefined || job === undefined ? '' : JSON.stringify([repository.serverId, repository.gun, job]);
  useEffect(() => {
    if (repository === undefined || job === undefined) return;
    let current = true;
    setState({ status: 'loading' });
    countersign()
      .plan.write({ ...repository, job })
      .then(
        (result) => current && setState(result.ok ? { status: 'done', plan: result.value } : { status: 'failed', error: result.error }),
        (error: unknown) => current && setState({ status: 'failed', error: errorInfoOf(error) }),
      );
    return () => {
      current = false;
    };
  }, [key, round]);
  return { ...state, reload: () => setRound((n) => n + 1) };
}

/**
 * The job's last button, offered only while nothing named in the plan stops the job (it may still be
 * loading: disable it with planReady). A job over several repositories passes every plan: one blocked
 * repository keeps the button away, since the job would fail there.
 */
export function PlanGate(props: { state: PlanState | readonly PlanState[]; children: ReactNode }) {
  const blocked = statesOf(props.state).some((state) => state.status === 'done' && !state.plan.ready);
  if (blocked) return <span className="hint">Fix what is named above first: going on now could only fail.</span>;
  return <>{props.children}</>;
}

/** True only for plans that were all read and have nothing in their way. */
export function planReady(state: PlanState | readonly PlanState[]): boolean {
  const states = statesOf(state);
  return states.length > 0 && states.every((one) => one.status === 'done' && one.plan.ready);
}

function statesOf(state: PlanState | readonly PlanState[]): readonly PlanState[] {
  return 'status' in state ? [state] : state;
}

const PRESENCE_WORDS: Record<PlannedKey['presence'], string> = {
  keychain: 'in the keychain',
  offline: 'offline (in an encrypted file)',
  missing: 'not in the keychain',
  server: 'held by the notary server',
  new: 'made by this job',
};

const PLACE_BUTTON: Record<PlanFixPlace, string> = {
  delegate: 'Add a signer (Delegate)',
  keys: 'Open Keys',
  init: 'Initialise this repository',
  servers: 'Open Servers',
  repository: 'Open the repository',
};

function FixButton(props: { problem: PlanProblem; repository: RepositoryRef }) {
  const navigate = useAppStore((s) => s.navigate);
  const { place } = props.problem;
  const { serverId, gun } = props.repository;
  const go = () => {
    if (place === 'delegate' || place === 'init') navigate({ screen: place, serverId, gun });
    else if (place === 'repository') navigate({ screen: 'repository', serverId, gun });
    else navigate({ screen: place });
  };
  return (
    <button type="button" className="button primary" onClick={go}>
      {PLACE_BUTTON[place]}
    </button>
  );
}

function KeyLine(props: { plannedKey: PlannedKey }) {
  const { plannedKey } = props;
  return (
    <li>
      {plannedKey.keyId === '' ? (
        <span className="muted">a new key</span>
      ) : (
        // The short ID shown, the canonical one on hover and copied.
        <KeyId id={plannedKey.keyId} />
      )}
      {plannedKey.label === undefined ? null : <span className="small"> “{plannedKey.label}”</span>}{' '}
      <span className={`presence presence-${plannedKey.presence === 'new' ? 'keychain' : plannedKey.presence} small`}>{PRESENCE_WORDS[plannedKey.presence]}</span>
    </li>
  );
}

/** The plan as the Review step shows it. */
export function PlanView(props: { repository: RepositoryRef; state: PlanState & { reload: () => void } }) {
  const { state } = props;
  if (state.status === 'loading') return <Spinner label="Reading the repository and checking the keys…" />;
  if (state.status === 'failed') return <ErrorNote error={state.error} title="The plan could not be made" />;
  const { plan } = state;
  return (
    <div className="plan" data-testid="write-plan" data-ready={plan.ready ? 'yes' : 'no'}>
      <p className="small muted">
        <span className="mono">{plan.gun}</span> on {plan.server} —{' '}
        {plan.repository === 'exists' ? 'read and verified just now' : plan.repository === 'absent' ? 'the server has no trust data for it' : 'could not be read or verified'}
      </p>
      {plan.roles.length === 0 ? null : (
        <table className="table plan-table" aria-label="Roles and keys">
          <thead>
            <tr>
              <th>Role (new version)</th>
              <th>Signed by</th>
              <th>Key</th>
            </tr>
          </thead>
          <tbody>
            {plan.roles.map((role) => (
              <tr key={role.role}>
                <td className="mono strong">{role.role}</td>
                <td>{role.signer === 'server' ? 'the notary server' : role.threshold > 1 ? `you (${role.threshold} keys)` : 'you'}</td>
                <td>
                  <ul>
                    {role.keys.map((key, i) => (
                      <KeyLine key={`${key.keyId}-${i}`} plannedKey={key} />
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {plan.staged.length === 0 ? null : (
        <div className="small">
          <p>
            {plan.staged.length} change(s) staged earlier; you will be asked whether to publish them too:
          </p>
          <ul className="outcome-changes">
            {plan.staged.map((change) => (
              <li key={change.id}>{change.description}</li>
            ))}
          </ul>
        </div>
      )}
      {plan.problems.map((problem, i) => (
        <div key={i} className="banner" role="alert" data-testid="plan-problem" data-code={problem.code}>
          <strong>{problem.message}</strong>
          <span>{problem.fix}</span>
          <div className="banner-actions">
            <FixButton problem={problem} repository={props.repository} />
            <button type="button" className="button" onClick={state.reload}>
              Check again
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}

/** One repository's plan, asked for on its own (a job over many repositories shows one each, and gates on them through onState). */
export function PlanFor(props: { repository: RepositoryRef; job: PlannedJob; onState?: (state: PlanState) => void }) {
  const state = usePlan(props.repository, props.job);
  const { onState } = props;
  useEffect(() => {
    onState?.(state.status === 'done' ? { status: 'done', plan: state.plan } : state.status === 'failed' ? { status: 'failed', error: state.error } : { status: 'loading' });
  }, [state.status, state.status === 'done' ? state.plan : state.status === 'failed' ? state.error : undefined]);
  return <PlanView repository={props.repository} state={state} />;
}
