// Revocation: a tag's signature (or every tag's), or a compromised key purged from every delegation of
// the chosen repositories. Both show first what changes — which tags stop being trusted — and the key
// flow lets the tags that should stay trusted be signed again in the same publish.
import { useEffect, useMemo, useState } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import { waitingForEarlierStaged, withRetried } from '../../../../shared/earlier-staged';
import type { FlowSummary, KeyRevocationPreview, RepositoryRef, RevocationPreview } from '../../../../shared/schemas/flows';
import { ErrorNote, KeyId, Notice, PageHeader, Spinner } from '../../components/common';
import { SearchPicker } from '../../components/SearchPicker';
import { shortId } from '../../components/format';
import { viewKey } from '../../store/repositories-slice';
import { knownKeys, resolveKeyId, type KeyIdResolution, type KnownKey } from './key-id-input';
import { countersign, errorInfoOf } from '../../bridge/client';
import { useAppStore } from '../../store';
import { FlowFinish, FlowRunPanel, RepositoryChooser, StepPanel, Stepper, useFlowResult, useFreshView } from '../publish/components';
import { PlanGate, planReady, PlanView, usePlan } from '../publish/PlanReview';
import type { FlowRun } from '../publish/flow-slice';

const ALL_TAGS = '*';
const refKey = (ref: RepositoryRef) => `${ref.serverId} ${ref.gun}`;
const finishedSummary = (run: FlowRun<FlowSummary> | undefined): FlowSummary | undefined => (run?.status === 'done' ? run.value : undefined);

function TagChooser(props: { repository: RepositoryRef; tag: string; onChange: (tag: string) => void }) {
  const view = useFreshView(props.repository);
  const signedTags = view?.value?.signedTags;
  const options = useMemo(
    () => [{ value: ALL_TAGS, label: 'Every tag of this repository' }, ...(signedTags ?? []).map((t) => ({ value: t.tag, label: t.tag, detail: `signed by ${t.signers.join(', ')}` }))],
    [signedTags],
  );
  if (view?.value === undefined) return view?.status === 'error' ? <ErrorNote error={view.error} /> : <Spinner label="Reading the signed tags…" />;
  return (
    <div className="field">
      <span>Tag</span>
      <SearchPicker label="Tag to revoke" options={options} value={props.tag} onChange={props.onChange} placeholder="Search the signed tags" />
    </div>
  );
}

function RevocationPreviewView(props: { preview: RevocationPreview }) {
  const { preview } = props;
  return (
    <div className="choices" data-testid="revocation-preview">
      <div>
        <h3>Signatures removed</h3>
        <ul className="outcome-changes">
          {preview.removable.map(({ role, tags }) => (
            <li key={role}>
              <span className="mono">{role}</span>: {tags.length === 1 ? tags[0] : `${tags.length} tags`}
            </li>
          ))}
        </ul>
      </div>
      {preview.unsigned.length === 0 ? (
        <p className="muted">docker trust keeps showing the tag as signed: another role still signs it.</p>
      ) : (
        <Notice tone="warning">
          {preview.unsigned.length === 1
            ? `docker trust will no longer show ${preview.unsigned[0]} as signed, and docker pull with content trust will refuse it.`
            : `docker trust will no longer show these ${preview.unsigned.length} tags as signed, and docker pull with content trust will refuse them: ${preview.unsigned.join(', ')}.`}
        </Notice>
      )}
      {preview.kept.map(({ role, tags }) => (
        <Notice key={role} tone="warning">
          <span className="mono">{role}</span> keeps signing {tags.length === 1 ? tags[0] : `${tags.length} tags`}: the keychain holds none of its keys.
        </Notice>
      ))}
      {preview.alreadyStaged === 0 ? null : <Notice>{preview.alreadyStaged} change(s) already staged for this repository are published with the revocation.</Notice>}
    </div>
  );
}

function TagRevocation(props: { preset?: RepositoryRef | undefined }) {
  const [step, setStep] = useState(0);
  const [repository, setRepository] = useState<RepositoryRef | undefined>(props.preset);
  const [tag, setTag] = useState('');
  const [preview, setPreview] = useState<RevocationPreview | undefined>();
  const [error, setError] = useState<ErrorInfo | undefined>();
  const [confirmText, setConfirmText] = useState('');
  const runFlow = useAppStore((s) => s.runFlow);
  const clearFlow = useAppStore((s) => s.clearFlow);
  const all = tag === ALL_TAGS;
  const plan = usePlan(step === 1 ? repository : undefined, step === 1 ? { kind: 'revoke', ...(all ? {} : { tag }) } : undefined);

  const review = async () => {
    if (repository === undefined) return;
    setError(undefined);
    try {
      const result = await countersign().revoke.preview({ ...repository, ...(all ? {} : { tag }) });
      if (!result.ok) return setError(result.error);
      setPreview(result.value);
      setStep(1);
    } catch (caught) {
      setError(errorInfoOf(caught));
    }
  };
  const revoke = async (earlierStaged?: 'include' | 'leave') => {
    if (repository === undefined) return;
    setStep(2);
    await runFlow('revokeTags', (options) => countersign().revoke.tags({ ...repository, ...(all ? { confirmAll: true } : { tag }), ...(earlierStaged === undefined ? {} : { earlierStaged }) }, options));
  };

  return (
    <>
      <Stepper steps={['Choose', 'Preview', 'Revoke']} current={step} />
      {step !== 0 ? null : (
        <StepPanel
          title="Which signature?"
          hint="Revoking removes the tag from every role whose key is in this keychain, as docker trust revoke does — and from targets too, so it does not stay trusted there."
          actions={
            <button type="button" className="button primary" disabled={repository === undefined || tag === ''} onClick={() => void review()}>
              Preview
            </button>
          }
        >
          <RepositoryChooser single selected={repository === undefined ? [] : [repository]} onChange={([next]) => (setRepository(next), setTag(''))} />
          {repository === undefined ? null : <TagChooser repository={repository} tag={tag} onChange={setTag} />}
          {error === undefined ? null : <ErrorNote error={error} />}
        </StepPanel>
      )}
      {step !== 1 || preview === undefined || repository === undefined ? null : (
        <StepPanel
          title={all ? `Revoke every tag of ${repository.gun}` : `Revoke ${tag}`}
          actions={
            <>
              <button type="button" className="button" onClick={() => setStep(0)}>
                Back
              </button>
              <PlanGate state={plan}>
                <button type="button" className="button danger" disabled={!planReady(plan) || (all && confirmText.trim() !== repository.gun)} onClick={() => void revoke()}>
                  {all ? 'Revoke every tag' : `Revoke ${tag}`}
                </button>
              </PlanGate>
            </>
          }
        >
          <RevocationPreviewView preview={preview} />
          <PlanView repository={repository} state={plan} />
          {!all ? null : (
            <label className="field medium-field">
              <span>Type the repository name to confirm</span>
              <input className="input mono" aria-label="Repository name to confirm" value={confirmText} onChange={(e) => setConfirmText(e.target.value)} placeholder={repository.gun} />
            </label>
          )}
        </StepPanel>
      )}
      {step !== 2 ? null : <FlowFinish flow="revokeTags" title="Revoking" againLabel="Revoke another" onAgain={() => (clearFlow('revokeTags'), setStep(0), setTag(''), setConfirmText(''))} onEarlierStaged={(choice) => void revoke(choice)} />}
    </>
  );
}

/** The keys the chosen repositories' signers use (their views are read if not yet), and the keychain's. */
function useKnownKeys(repositories: readonly RepositoryRef[]): KnownKey[] {
  const views = useAppStore((s) => s.views);
  const keys = useAppStore((s) => s.keys.value);
  const { openRepository, loadKeys } = useAppStore.getState();
  useEffect(() => {
    if (useAppStore.getState().keys.value === undefined) void loadKeys();
    for (const repository of repositories) if (useAppStore.getState().views[viewKey(repository)] === undefined) void openRepository(repository);
  }, [repositories]);
  return useMemo(() => {
    const sources: { id: string; name: string }[] = [];
    for (const repository of repositories) {
      const view = views[viewKey(repository)]?.value;
      for (const signer of view?.signers ?? []) for (const keyId of signer.keyIds) sources.push({ id: keyId, name: `signer ${signer.name}` });
    }
    for (const key of keys ?? []) sources.push({ id: key.id, name: `${key.role} key in this keychain` });
    return knownKeys(sources);
  }, [repositories, views, keys]);
}

function KeyIdFeedback(props: { resolution: KeyIdResolution }) {
  const { resolution } = props;
  switch (resolution.kind) {
    case 'empty':
      return null;
    case 'resolved':
      return (
        <p className="ok-text small" data-testid="key-id-resolved">
          Key <code>{resolution.id}</code>
          {resolution.key === undefined ? '' : ` (${resolution.key.names.join(', ')})`}
        </p>
      );
    case 'ambiguous':
      return <p className="form-error">{resolution.matches.length} keys start with that: give more of the ID, or pick one below.</p>;
    case 'unknown':
    case 'invalid':
      return <p className="form-error">{resolution.message}</p>;
  }
}

/** The known keys as a list to pick from, so nobody has to type an ID at all. */
function KnownKeyList(props: { keys: readonly KnownKey[]; selected: string; onPick: (id: string) => void }) {
  if (props.keys.length === 0) return null;
  return (
    <fieldset className="choices known-keys">
      <legend className="small strong">Or pick the key</legend>
      {props.keys.map((key) => (
        <label key={key.id} className="choice">
          <input type="radio" name="compromised-key" checked={props.selected === key.id} onChange={() => props.onPick(key.id)} aria-label={`Key ${shortId(key.id)}`} />
          <span>
            <KeyId id={key.id} /> <span className="small muted">{key.names.join(', ')}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

interface ResignChoice {
  role: string;
  tags: string[];
}

function KeyPreviewRepository(props: { preview: KeyRevocationPreview; choice: ResignChoice | undefined; onChoice: (choice: ResignChoice | undefined) => void }) {
  const { preview, choice } = props;
  const resignable = preview.resignRoles.length > 0;
  const toggle = (tag: string, on: boolean) => {
    const role = choice?.role ?? preview.resignRoles[0]!;
    const tags = on ? [...(choice?.tags ?? []), tag] : (choice?.tags ?? []).filter((t) => t !== tag);
    props.onChoice({ role, tags });
  };
  return (
    <article className={`outcome ${preview.error ? 'outcome-failed' : preview.roles.length === 0 ? 'outcome-unchanged' : preview.losing.length > 0 ? 'outcome-warning' : ''}`} aria-label={preview.gun}>
      <div className="outcome-head">
        <span className="mono strong">{preview.gun}</span>
        {preview.roles.length === 0 && preview.error === undefined ? <span className="muted small">no delegation lists this key</span> : null}
      </div>
      {preview.error === undefined ? null : <ErrorNote error={preview.error} />}
      {preview.roles.length === 0 ? null : (
        <ul className="outcome-changes">
          {preview.roles.map((r) => (
            <li key={r.role}>
              <span className="mono">{r.role}</span>:{' '}
              {r.action === 'remove-role'
                ? 'removed — the key is its only key'
                : r.resigned
                  ? 'the key is removed; re-signed with its remaining keys, its tags stay trusted'
                  : preview.losing.some((t) => t.roles.includes(r.role))
                    ? 'the key is removed; what it signed no longer counts until a remaining signer signs it again'
                    : 'the key is removed; its other keys still carry it'}
            </li>
          ))}
        </ul>
      )}
      {preview.losing.length === 0 ? (
        preview.roles.length === 0 ? null : <p className="ok-text small">No tag loses its valid signatures.</p>
      ) : (
        <div className="facts-card">
          <p className="warn-text">
            {preview.losing.length} tag{preview.losing.length === 1 ? '' : 's'} lose{preview.losing.length === 1 ? 's' : ''} {preview.losing.length === 1 ? 'its' : 'their'} valid signatures.
          </p>
          {resignable ? (
            <>
              <p className="hint">
                None is ticked: tick only the tags that should stay trusted (not one revoked on purpose). They are signed again, with the same digests, in the same publish.
              </p>
              <label className="field medium-field">
                <span>Sign them again into</span>
                <select className="input" aria-label={`Role to sign again into for ${preview.gun}`} value={choice?.role ?? preview.resignRoles[0]} onChange={(e) => props.onChoice({ role: e.target.value, tags: choice?.tags ?? [] })}>
                  {preview.resignRoles.map((role) => (
                    <option key={role} value={role}>
                      {role}
                    </option>
                  ))}
                </select>
              </label>
            </>
          ) : (
            <p className="hint">The keychain holds no key that could sign them again: they stay untrusted until someone signs them.</p>
          )}
          <ul className="choices" aria-label={`Tags losing their signatures in ${preview.gun}`}>
            {preview.losing.map((t) => (
              <li key={t.tag} className="choice">
                <input type="checkbox" aria-label={`Keep ${t.tag} trusted`} disabled={!resignable} checked={choice?.tags.includes(t.tag) ?? false} onChange={(e) => toggle(t.tag, e.target.checked)} />
                <span>
                  <strong>{t.tag}</strong> <span className="mono small muted">sha256:{t.digest.slice(0, 16)}…</span> <span className="small muted">in {t.roles.join(', ')}</span>
                  {choice?.tags.includes(t.tag) === true ? (
                    <span className="small ok-text"> — re-trusted: signed again into {choice.role} with its key in this keychain</span>
                  ) : (
                    <span className="small muted"> — stays untrusted</span>
                  )}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </article>
  );
}

function KeyRevocation() {
  const [step, setStep] = useState(0);
  const [keyId, setKeyId] = useState('');
  const [repositories, setRepositories] = useState<RepositoryRef[]>([]);
  const [choices, setChoices] = useState<Record<string, ResignChoice | undefined>>({});
  const runFlow = useAppStore((s) => s.runFlow);
  const clearFlow = useAppStore((s) => s.clearFlow);
  const previews = useFlowResult('revokeKeyPreview');
  const known = useKnownKeys(repositories);
  const resolution = resolveKeyId(keyId, known);
  const id = resolution.kind === 'resolved' ? resolution.id : '';
  const validId = resolution.kind === 'resolved';
  const affected = (previews ?? []).filter((p) => p.roles.length > 0);

  const preview = async () => {
    setStep(1);
    const result = await runFlow('revokeKeyPreview', (options) => countersign().revoke.keyPreview({ keyId: id, repositories }, options));
    if (result.ok) {
      // Nothing is signed again unless the user ticks it: a tag revoked on purpose (perhaps minutes ago)
      // must not come back by default after a compromise.
      setChoices(Object.fromEntries(result.value.filter((p) => p.resignRoles.length > 0 && p.losing.length > 0).map((p) => [refKey(p), { role: p.resignRoles[0]!, tags: [] }])));
    }
  };
  const revoke = async (earlierStaged?: 'include' | 'leave') => {
    setStep(2);
    // Answering about earlier staged changes runs again only where they were waiting: the other
    // repositories are done, and their outcomes stay as they were.
    const before = earlierStaged === undefined ? undefined : finishedSummary(useAppStore.getState().flowRuns.revokeKey);
    const waiting = before === undefined ? undefined : waitingForEarlierStaged(before).map(refKey);
    const targets = affected
      .filter((ref) => waiting === undefined || waiting.includes(refKey(ref)))
      .map(({ gun, serverId }) => {
        const choice = choices[refKey({ gun, serverId })];
        return choice === undefined || choice.tags.length === 0 ? { gun, serverId } : { gun, serverId, resign: choice };
      });
    await runFlow('revokeKey', async (options) => {
      const result = await countersign().revoke.key({ keyId: id, repositories: targets, ...(earlierStaged === undefined ? {} : { earlierStaged }) }, options);
      return result.ok && before !== undefined ? { ok: true, value: withRetried(before, result.value) } : result;
    });
  };
  const restart = () => {
    clearFlow('revokeKeyPreview');
    clearFlow('revokeKey');
    setStep(0);
  };

  return (
    <>
      <Stepper steps={['Key and repositories', 'What changes', 'Revoke']} current={step} />
      {step !== 0 ? null : (
        <StepPanel
          title="Which key was compromised?"
          hint="The key is removed from every delegation that lists it in the chosen repositories. You see first which tags lose their valid signatures."
          actions={
            <button type="button" className="button primary" disabled={!validId || repositories.length === 0} onClick={() => void preview()}>
              Show what changes
            </button>
          }
        >
          <RepositoryChooser selected={repositories} onChange={setRepositories} />
          <label className="field">
            <span>
              Key ID <span className="hint">(the 12 characters shown everywhere, as docker trust inspect shows them, or all 64)</span>
            </span>
            <input className="input mono" aria-label="Compromised key ID" value={keyId} onChange={(e) => setKeyId(e.target.value)} placeholder="e.g. 3f2a9c0b7d1e" />
          </label>
          <KeyIdFeedback resolution={resolution} />
          <KnownKeyList keys={known} selected={id} onPick={setKeyId} />
        </StepPanel>
      )}
      {step !== 1 ? null : (
        <>
          <FlowRunPanel flow="revokeKeyPreview" title="Looking for the key" />
          {previews === undefined ? null : (
            <StepPanel
              title="What changes"
              label="What changes"
              actions={
                <>
                  <button type="button" className="button" onClick={restart}>
                    Back
                  </button>
                  <button type="button" className="button danger" disabled={affected.length === 0} onClick={() => void revoke()}>
                    Remove the key from {affected.length} {affected.length === 1 ? 'repository' : 'repositories'}
                  </button>
                </>
              }
            >
              {previews.map((p) => (
                <KeyPreviewRepository key={`${p.serverId} ${p.gun}`} preview={p} choice={choices[refKey(p)]} onChoice={(choice) => setChoices((c) => ({ ...c, [refKey(p)]: choice }))} />
              ))}
            </StepPanel>
          )}
        </>
      )}
      {step !== 2 ? null : <FlowFinish flow="revokeKey" title="Removing the key" againLabel="Start again" onAgain={restart} onEarlierStaged={(choice) => void revoke(choice)} />}
    </>
  );
}

export function RevokeScreen(props: { preset?: RepositoryRef | undefined }) {
  const [tab, setTab] = useState<'tag' | 'key'>('tag');
  return (
    <div className="screen flow-screen">
      <PageHeader title="Revoke" subtitle="Withdraw a tag's signature, or stop trusting a key that was lost or leaked." />
      <div className="tabs" role="tablist">
        <button type="button" role="tab" className="tab" aria-selected={tab === 'tag'} onClick={() => setTab('tag')}>
          A tag
        </button>
        <button type="button" role="tab" className="tab" aria-selected={tab === 'key'} onClick={() => setTab('key')}>
          A compromised key
        </button>
      </div>
      {tab === 'tag' ? <TagRevocation preset={props.preset} /> : <KeyRevocation />}
    </div>
  );
}
