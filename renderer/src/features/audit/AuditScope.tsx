// What to audit: a registry, the notary server holding its trust data, and every repository in its
// catalog or only some; then the run itself, with its progress and a cancel.
import { useEffect, useMemo, useState } from 'react';
import type { RegistryConfig } from '../../../../shared/schemas/settings';
import { ErrorNote, Spinner } from '../../components/common';
import { useAppStore } from '../../store';
import { RunningLine, ServerOptions } from './parts';

/** Catalogs can list thousands: the chooser shows this many matches and asks for a narrower filter. */
const SHOWN_CHOICES = 200;

function CatalogChooser(props: { registryId: string; chosen: readonly string[]; onChange: (next: string[]) => void }) {
  const catalog = useAppStore((s) => s.catalogs[props.registryId]);
  const loadCatalog = useAppStore((s) => s.loadCatalog);
  const [query, setQuery] = useState('');
  useEffect(() => {
    if (useAppStore.getState().catalogs[props.registryId] === undefined) void loadCatalog(props.registryId);
  }, [props.registryId, loadCatalog]);
  const names = catalog?.value ?? [];
  const matches = useMemo(() => names.filter((name) => name.includes(query.trim().toLowerCase())), [names, query]);
  if (catalog?.status === 'error') return <ErrorNote error={catalog.error} title="The catalog could not be read" />;
  if (catalog === undefined || (catalog.status === 'loading' && catalog.value === undefined)) return <Spinner label="Reading the catalog…" />;
  if (names.length === 0) return <p className="muted">The registry lists no repositories.</p>;
  const toggle = (name: string) => props.onChange(props.chosen.includes(name) ? props.chosen.filter((n) => n !== name) : [...props.chosen, name]);
  return (
    <fieldset className="chooser catalog-chooser">
      <legend>
        Repositories ({props.chosen.length} of {names.length} chosen)
      </legend>
      <input type="search" className="input" placeholder="Filter the catalog" aria-label="Filter the catalog" value={query} onChange={(e) => setQuery(e.target.value)} />
      {matches.slice(0, SHOWN_CHOICES).map((name) => (
        <label key={name} className="chooser-item">
          <input type="checkbox" checked={props.chosen.includes(name)} onChange={() => toggle(name)} />
          <span className="mono">{name}</span>
        </label>
      ))}
      {matches.length > SHOWN_CHOICES ? <p className="muted small">{matches.length - SHOWN_CHOICES} more: narrow the filter.</p> : null}
    </fieldset>
  );
}

function RunProgress() {
  const run = useAppStore((s) => s.auditRun);
  const cancelAudit = useAppStore((s) => s.cancelAudit);
  if (run === undefined) return null;
  if (run.status === 'failed') {
    return run.error.code === 'cancelled' ? (
      <p className="muted" role="status">
        The audit was cancelled; nothing was reported.
      </p>
    ) : (
      <ErrorNote error={run.error} title="The audit could not run" />
    );
  }
  // The catalog is listed first: until then there is nothing to count.
  const progress = run.progress?.phase === 'auditing' ? run.progress : undefined;
  return <RunningLine progress={progress} waiting="Listing the registry's repositories…" label="Repositories audited" onCancel={() => void cancelAudit()} />;
}

export function AuditScope(props: { registries: readonly RegistryConfig[]; onManageRegistries: () => void }) {
  const servers = useAppStore((s) => s.settings.value?.servers ?? []);
  const lastRun = useAppStore((s) => s.auditReport);
  const running = useAppStore((s) => s.auditRun?.status === 'running');
  const runAudit = useAppStore((s) => s.runAudit);
  const [registryId, setRegistryId] = useState(lastRun?.registryId ?? props.registries[0]?.id ?? '');
  const registry = props.registries.find((r) => r.id === registryId) ?? props.registries[0];
  const [serverChoice, setServerChoice] = useState<string | undefined>(lastRun?.serverId);
  // A registry may name a server that was removed since: then the first one is offered instead.
  const ownServer = servers.some((s) => s.id === registry?.serverId) ? registry?.serverId : undefined;
  const serverId = serverChoice ?? ownServer ?? servers[0]?.id ?? '';
  const [scope, setScope] = useState<'catalog' | 'chosen'>('catalog');
  const [chosen, setChosen] = useState<string[]>([]);
  if (registry === undefined) return null;

  const ready = serverId !== '' && (scope === 'catalog' || chosen.length > 0) && !running;
  const start = () =>
    void runAudit({ registryId: registry.id, serverId, ...(scope === 'chosen' ? { repositories: chosen } : {}) });

  return (
    <section className="step-panel" aria-label="What to audit">
      <div className="field-row">
        <label className="field">
          <span>Registry</span>
          <select
            className="input"
            value={registry.id}
            onChange={(e) => {
              setRegistryId(e.target.value);
              setServerChoice(undefined);
              setChosen([]);
            }}
          >
            {props.registries.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} ({new URL(r.url).host})
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Notary server with its trust data</span>
          <select className="input" value={serverId} onChange={(e) => setServerChoice(e.target.value)}>
            {serverId === '' ? <option value="">Choose a server</option> : null}
            <ServerOptions />
          </select>
        </label>
        <button type="button" className="button quiet manage" onClick={props.onManageRegistries}>
          Manage registries
        </button>
      </div>
      <div className="choices scope-choices" role="radiogroup" aria-label="Repositories">
        <label className="choice">
          <input type="radio" name="audit-scope" checked={scope === 'catalog'} onChange={() => setScope('catalog')} />
          <span>Every repository in the registry's catalog</span>
        </label>
        <label className="choice">
          <input type="radio" name="audit-scope" checked={scope === 'chosen'} onChange={() => setScope('chosen')} />
          <span>Only the repositories I choose</span>
        </label>
      </div>
      {scope === 'chosen' ? <CatalogChooser registryId={registry.id} chosen={chosen} onChange={setChosen} /> : null}
      <div className="step-actions">
        <button type="button" className="button primary" disabled={!ready} onClick={start}>
          Run audit
        </button>
        <RunProgress />
      </div>
    </section>
  );
}
