// The one copy button: digests, key IDs and fingerprints are copied whole, whatever the screen shows
// of them. The icon is drawn by CSS so a cell's text stays the value itself.
import { useEffect, useState } from 'react';

async function writeClipboard(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Without clipboard permission (or outside a secure context), the old way still works.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

export function CopyButton(props: { value: string; what: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return undefined;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      className={`copy-button${copied ? ' copied' : ''}`}
      aria-label={copied ? `${props.what} copied` : `Copy ${props.what}`}
      title={copied ? 'Copied' : `Copy ${props.what}`}
      data-copy={props.value}
      onClick={(event) => {
        event.stopPropagation();
        void writeClipboard(props.value).then(() => setCopied(true));
      }}
    />
  );
}
