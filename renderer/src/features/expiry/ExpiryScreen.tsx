// Expiry across the watch list: every role that expires within the warning window, in one list, and
// re-signed in one action (each repository published once). The server renews the timestamp itself.
// Before that action, Review shows each repository's plan (issue 13): the roles re-signed and the key
// for each; a key not in the keychain, or offline, stops it there with the fix.
import { useEffect, useState } from 'react';
import type { ExpiringRole, RepositoryRef } from '../../../../shared/schemas/flows';
import type { ErrorInfo } from '../../../../shared/errors';
import { describeTrust } from '../../../../shared/schemas/trust-status';
import { EmptyState, Expiry, PageHeader } from '../../components/common';
import { TrustBadge, TrustExplanation } from '../../components/TrustStatusView';
import { formatDate } from '../../components/format';
import { countersign } from '../../bridge/client';
import { useAppStore } from '../../store';
import { FlowRunPanel, FlowSummaryView, StepPanel, useFlowResult, useFlowRunning } from '../publish/components';
import { PlanFor, PlanGate, planReady, type PlanState } from '../publish/PlanReview';

/** A repository left out of the list, in the same words and colour as the watch list. */
function FailedRepository(props: { gun: string; error: ErrorInfo }) {
  const trust = describeTrust({ state: 'failed', error: props.error });
  return (
    <div className="failed-repository" data-testid="expiry-failed">
      <p>
        <span className="strong">{props.gun}</span> <TrustBadge status={trust} />
      </p>
      <TrustExplanation status={trust} />
    </div>
  );
}

const rowKey = (role: ExpiringRole) => `${role.serverId} ${role.gun} ${role.role}`;
const repositoryKey = (ref: RepositoryRef) => `${ref.serverId} ${ref.gun}`;

/** Rows grouped by repository, the repository whose role expires first on top (the report is sorted by expiry). */
function byRepository(roles: readonly ExpiringRole[]): ExpiringRole[][] {
  const groups = new Map<string, ExpiringRole[]>();
  for (const role of roles) {
    const key = repositoryKey(role);
    groups.set(key, [...(groups.get(key) ?? []), role]);
  }
  return [...groups.values()];
}

/**
 * Review: one plan per repository, each read with the job's own verified read. The re-signing is
 * offered only when every plan is ready: the job would fail at a repository whose plan is blocked.
 */
function ExpiryReview(props: { items: readonly (RepositoryRef & { roles: string[] })[]; busy: boolean; onBack: () => void; onResign: () => void }) {
  const [states, setStates] = useState<Readonly<Record<string, PlanState>>>({});
  const current = props.items.map((item): PlanState => states[repositoryKey(item)] ?? { status: 'loading' });
  const count = props.items.reduce((n, item) => n + item.roles.length, 0);
  return (
    <StepPanel
      title="Review"
      hint="What each repository's publish re-signs, and with which key. Nothing is signed until you re-sign."
      actions={
        <>
          <button type="button" className="button" onClick={props.onBack}>
            Back
          </button>
          <PlanGate state={current}>
            <button type="button" className="button primary" disabled={!planReady(current) || props.busy} onClick={props.onResign}>
              Re-sign {count} {count === 1 ? 'role' : 'roles'}
            </button>
          </PlanGate>
        </>
      }
    >
      {props.items.map((item) => (
        <section key={repositoryKey(item)} className="plan-repository" aria-label={`Plan for ${item.gun}`}>
          <h3 className="mono">{item.gun}</h3>
          <p className="small muted">
            Chosen: {item.roles.join(', ')}
            {item.roles.includes('snapshot') ? ' (the snapshot is renewed by re-signing targets: every publish signs it again)' : ''}
          </p>
          <PlanFor repository={{ gun: item.gun, serverId: item.serverId }} job={{ kind: 'expiry', roles: item.roles }} onState={(state) => setStates((all) => ({ ...all, [repositoryKey(item)]: state }))} />
        </section>
      ))}
    </StepPanel>
  );
}

/** The chosen roles, one request item per repository. */
function resignItems(roles: readonly ExpiringRole[]): (RepositoryRef & { roles: string[] })[] {
  const byRepository = new Map<string, RepositoryRef & { roles: string[] }>();
  for (const role of roles) {
    const key = repositoryKey(role);
    const item = byRepository.get(key) ?? { gun: role.gun, serverId: role.serverId, roles: [] };
    item.roles.push(role.role);
    byRepository.set(key, item);
  }
  return [...byRepository.values()];
}

export function ExpiryScreen() {
  const warningDays = useAppStore((s) => s.settings.value?.ui.expiryWarningDays ?? 30);
  const [days, setDays] = useState(String(warningDays));
  const [unchosen, setUnchosen] = useState<ReadonlySet<string>>(new Set());
  const [reviewing, setReviewing] = useState(false);
  const runFlow = useAppStore((s) => s.runFlow);
  const clearFlow = useAppStore((s) => s.clearFlow);
  const report = useFlowResult('expiryList');
  const summary = useFlowResult('expiryResign');
  const checking = useFlowRunning('expiryList');
  const resigning = useFlowRunning('expiryResign');
  const daysOk = /^\d{1,4}$/.test(days.trim()) && Number(days) >= 1 && Number(days) <= 3650;

  const check = async () => {
    setUnchosen(new Set());
    setReviewing(false);
    await runFlow('expiryList', (options) => countersign().expiry.list({ withinDays: Number(days) }, options));
  };
  useEffect(() => {
    if (report === undefined && !checking) void check();
  }, []);

  const roles = report?.roles ?? [];
  const chosen = roles.filter((r) => r.canResign && !unchosen.has(rowKey(r)));
  const resign = async () => {
    setReviewing(false);
    const result = await runFlow('expiryResign', (options) => countersign().expiry.resign({ items: resignItems(chosen) }, options));
    if (result.ok) await check();
  };

  return (
    <div className="screen flow-screen">
      <PageHeader
        title="Expiring"
        subtitle="Roles of the watched repositories that expire soon. Re-signing gives each its full lifetime again (3 years for targets roles, 10 for root)."
        actions={
          reviewing ? null : (
            <button type="button" className="button primary" disabled={chosen.length === 0 || resigning || checking} onClick={() => setReviewing(true)}>
              Review re-signing {chosen.length} {chosen.length === 1 ? 'role' : 'roles'}
            </button>
          )
        }
      />
      {reviewing ? <ExpiryReview items={resignItems(chosen)} busy={resigning || checking} onBack={() => setReviewing(false)} onResign={() => void resign()} /> : null}
      {reviewing ? null : (
        <div className="toolbar">
          <label className="inline-form">
            <span className="muted">Expiring within</span>
            <input className="input" aria-label="Days ahead" inputMode="numeric" size={5} value={days} onChange={(e) => setDays(e.target.value)} />
            <span className="muted">days</span>
          </label>
          <button type="button" className="button" disabled={!daysOk || checking} onClick={() => void check()}>
            Check again
          </button>
        </div>
      )}
      <FlowRunPanel flow="expiryList" title="Checking expiry" />
      <FlowRunPanel flow="expiryResign" title="Re-signing" />
      {summary === undefined ? null : (
        <FlowSummaryView summary={summary}>
          <div className="step-actions">
            <button type="button" className="button" onClick={() => clearFlow('expiryResign')}>
              Done
            </button>
          </div>
        </FlowSummaryView>
      )}
      {report === undefined || reviewing ? null : (
        <>
          {report.failed.map((f) => (
            <FailedRepository key={`${f.serverId} ${f.gun}`} gun={f.gun} error={f.error} />
          ))}
          {roles.length === 0 ? (
            <EmptyState title={report.failed.length === 0 ? `Nothing expires within ${report.withinDays} days` : `Nothing expires within ${report.withinDays} days in the repositories that could be checked`}>
              {report.failed.length === 0 ? '' : `${report.failed.length} could not be checked (above). `}The timestamp is left out: the notary server renews it by itself.
            </EmptyState>
          ) : (
            <table className="table" aria-label="Expiring roles">
              <thead>
                <tr>
                  <th />
                  <th>Repository</th>
                  <th>Role</th>
                  <th>Expires</th>
                  <th>Version</th>
                  <th>Re-sign</th>
                </tr>
              </thead>
              <tbody>
                {byRepository(roles).flatMap((group) =>
                  group.map((role, index) => (
                    <tr key={rowKey(role)} className={index === 0 ? 'group-start' : undefined}>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Re-sign ${role.role} of ${role.gun}`}
                          disabled={!role.canResign}
                          checked={role.canResign && !unchosen.has(rowKey(role))}
                          onChange={(e) =>
                            setUnchosen((set) => {
                              const next = new Set(set);
                              if (e.target.checked) next.delete(rowKey(role));
                              else next.add(rowKey(role));
                              return next;
                            })
                          }
                        />
                      </td>
                      <td className="mono">{index === 0 ? role.gun : <span className="visually-hidden">{role.gun}</span>}</td>
                      <td className="strong">{role.role}</td>
                      <td>
                        <Expiry expires={role.expires} /> <span className="muted small nowrap">{formatDate(role.expires)}</span>
                      </td>
                      <td>{role.version ?? '—'}</td>
                      <td className="small">
                        {role.canResign ? <span className="ok-text">with a key in this keychain</span> : null}
                        {role.note === undefined ? null : <div className="muted">{role.note}</div>}
                      </td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
