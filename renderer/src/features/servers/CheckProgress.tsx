// A running connection check: how long it has waited, when it gives up, and a Cancel button.
import { useEffect, useState } from 'react';
import { CONNECTION_CHECK_TIMEOUT_SECONDS } from '../../../../shared/schemas/views';
import { Spinner } from '../../components/common';
import { useAppStore } from '../../store';

export function CheckProgress(props: { checkKey: string }) {
  const running = useAppStore((s) => s.runningChecks[props.checkKey]);
  const cancelCheck = useAppStore((s) => s.cancelCheck);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (running === undefined) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [running]);
  if (running === undefined) return null;
  const waited = Math.max(0, Math.floor((now - running.startedAt) / 1000));
  return (
    <span className="check-progress" data-testid="check-progress">
      <Spinner label={`Checking… ${waited} s (gives up after ${CONNECTION_CHECK_TIMEOUT_SECONDS} s)`} />
      <button type="button" className="button quiet" onClick={() => void cancelCheck(props.checkKey)}>
        Cancel check
      </button>
    </span>
  );
}
