// The pinned root, as a person checks it out of band: on first use a notice with each root key's
// certificate fingerprint, subject and validity (as SSH and GPG ask before trusting a key); later a
// plain "pinned" line; after a root rotation, the old root beside the new and who signed the change.
import type { RootFacts, RootKeyFacts, TrustAnchorView } from '../../../../shared/domain';
import { CopyButton } from '../../components/CopyButton';
import { KeyId } from '../../components/common';
import { formatDate, formatDateTime } from '../../components/format';

/** The certificate ID (what root.json lists) and the canonical ID (what the Keys screen shows), linked. */
function RootKey(props: { facts: RootKeyFacts }) {
  const { facts } = props;
  return (
    <dl className="facts compact root-key" data-testid="root-key">
      {facts.fingerprint === undefined ? null : (
        <>
          <dt>Fingerprint (SHA-256)</dt>
          <dd className="copyable">
            <code className="fingerprint" data-testid="root-fingerprint">
              {facts.fingerprint}
            </code>
            <CopyButton value={facts.fingerprint} what="fingerprint" />
          </dd>
        </>
      )}
      {facts.subject === undefined ? null : (
        <>
          <dt>Certificate subject</dt>
          <dd>{facts.subject}</dd>
        </>
      )}
      {facts.notBefore === undefined || facts.notAfter === undefined ? null : (
        <>
          <dt>Valid</dt>
          <dd>
            {formatDate(facts.notBefore)} to {formatDate(facts.notAfter)}
          </dd>
        </>
      )}
      <dt>Certificate ID</dt>
      <dd>
        <KeyId id={facts.id} />
      </dd>
      {facts.canonicalId === undefined || facts.canonicalId === facts.id ? null : (
        <>
          <dt>Key ID</dt>
          <dd>
            <KeyId id={facts.canonicalId} /> <span className="muted small">the same key, as the Keys screen and key files name it</span>
          </dd>
        </>
      )}
    </dl>
  );
}

function RootKeys(props: { root: RootFacts }) {
  return (
    <div className="root-keys">
      <p className="muted small">
        Root version {props.root.version}, {props.root.threshold} of {props.root.keys.length} key{props.root.keys.length === 1 ? '' : 's'} must sign
      </p>
      {props.root.keys.map((key) => (
        <RootKey key={key.id} facts={key} />
      ))}
    </div>
  );
}

function RootChange(props: { change: NonNullable<TrustAnchorView['change']>; root: RootFacts; onAcknowledge: () => void }) {
  const { change } = props;
  const byOld = change.signedBy.filter((s) => s.of !== 'new root');
  return (
    <div className="note note-tone-warn" role="status" data-testid="root-change">
      <p className="note-title">The root keys changed on {formatDateTime(change.at)}</p>
      <p>
        {byOld.length > 0
          ? 'The new root is signed by the root you trusted before, so Countersign follows it. Check with the owners that they rotated it.'
          : 'The new root was accepted through intermediate versions signed by the root you trusted.'}
      </p>
      <div className="columns">
        <div>
          <h3 className="small">Before (version {change.from.version})</h3>
          <RootKeys root={change.from} />
        </div>
        <div>
          <h3 className="small">Now (version {props.root.version})</h3>
          <RootKeys root={props.root} />
        </div>
      </div>
      <p>
        <span className="strong">Signed by:</span>{' '}
        {change.signedBy.map((s) => (
          <span key={s.keyId} className="signed-by">
            <KeyId id={s.keyId} /> <span className="muted small">({s.of})</span>{' '}
          </span>
        ))}
      </p>
      <div>
        <button type="button" className="button" onClick={props.onAcknowledge}>
          I have checked the change
        </button>
      </div>
    </div>
  );
}

export function TrustAnchor(props: { anchor: TrustAnchorView; onAcknowledge: () => void }) {
  const { anchor } = props;
  const firstUse = anchor.pinnedBy === 'first-use' && !anchor.acknowledged;
  return (
    <div className="trust-anchor" data-testid="trust-anchor">
      {firstUse ? (
        <div className="note note-info" role="status" data-testid="first-use">
          <p className="note-title">{anchor.firstUse ? 'First use: this root is now pinned' : 'Pinned on first use, not compared yet'}</p>
          <p>
            Countersign trusted this repository’s root the first time it read it{anchor.pinnedAt === undefined ? '' : ` (${formatDateTime(anchor.pinnedAt)})`}, and from now on
            accepts only roots it signs. Compare the fingerprint below with the repository’s owners, by a channel other than this server, before you rely on it.
          </p>
          <RootKeys root={anchor.root} />
          <div>
            <button type="button" className="button primary" onClick={props.onAcknowledge}>
              I compared it: keep it pinned
            </button>
          </div>
        </div>
      ) : (
        <details className="pinned-line" data-testid="pinned">
          <summary>
            <span className="badge badge-tone-ok">Pinned</span>{' '}
            <span className="muted">
              {anchor.pinnedBy === 'configured' ? 'by trust-pinning.json' : 'on first use, compared by you'}
              {anchor.pinnedAt === undefined ? '' : ` since ${formatDateTime(anchor.pinnedAt)}`}
            </span>
          </summary>
          <RootKeys root={anchor.root} />
        </details>
      )}
      {anchor.change === undefined ? null : <RootChange change={anchor.change} root={anchor.root} onAcknowledge={props.onAcknowledge} />}
    </div>
  );
}
