// Sign a tag: by a digest the user has, or by the digest the registry serves now. With the registry,
// the digest guard checks again right before signing that the registry still serves exactly what
// the user saw; a tag pushed again meanwhile is refused, not signed.
import { useState } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import type { RegistryDigest, RegistrySource, RepositoryRef } from '../../../../shared/schemas/flows';
import { ErrorNote, Notice, PageHeader, Spinner } from '../../components/common';
import { formatBytes } from '../../components/format';
import { countersign, errorInfoOf } from '../../bridge/client';
import { useAppStore } from '../../store';
import { describeTrust } from '../../../../shared/schemas/trust-status';
import { FlowFinish, RepositoryChooser, StepPanel, Stepper, useFreshView } from '../publish/components';
import { PlanGate, planReady, PlanView, usePlan } from '../publish/PlanReview';

const STEPS = ['Tag and digest', 'Review', 'Sign'];

type Source = { kind: 'registry'; read?: RegistryDigest } | { kind: 'manual' };

interface Draft {
  repository?: RepositoryRef | undefined;
  tag: string;
  source: Source;
  registryUrl: string;
  caPem?: string | undefined;
  digest: string;
  size: string;
  guard: boolean;
}

const EMPTY: Draft = { tag: '', source: { kind: 'registry' }, registryUrl: '', digest: '', size: '', guard: true };

function registrySource(draft: Draft): RegistrySource {
  return { ...(draft.registryUrl.trim() === '' ? {} : { url: draft.registryUrl.trim() }), ...(draft.caPem === undefined ? {} : { caPem: draft.caPem }) };
}

/** The digest and size being signed, or what is missing. */
function chosenDigest(draft: Draft): { digest: string; size: number } | string {
  if (draft.source.kind === 'registry') return draft.source.read === undefined ? 'Read the digest from the registry first.' : { digest: draft.source.read.digest, size: draft.source.read.size };
  if (!/^sha256:[0-9a-f]{64}$/.test(draft.digest.trim())) return 'The digest is "sha256:" and 64 lower-case hex digits.';
  if (!/^\d{1,15}$/.test(draft.size.trim())) return "The size is the manifest's length in bytes.";
  return { digest: draft.digest.trim(), size: Number(draft.size.trim()) };
}

function DigestForm(props: { draft: Draft; update: (patch: Partial<Draft>) => void }) {
  const { draft, update } = props;
  const [reading, setReading] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const host = draft.repository?.gun.split('/')[0];
  const configured = useAppStore((s) => s.settings.value?.registries.find((r) => (r.gunHost ?? new URL(r.url).host) === host));
  const read = async () => {
    if (draft.repository === undefined) return;
    setReading(true);
    setError(undefined);
    try {
      const result = await countersign().sign.readDigest({ ...draft.repository, tag: draft.tag.trim(), registry: registrySource(draft) });
      if (result.ok) update({ source: { kind: 'registry', read: result.value } });
      else setError(result.error);
    } catch (caught) {
      setError(errorInfoOf(caught));
    } finally {
      setReading(false);
    }
  };
  return (
    <div className="choices">
      <label className="choice">
        <input type="radio" name="digest-source" checked={draft.source.kind === 'registry'} onChange={() => update({ source: { kind: 'registry' }, guard: true })} />
        <span>
          <strong>Read the digest from the registry</strong>
          <span className="hint"> — what the registry serves for the tag now.</span>
        </span>
      </label>
      {draft.source.kind !== 'registry' ? null : (
        <div className="facts-card" role="group" aria-label="Registry">
          <p className="small muted">
            {configured === undefined
              ? `No registry is configured for ${host ?? 'this repository'} (Audit, Registries): its address, CA and sign-in are taken from below, docker's certificates and docker's credentials.`
              : `The registry configured for ${host}: ${configured.name} (${configured.url}), with its CA and sign-in — unless you name another below.`}
          </p>
          <div className="field-row">
            <label className="field">
              <span>Registry</span>
              <input className="input" aria-label="Registry URL" placeholder={configured?.url ?? (host === undefined ? 'https://registry.example.com' : `https://${host}`)} value={draft.registryUrl} onChange={(e) => update({ registryUrl: e.target.value, source: { kind: 'registry' } })} />
            </label>
            <label className="field">
              <span>
                Registry CA <span className="hint">(optional)</span>
              </span>
              <input
                className="input"
                type="file"
                aria-label="Registry CA file"
                accept=".crt,.pem,.cer"
                onChange={(e) => void e.target.files?.[0]?.text().then((caPem) => update({ caPem, source: { kind: 'registry' } }))}
              />
            </label>
          </div>
          <div className="step-actions">
            <button type="button" className="button" disabled={draft.repository === undefined || draft.tag.trim() === '' || reading} onClick={() => void read()}>
              Read digest
            </button>
            {reading ? <Spinner label="Asking the registry…" /> : null}
          </div>
          {error === undefined ? null : <ErrorNote error={error} />}
          {draft.source.read === undefined ? null : (
            <dl className="facts compact" data-testid="registry-digest">
              <dt>Digest</dt>
              <dd className="digest-line">{draft.source.read.digest}</dd>
              <dt>Size</dt>
              <dd>
                {draft.source.read.size} bytes ({formatBytes(draft.source.read.size)})
              </dd>
              <dt>Type</dt>
              <dd className="small">{draft.source.read.mediaType}</dd>
              <dt>From</dt>
              <dd className="small">
                {draft.source.read.registry}/{draft.source.read.repository}:{draft.source.read.tag}
                {draft.source.read.registryName === undefined ? '' : ` (${draft.source.read.registryName})`}
              </dd>
            </dl>
          )}
        </div>
      )}
      <label className="choice">
        <input type="radio" name="digest-source" checked={draft.source.kind === 'manual'} onChange={() => update({ source: { kind: 'manual' }, guard: false })} />
        <span>
          <strong>I have the digest</strong>
          <span className="hint"> — e.g. from the build that pushed the image.</span>
        </span>
      </label>
      {draft.source.kind !== 'manual' ? null : (
        <div className="field-row">
          <label className="field">
            <span>Digest</span>
            <input className="input mono" aria-label="Digest" placeholder="sha256:…" value={draft.digest} onChange={(e) => update({ digest: e.target.value })} />
          </label>
          <label className="field small-field">
            <span>Size (bytes)</span>
            <input className="input" aria-label="Size in bytes" inputMode="numeric" value={draft.size} onChange={(e) => update({ size: e.target.value })} />
          </label>
        </div>
      )}
    </div>
  );
}

/** What the repository signs for the tag now, from its verified view. */
function CurrentSignature(props: { repository: RepositoryRef; tag: string; digest: string }) {
  const view = useFreshView(props.repository);
  if (view === undefined || view.status === 'loading') return <Spinner label="Reading what is signed now…" />;
  // An outage or a refused sign-in is titled as what it is, never as data that failed to verify.
  if (view.status === 'error') return <ErrorNote error={view.error} title={describeTrust({ state: 'failed', error: view.error }).label} />;
  const stale = view.value?.stale;
  const staleNote = stale === undefined ? null : (
    <Notice tone="warning">The server could not be reached: this is the last data that verified, from {new Date(stale.since).toLocaleString()}, and may be out of date.</Notice>
  );
  const signed = view.value?.signedTags.find((t) => t.tag === props.tag);
  if (signed === undefined) return <>{staleNote}<p className="muted">{props.tag} is not signed yet.</p></>;
  const same = `sha256:${signed.digest}` === props.digest;
  return <>{staleNote}{same ? (
    <p className="muted">It is signed with this digest already (by {signed.signers.join(', ')}): signing again changes nothing there.</p>
  ) : (
    <Notice tone="warning">
      {props.tag} is signed now with <span className="mono">sha256:{signed.digest.slice(0, 16)}…</span> (by {signed.signers.join(', ')}). Signing replaces it.
    </Notice>
  )}</>;
}

export function SignScreen(props: { preset?: RepositoryRef | undefined }) {
  const [step, setStep] = useState(0);
  const [draft, setDraft] = useState<Draft>({ ...EMPTY, repository: props.preset });
  const runFlow = useAppStore((s) => s.runFlow);
  const clearFlow = useAppStore((s) => s.clearFlow);
  const update = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const chosen = chosenDigest(draft);
  const ready = draft.repository !== undefined && /^[\w][\w.-]{0,127}$/.test(draft.tag.trim()) && typeof chosen !== 'string';
  // Asked for once the user reaches Review: which roles and keys, and what would stop the signing.
  const plan = usePlan(step === 1 ? draft.repository : undefined, step === 1 ? { kind: 'sign', tag: draft.tag.trim(), roles: [] } : undefined);

  const sign = async (earlierStaged?: 'include' | 'leave') => {
    if (draft.repository === undefined || typeof chosen === 'string') return;
    setStep(2);
    await runFlow('sign', (options) =>
      countersign().sign.tag(
        { ...draft.repository!, tag: draft.tag.trim(), ...chosen, ...(draft.guard ? { guard: registrySource(draft) } : {}), ...(earlierStaged === undefined ? {} : { earlierStaged }) },
        options,
      ),
    );
  };
  const again = () => {
    clearFlow('sign');
    setDraft({ ...EMPTY, repository: draft.repository });
    setStep(0);
  };

  return (
    <div className="screen flow-screen">
      <PageHeader title="Sign a tag" subtitle="Sign into the roles docker trust sign would choose: your signer roles, or targets when the repository has none." />
      <Stepper steps={STEPS} current={step} />
      {step !== 0 ? null : (
        <StepPanel
          title="Which tag, which digest?"
          hint="Trust data binds a tag to one manifest digest. Read it from the registry to sign exactly what it serves."
          actions={
            <button type="button" className="button primary" disabled={!ready} onClick={() => setStep(1)}>
              Review
            </button>
          }
        >
          <RepositoryChooser single selected={draft.repository === undefined ? [] : [draft.repository]} onChange={([repository]) => update({ repository, source: { kind: draft.source.kind } as Source })} />
          <label className="field medium-field">
            <span>Tag</span>
            <input className="input" aria-label="Tag" placeholder="v1.2.0" value={draft.tag} onChange={(e) => update({ tag: e.target.value, ...(draft.source.kind === 'registry' ? { source: { kind: 'registry' } } : {}) })} />
          </label>
          <DigestForm draft={draft} update={update} />
          {typeof chosen === 'string' && (draft.source.kind === 'manual' || draft.source.read !== undefined) ? <p className="form-error">{chosen}</p> : null}
        </StepPanel>
      )}
      {step !== 1 || draft.repository === undefined || typeof chosen === 'string' ? null : (
        <StepPanel
          title="Review"
          actions={
            <>
              <button type="button" className="button" onClick={() => setStep(0)}>
                Back
              </button>
              <PlanGate state={plan}>
                <button type="button" className="button primary" disabled={!planReady(plan)} onClick={() => void sign()}>
                  Sign {draft.tag.trim()}
                </button>
              </PlanGate>
            </>
          }
        >
          <dl className="facts" data-testid="sign-review">
            <dt>Repository</dt>
            <dd className="mono">{draft.repository.gun}</dd>
            <dt>Tag</dt>
            <dd className="strong">{draft.tag.trim()}</dd>
            <dt>Digest</dt>
            <dd className="digest-line">{chosen.digest}</dd>
            <dt>Size</dt>
            <dd>{chosen.size} bytes</dd>
          </dl>
          <PlanView repository={draft.repository} state={plan} />
          {plan.status === 'done' && plan.plan.repository !== 'exists' ? null : <CurrentSignature repository={draft.repository} tag={draft.tag.trim()} digest={chosen.digest} />}
          <label className="choice">
            <input type="checkbox" checked={draft.guard} onChange={(e) => update({ guard: e.target.checked })} />
            <span>
              <strong>Digest guard</strong> — right before signing, check that the registry still serves exactly this digest for {draft.tag.trim()}; refuse if the tag was pushed again.
            </span>
          </label>
        </StepPanel>
      )}
      {step !== 2 ? null : <FlowFinish flow="sign" title={`Signing ${draft.tag.trim()}`} againLabel="Sign another tag" onAgain={again} onEarlierStaged={(choice) => void sign(choice)} />}
    </div>
  );
}
