// A running connection check: the step it is at, how long it has waited, when it gives up, and a
// Cancel button.
import { useEffect, useState } from 'react';
import { CONNECTION_CHECK_TIMEOUT_SECONDS } from '../../../../shared/schemas/views';
import { Spinner } from '../../components/common';
import { useAppStore } from '../../store';
import { STEP_LABEL } from './ConnectionReportView';

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
  const waited = Math.min(CONNECTION_CHECK_TIMEOUT_SECONDS, Math.max(0, Math.floor((now - running.startedAt) / 1000)));
  const step = running.step === undefined ? '' : ` ${STEP_LABEL[running.step]}:`;
  return (
    <span className="check-progress" data-testid="check-progress">
      <Spinner label={`Checking…${step} ${waited} s (gives up after ${CONNECTION_CHECK_TIMEOUT_SECONDS} s, ${CONNECTION_CHECK_TIMEOUT_SECONDS - waited} s left)`} />
      <button type="button" className="button quiet" onClick={() => void cancelCheck(props.checkKey)}>
        Cancel check
      </button>
    </span>
  );
}
