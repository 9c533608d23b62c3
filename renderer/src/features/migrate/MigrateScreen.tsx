// The exit ramp from Docker Content Trust: carry the tags whose verified trust data signs what the
// registry serves over to cosign signatures. Scope (from the audit), key, the plan (what will be signed
// and what will not, and why), the run with progress and cancel, the result per tag, and the public key
// to hand to the policy engines (Kyverno, policy-controller, containers/image).
import { useEffect } from 'react';
import type { MigrationPlan, MigrationReport } from '../../../../shared/migrate';
import { EmptyState, ErrorNote, PageHeader, Section } from '../../components/common';
import { useAppStore } from '../../store';
import { countOf } from '../audit/audit-model';
import { RunningLine } from '../audit/parts';
import '../audit/audit.css';

function KeyChooser() {
  const keys = useAppStore((s) => s.keys);
  const keyId = useAppStore((s) => s.migrateKeyId);
  const choose = useAppStore((s) => s.chooseMigrateKey);
  const loadKeys = useAppStore((s) => s.loadKeys);
  useEffect(() => {
    if (keys.status === 'idle') void loadKeys();
  }, [keys.status, loadKeys]);
  // cosign signatures here are ECDSA P-256: only such keys, and only while they are in the keychain.
  const usable = (keys.value ?? []).filter((key) => key.keytype === 'ecdsa' && key.location === 'keychain');
  return (
    <label className="field medium-field">
      <span>Signing key (ECDSA P-256, in the keychain)</span>
      <select className="input" aria-label="Signing key" value={keyId ?? ''} onChange={(e) => choose(e.target.value)}>
        <option value="" disabled>
          {usable.length === 0 ? 'No ECDSA key: generate one on the Keys screen' : 'Choose a key'}
        </option>
        {usable.map((key) => (
          <option key={key.id} value={key.id}>
            {key.label ?? key.role} ({key.id.slice(0, 12)})
          </option>
        ))}
      </select>
    </label>
  );
}

function Head(props: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {props.columns.map((column) => (
          <th key={column}>{column}</th>
        ))}
      </tr>
    </thead>
  );
}

function PlanView(props: { plan: MigrationPlan }) {
  const { plan } = props;
  return (
    <Section title="The plan" id="migrate-plan" hint="Only tags whose verified DCT trust data signs the digest the registry serves are signed; the rest are listed with the reason.">
      <p className="summary-line" data-testid="plan-summary">
        {countOf(plan.sign.length, 'tag')} to sign with key {plan.keyId.slice(0, 12)}; {countOf(plan.skipped.length, 'tag')} not signed.
      </p>
      <table className="table" aria-label="Tags to sign">
        <Head columns={['Repository', 'Tag', 'Digest DCT signs', 'DCT signers']} />
        <tbody>
          {plan.sign.map((tag) => (
            <tr key={`${tag.repository}:${tag.tag}`} data-testid="plan-sign">
              <td>{tag.repository}</td>
              <td>{tag.tag}</td>
              <td className="mono">{tag.digest.slice(0, 19)}…</td>
              <td>{tag.dct.signers.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {plan.skipped.length > 0 && (
        <table className="table" aria-label="Tags not signed">
          <Head columns={['Repository', 'Tag', 'Status', 'Why not']} />
          <tbody>
            {plan.skipped.map((tag) => (
              <tr key={`${tag.repository}:${tag.tag}`} data-testid="plan-skip">
                <td>{tag.repository}</td>
                <td>{tag.tag || '—'}</td>
                <td>{tag.status}</td>
                <td>{tag.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function ResultView(props: { report: MigrationReport }) {
  const { report } = props;
  const counts = Object.entries(report.counts).filter(([, n]) => n > 0).map(([outcome, n]) => `${n} ${outcome}`);
  return (
    <Section title="Result" id="migrate-result">
      <p className="summary-line" role="status" data-testid="migrate-summary">
        {counts.length > 0 ? counts.join(', ') : 'Nothing to sign'}
        {report.cancelled ? ' — cancelled; run again to finish' : ''}
      </p>
      <table className="table" aria-label="Result per tag">
        <tbody>
          {report.results.map((result) => (
            <tr key={`${result.repository}:${result.tag}`} data-testid="migrate-result" data-outcome={result.outcome}>
              <td>{result.repository}</td>
              <td>{result.tag}</td>
              <td>{result.outcome}</td>
              <td className="mono">{result.signatureTag}</td>
              <td>{result.error ? `${result.error.code}: ${result.error.message}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

export function MigrateScreen() {
  const scope = useAppStore((s) => s.migrateScope);
  const registries = useAppStore((s) => s.settings.value?.registries ?? []);
  const keyId = useAppStore((s) => s.migrateKeyId);
  const plan = useAppStore((s) => s.migratePlan);
  const run = useAppStore((s) => s.migrateRun);
  const { planMigration, runMigration, cancelMigration, navigate } = useAppStore.getState();
  if (scope === undefined) {
    // The screen keeps its heading when empty: it is where the sidebar and the audit lead.
    return (
      <>
        <PageHeader title="Migrate to cosign" subtitle="Carry verified DCT signatures over to cosign signatures in the registry." />
        <EmptyState title="Nothing to migrate yet" action={<button type="button" className="button" onClick={() => navigate({ screen: 'audit' })}>Open the audit</button>}>
          Audit a registry first, then choose “Migrate to cosign” there.
        </EmptyState>
      </>
    );
  }
  const registry = registries.find((r) => r.id === scope.registryId);
  const busy = plan?.status === 'running' || run?.status === 'running';
  return (
    <>
      <PageHeader title="Migrate to cosign" subtitle={`${registry?.name ?? scope.registryId}: ${scope.repositories === undefined ? 'every repository' : countOf(scope.repositories.length, 'repository', 'repositories')}`} />
      <Section title="Key" id="migrate-key">
        <KeyChooser />
        <button type="button" className="button primary" disabled={keyId === undefined || busy} onClick={() => void planMigration()}>
          Make the plan
        </button>
      </Section>
      {plan?.status === 'running' && <RunningLine progress={plan.progress} waiting="Auditing…" label="Repositories audited" onCancel={() => void cancelMigration()} />}
      {plan?.status === 'failed' && <ErrorNote error={plan.error} title="No plan was made" />}
      {plan?.status === 'done' && (
        <>
          <PlanView plan={plan.value.plan} />
          <Section title="Public key" id="migrate-public-key" hint="Give this cosign.pub to the policy engines that will verify the new signatures.">
            <pre className="mono" data-testid="cosign-pub">{plan.value.plan.publicKeyPem}</pre>
          </Section>
          <button type="button" className="button primary" disabled={busy || plan.value.plan.sign.length === 0} onClick={() => void runMigration()}>
            Sign {countOf(plan.value.plan.sign.length, 'tag')}
          </button>
        </>
      )}
      {run?.status === 'running' && <RunningLine progress={run.progress} waiting="Signing…" label="Images signed" onCancel={() => void cancelMigration()} />}
      {run?.status === 'failed' && <ErrorNote error={run.error} title="The migration stopped" />}
      {run?.status === 'done' && <ResultView report={run.value} />}
    </>
  );
}
