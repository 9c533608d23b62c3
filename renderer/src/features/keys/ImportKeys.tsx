// Importing keys one by one. The folder or file is picked in the main process's dialog; the main
// process lists what it holds (IDs, roles, GUNs, encrypted or not, already here) without a
// passphrase; the user ticks keys and types a passphrase per key; each key's outcome is shown. Root
// is unticked by default: leaving it offline is the normal case. Passphrases live only in this form's
// state and the one request that uses them, and are cleared as soon as it is sent.
// The This machine screen uses the same form on docker's own trust dir: that folder is the one the
// main process found, named by an empty source (the renderer never names a path).
import { useState, type FormEvent } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import { explainError } from '../../../../shared/schemas/plain-words';
import type { KeyImportOutcome, KeyImportScan, KeyImportStatus, PickPurpose, ScannedKey } from '../../../../shared/schemas/views';
import { countersign, errorInfoOf } from '../../bridge/client';
import { EmptyState, ErrorNote, KeyId, PassphraseInput, ProgressBar } from '../../components/common';
import { useAppStore } from '../../store';
import { TakeKeyOffline } from '../rotate/KeyFileForms';

interface Row {
  chosen: boolean;
  passphrase: string;
}

/** Whether a scanned key can be imported at all (not unreadable, not already here). */
const importable = (key: ScannedKey) => key.problem === undefined && !key.present;

function initialRows(keys: readonly ScannedKey[]): Record<string, Row> {
  return Object.fromEntries(keys.map((key) => [key.entry, { chosen: importable(key) && key.role !== 'root', passphrase: '' }]));
}

function fileName(path: string): string {
  return path.split(/[\\/]/).at(-1) ?? path;
}

function KeyCell(props: { keyId: string | undefined; file: string }) {
  return (
    <>
      {props.keyId === undefined ? <span className="muted small">ID known once unlocked</span> : <KeyId id={props.keyId} />}
      <div className="muted small import-file" title={props.file}>
        {fileName(props.file)}
      </div>
    </>
  );
}

function RoleCell(props: { role: string | undefined; gun: string | undefined }) {
  return (
    <>
      {props.role ?? <span className="muted">no role named</span>}
      {props.gun === undefined ? null : <div className="muted small">{props.gun}</div>}
    </>
  );
}

function ScanState(props: { scanned: ScannedKey }) {
  const { scanned } = props;
  if (scanned.problem !== undefined) return <span className="expiry-expired small">unreadable ({scanned.problem.code})</span>;
  if (scanned.present) return <span className="muted small">already in the keychain: will be left</span>;
  return scanned.encrypted ? <span className="small">encrypted</span> : <span className="expiry-expired small">not encrypted</span>;
}

const STATUS_WORDS: Record<KeyImportStatus, string> = {
  imported: 'imported',
  skipped: 'skipped',
  'already-present': 'already in the keychain',
  'passphrase-wrong': 'wrong passphrase',
  unreadable: 'unreadable',
};

function Summary(props: { outcomes: readonly KeyImportOutcome[]; onDone: () => void }) {
  const count = (status: KeyImportStatus) => props.outcomes.filter((o) => o.status === status).length;
  const imported = count('imported');
  return (
    <div className="import-summary" data-testid="import-summary">
      <p className={imported > 0 ? 'ok-text' : 'strong'} role="status">
        {imported === 1 ? '1 key imported' : `${imported} keys imported`}
        {(['already-present', 'skipped', 'passphrase-wrong', 'unreadable'] as const)
          .filter((status) => count(status) > 0)
          .map((status) => `, ${count(status)} ${STATUS_WORDS[status]}`)
          .join('')}
        .
      </p>
      <table className="table import-table" aria-label="Import results">
        <thead>
          <tr>
            <th>Key</th>
            <th>Role</th>
            <th>Result</th>
          </tr>
        </thead>
        <tbody>
          {props.outcomes.map((outcome) => (
            <tr key={outcome.entry} data-status={outcome.status}>
              <td>
                <KeyCell keyId={outcome.keyId} file={outcome.file} />
              </td>
              <td>
                <RoleCell role={outcome.role} gun={outcome.gun} />
              </td>
              <td>
                <span className={outcome.status === 'imported' ? 'ok-text strong' : outcome.status === 'passphrase-wrong' || outcome.status === 'unreadable' ? 'expiry-expired strong' : 'strong'}>
                  {STATUS_WORDS[outcome.status]}
                </span>
                {outcome.reason === undefined || outcome.status === 'already-present' ? null : <div className="muted small">{reasonWords(outcome)}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {/* Root brought in for a rotation goes back offline afterwards: offered right here. */}
      {props.outcomes
        .filter((o) => o.status === 'imported' && o.role === 'root' && o.keyId !== undefined)
        .map((o) => (
          <TakeKeyOffline key={o.entry} keyId={o.keyId!} title={`Take root key ${o.keyId!.slice(0, 12)} offline again`} suggestedFile={`root-${o.keyId!.slice(0, 12)}.key`} />
        ))}
      <div className="form-actions">
        <button type="button" className="button" onClick={props.onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

function reasonWords(outcome: KeyImportOutcome): string {
  if (outcome.reason === undefined) return '';
  if (outcome.status === 'skipped') return outcome.reason.code === 'passphrase-required' ? 'No passphrase given: left where it is.' : 'Not ticked: left where it is.';
  const { summary } = explainError(outcome.reason);
  return outcome.status === 'unreadable' ? `${outcome.reason.code}: ${outcome.reason.message}` : summary;
}

export interface ImportKeysProps {
  /** Import from docker's trust dir as the main process found it, instead of a folder or file the user picks. */
  dockerTrustDir?: boolean;
}

export function ImportKeys(props: ImportKeysProps) {
  const scanImport = useAppStore((s) => s.scanImport);
  const importChosen = useAppStore((s) => s.importChosen);
  const progress = useAppStore((s) => s.importProgress);
  const [scan, setScan] = useState<KeyImportScan | undefined>();
  const [rows, setRows] = useState<Record<string, Row>>({});
  const [forAll, setForAll] = useState('');
  const [outcomes, setOutcomes] = useState<KeyImportOutcome[] | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();

  const reset = () => {
    setScan(undefined);
    setRows({});
    setForAll('');
    setOutcomes(undefined);
    setError(undefined);
  };

  /** Lists what the source holds; an empty source is docker's own trust dir. */
  const scanSource = async (source: KeyImportScan['source']) => {
    setBusy(true);
    const result = await scanImport(source);
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setScan(result.value);
    setRows(initialRows(result.value.keys));
  };

  const choose = async (purpose: PickPurpose) => {
    reset();
    try {
      const picked = await countersign().files.choose({ purpose });
      if (!picked.ok) return setError(picked.error);
      if (!picked.value.chosen) return;
      await scanSource(purpose === 'open-trust-dir' ? { dir: picked.value.ref } : { file: picked.value.ref });
    } catch (caught) {
      setBusy(false);
      setError(errorInfoOf(caught));
    }
  };

  const chooseDockerKeys = () => {
    reset();
    void scanSource({});
  };

  const update = (entry: string, change: Partial<Row>) => setRows((current) => ({ ...current, [entry]: { ...current[entry]!, ...change } }));

  /** The convenience: one passphrase into every ticked, encrypted key whose field is still empty. */
  const fillRemaining = () => {
    if (scan === undefined) return;
    setRows((current) => {
      const next = { ...current };
      for (const key of scan.keys) {
        const row = next[key.entry];
        if (row !== undefined && row.chosen && key.encrypted && importable(key) && row.passphrase === '') next[key.entry] = { ...row, passphrase: forAll };
      }
      return next;
    });
    setForAll('');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (scan === undefined) return;
    const keys = scan.keys
      .filter((key) => importable(key) && rows[key.entry]?.chosen === true)
      .map((key) => (key.encrypted ? { entry: key.entry, passphrase: rows[key.entry]!.passphrase } : { entry: key.entry }));
    setBusy(true);
    // The passphrases leave this form's state now; only the request carries them.
    setRows((current) => Object.fromEntries(Object.entries(current).map(([entry, row]) => [entry, { ...row, passphrase: '' }])));
    const result = await importChosen(scan.source, keys);
    setBusy(false);
    if (result.ok) setOutcomes(result.value.outcomes);
    else setError(result.error);
  };

  const choosers = props.dockerTrustDir ? (
    <div className="form-actions">
      <button type="button" className="button primary" disabled={busy} onClick={chooseDockerKeys}>
        Choose keys to move into the keychain…
      </button>
      <span className="hint">Each key gets the passphrase docker trust asked for when it made it; root stays offline unless you tick it.</span>
    </div>
  ) : (
    <div className="form-actions">
      <button type="button" className="button" disabled={busy} onClick={() => void choose('open-trust-dir')}>
        Choose a trust folder…
      </button>
      <button type="button" className="button" disabled={busy} onClick={() => void choose('open-key-file')}>
        Choose a key file…
      </button>
      <span className="hint">~/.docker/trust or ~/.notary (or its private folder), or one exported key file.</span>
    </div>
  );

  if (outcomes !== undefined) return <Summary outcomes={outcomes} onDone={reset} />;
  if (scan === undefined) {
    return (
      <div className="import-keys">
        {choosers}
        {busy ? <p className="muted small">Reading the keys…</p> : null}
        {error === undefined ? null : <ErrorNote error={error} title="The keys could not be read" />}
      </div>
    );
  }
  if (scan.keys.length === 0) {
    return (
      <div className="import-keys">
        <EmptyState title="No keys found" action={choosers}>
          <span className="mono">{scan.location}</span> holds no private key files (docker and notary name them <code>&lt;key ID&gt;.key</code>, in a <code>private</code> folder).
        </EmptyState>
      </div>
    );
  }
  const chosenCount = scan.keys.filter((key) => importable(key) && rows[key.entry]?.chosen === true).length;
  return (
    <form className="import-keys" aria-label="Keys to import" onSubmit={(e) => void submit(e)}>
      <p className="small">
        Found {scan.keys.length === 1 ? 'one key' : `${scan.keys.length} keys`} in <span className="mono">{scan.location}</span>. Tick the keys to import and give each its passphrase; the
        others stay where they are. Root is left out unless you tick it: keep it offline until a rotation needs it.
      </p>
      <table className="table import-table" aria-label="Keys found">
        <thead>
          <tr>
            <th>Import</th>
            <th>Key</th>
            <th>Role</th>
            <th>State</th>
            <th>Passphrase</th>
          </tr>
        </thead>
        <tbody>
          {scan.keys.map((key) => {
            const row = rows[key.entry] ?? { chosen: false, passphrase: '' };
            const name = `${key.role ?? 'key'} ${key.keyId?.slice(0, 12) ?? fileName(key.file)}`;
            return (
              <tr key={key.entry} data-entry={key.entry}>
                <td>
                  <input type="checkbox" aria-label={`Import ${name}`} checked={importable(key) && row.chosen} disabled={!importable(key)} onChange={(e) => update(key.entry, { chosen: e.target.checked })} />
                </td>
                <td>
                  <KeyCell keyId={key.keyId} file={key.file} />
                </td>
                <td>
                  <RoleCell role={key.role} gun={key.gun} />
                </td>
                <td>
                  <ScanState scanned={key} />
                  {key.problem === undefined ? null : <div className="muted small import-file">{key.problem.message}</div>}
                </td>
                <td className="import-passphrase">
                  {importable(key) && key.encrypted ? (
                    row.chosen ? (
                      <PassphraseInput label={`Passphrase of ${name}`} value={row.passphrase} onChange={(passphrase) => update(key.entry, { passphrase })} />
                    ) : (
                      <span className="muted small">left out</span>
                    )
                  ) : (
                    <span className="muted small">{importable(key) ? 'none needed' : '—'}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="inline-form import-for-all" aria-label="Same passphrase for the rest">
        <span className="small">One passphrase for every ticked key still without one:</span>
        <PassphraseInput label="Same passphrase for all remaining" value={forAll} onChange={setForAll} />
        <button type="button" className="button" disabled={forAll === ''} onClick={fillRemaining}>
          Use for the empty ones
        </button>
      </div>
      {progress === undefined || progress.total === 0 ? null : <ProgressBar done={progress.done} total={progress.total} label="Importing keys" />}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy || chosenCount === 0}>
          {chosenCount === 1 ? 'Import 1 key' : `Import ${chosenCount} keys`}
        </button>
        <button type="button" className="button" disabled={busy} onClick={reset}>
          Cancel
        </button>
        <span className="hint">A key whose passphrase does not fit is reported and the others are imported.</span>
      </div>
      {error === undefined ? null : <ErrorNote error={error} title="The keys could not be imported" />}
    </form>
  );
}
