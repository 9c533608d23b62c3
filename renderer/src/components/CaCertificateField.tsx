// The CA bundle a server or registry is trusted by, chosen as a file or pasted. Only needed when its
// certificate comes from a private CA; the main process checks it holds certificates and no key.
import { useState, type ChangeEvent } from 'react';

export function CaCertificateField(props: { value: string; onChange: (pem: string) => void; what: 'server' | 'registry'; label?: string; rows?: number }) {
  const [fileName, setFileName] = useState<string | undefined>();
  const label = props.label ?? 'CA certificate';
  const read = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file === undefined) return;
    setFileName(file.name);
    props.onChange(await file.text());
  };
  return (
    <div className="field">
      <span>CA certificate (PEM)</span>
      <p className="hint">Only needed when the {props.what}'s certificate comes from your own CA.</p>
      <div className="file-row">
        <label className="button">
          Choose file…
          <input type="file" accept=".crt,.pem,.cer" className="visually-hidden" aria-label={`${label} file`} onChange={(e) => void read(e)} />
        </label>
        <span className="muted small">{fileName ?? (props.value === '' ? 'no CA chosen' : 'pasted')}</span>
      </div>
      <textarea
        className="input mono"
        rows={props.rows ?? 3}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        placeholder="…or paste -----BEGIN CERTIFICATE----- …"
        aria-label={`${label} PEM`}
      />
    </div>
  );
}
