import { JobsNav } from '../features/publish/JobsNav';
import { useAppStore } from '../store';
import type { Route, Screen } from './routes';

const ITEMS: { screen: Screen; label: string; route: Route }[] = [
  { screen: 'start', label: 'This machine', route: { screen: 'start' } },
  { screen: 'repositories', label: 'Repositories', route: { screen: 'repositories' } },
  { screen: 'servers', label: 'Servers', route: { screen: 'servers' } },
  { screen: 'keys', label: 'Keys', route: { screen: 'keys' } },
  { screen: 'audit', label: 'Audit', route: { screen: 'audit' } },
  { screen: 'evidence', label: 'Evidence', route: { screen: 'evidence' } },
  { screen: 'settings', label: 'Settings', route: { screen: 'settings' } },
];

/** Detail screens light up the list they belong to. */
function sectionOf(screen: Screen): Screen {
  if (screen === 'repository' || screen === 'init') return 'repositories';
  if (screen === 'cached') return 'start';
  return screen;
}

export function Sidebar() {
  const current = useAppStore((s) => sectionOf(s.route.screen));
  const navigate = useAppStore((s) => s.navigate);
  const version = useAppStore((s) => s.info.value?.version);
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">◆</span>
        <span className="brand-name">Countersign</span>
      </div>
      <ul>
        {ITEMS.map((item) => (
          <li key={item.screen}>
            <button
              type="button"
              className={item.screen === current ? 'nav-item active' : 'nav-item'}
              aria-current={item.screen === current ? 'page' : undefined}
              onClick={() => navigate(item.route)}
            >
              {item.label}
            </button>
          </li>
        ))}
      </ul>
      <JobsNav />
      <div className="sidebar-foot">{version === undefined ? '' : `Version ${version}`}</div>
    </nav>
  );
}
