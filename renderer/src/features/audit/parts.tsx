// Small pieces the Audit and Evidence screens share.
import { ProgressBar, Spinner } from '../../components/common';
import { useAppStore } from '../../store';

/** The saved notary servers as the options of a select. */
export function ServerOptions() {
  const servers = useAppStore((s) => s.settings.value?.servers ?? []);
  return (
    <>
      {servers.map((s) => (
        <option key={s.id} value={s.id}>
          {s.name}
        </option>
      ))}
    </>
  );
}

/** A long operation in flight: a spinner until it knows how much there is to do, then a bar; and its cancel. */
export function RunningLine(props: { progress: { done: number; total: number } | undefined; waiting: string; label: string; onCancel: () => void }) {
  const { progress } = props;
  return (
    <div className="run-progress">
      {progress === undefined || progress.total === 0 ? <Spinner label={props.waiting} /> : <ProgressBar done={progress.done} total={progress.total} label={props.label} />}
      <button type="button" className="button" onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  );
}
