// A sign-in password for a saved server or registry: it goes straight to the main process, which keeps
// it in the OS keychain and never sends it back. The field is cleared after.
import { useState, type FormEvent } from 'react';
import type { Result } from '../../../shared/contract';
import type { ErrorInfo } from '../../../shared/errors';
import { ErrorNote, PassphraseInput } from './common';

export function KeychainPasswordForm(props: { name: string; username: string | undefined; save: (password: string) => Promise<Result<unknown>> }) {
  const [password, setPassword] = useState('');
  const [outcome, setOutcome] = useState<{ ok: true } | { ok: false; error: ErrorInfo } | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await props.save(password);
    setPassword('');
    setOutcome(result.ok ? { ok: true } : result);
  };
  return (
    <form className="inline-form" onSubmit={(event) => void submit(event)} aria-label={`Password for ${props.name}`}>
      <PassphraseInput label={`Password of ${props.username ?? ''}`} value={password} onChange={setPassword} />
      <button type="submit" className="button" disabled={password === ''}>
        Save in keychain
      </button>
      {outcome?.ok === true ? <span className="muted small">Saved in the system keychain.</span> : null}
      {outcome?.ok === false ? <ErrorNote error={outcome.error} /> : null}
    </form>
  );
}
