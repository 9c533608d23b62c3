// The security review: which images of a registry are signed, by whom, and whether the registry serves
// what was signed. Set-up first (a notary server, a registry), then scope and run, then the dashboard.
import { useState } from 'react';
import { EmptyState, PageHeader, Section } from '../../components/common';
import { useAppStore } from '../../store';
import { AuditResults } from './AuditResults';
import { AuditScope } from './AuditScope';
import { RegistryCard, RegistryForm } from './Registries';
import './audit.css';

function RegistriesSection(props: { onDone?: () => void; onSaved?: () => void }) {
  const registries = useAppStore((s) => s.settings.value?.registries ?? []);
  const [adding, setAdding] = useState(registries.length === 0);
  return (
    <Section
      title="Registries"
      id="registries"
      hint="Registries the audit reads. A password is kept in the system keychain; without one, docker's own login for the registry is used."
      actions={
        <div className="actions">
          {adding ? null : (
            <button type="button" className="button" onClick={() => setAdding(true)}>
              Add registry
            </button>
          )}
          {props.onDone === undefined ? null : (
            <button type="button" className="button quiet" onClick={props.onDone}>
              Done
            </button>
          )}
        </div>
      }
    >
      <div className="cards">
        {adding || registries.length === 0 ? (
          <RegistryForm
            onSaved={() => {
              setAdding(false);
              props.onSaved?.();
            }}
          />
        ) : null}
        {registries.map((registry) => (
          <RegistryCard key={registry.id} registry={registry} />
        ))}
      </div>
    </Section>
  );
}

export function AuditScreen() {
  const servers = useAppStore((s) => s.settings.value?.servers ?? []);
  const registries = useAppStore((s) => s.settings.value?.registries ?? []);
  const run = useAppStore((s) => s.auditReport);
  const running = useAppStore((s) => s.auditRun?.status === 'running');
  const navigate = useAppStore((s) => s.navigate);
  const [managing, setManaging] = useState(false);

  const header = <PageHeader title="Audit" subtitle="Which images a registry serves are signed, by whom, and whether each is still the image that was signed." />;

  if (servers.length === 0) {
    return (
      <div className="screen">
        {header}
        <EmptyState
          title="No notary server yet"
          action={
            <button type="button" className="button primary" onClick={() => navigate({ screen: 'servers' })}>
              Add a notary server
            </button>
          }
        >
          The audit compares a registry with the trust data on a notary server. Add the server your team signs with first.
        </EmptyState>
      </div>
    );
  }

  if (registries.length === 0) {
    return (
      <div className="screen">
        {header}
        <EmptyState title="No registry to review yet">Add the registry whose images you want to check; Countersign only reads from it.</EmptyState>
        {/* The new registry's card stays in view: its password may be next. */}
        <RegistriesSection onSaved={() => setManaging(true)} />
      </div>
    );
  }

  return (
    <div className="screen audit-screen">
      {header}
      <AuditScope registries={registries} onManageRegistries={() => setManaging(!managing)} />
      {managing ? <RegistriesSection onDone={() => setManaging(false)} /> : null}
      {run === undefined ? (
        running ? null : (
          <EmptyState title="No audit yet">
            Run the audit to see how much of the registry is signed, which tags are not, and where the registry serves another image than the
            one signed.
          </EmptyState>
        )
      ) : run.report.repositories.length === 0 ? (
        <EmptyState title="Nothing to review">The registry at {new URL(run.report.registry).host} lists no repositories.</EmptyState>
      ) : (
        // While another audit runs, the last report stays readable but steps back.
        <div className={running ? 'audit-results superseded' : 'audit-results'} data-testid="audit-report" data-report-id={run.reportId}>
          <AuditResults key={run.reportId} run={run} />
        </div>
      )}
    </div>
  );
}
