import { useAppStore } from '../../store';
import { FLOW_NAV } from './flow-routes';

/** The sidebar's second group: the jobs that change trust data. */
export function JobsNav() {
  const current = useAppStore((s) => s.route.screen);
  const navigate = useAppStore((s) => s.navigate);
  return (
    <div className="nav-group">
      <div className="nav-group-label" id="jobs-label">
        Jobs
      </div>
      <ul aria-labelledby="jobs-label">
        {FLOW_NAV.map((item) => (
          <li key={item.screen}>
            <button
              type="button"
              className={item.screen === current ? 'nav-item active' : 'nav-item'}
              aria-current={item.screen === current ? 'page' : undefined}
              onClick={() => navigate({ screen: item.screen })}
            >
              {item.label}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
