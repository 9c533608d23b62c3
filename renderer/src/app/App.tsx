import { useEffect } from 'react';
import { useAppStore } from '../store';
import { parseRoute } from './routes';
import { Sidebar } from './Sidebar';
import { ScreenView } from './ScreenView';

/** Loads what every screen needs, picks the first screen, and follows the URL hash. */
function useStartup(): void {
  useEffect(() => {
    const { loadInfo, loadSettings, loadStatuses, followRoute, navigate } = useAppStore.getState();
    void (async () => {
      const [info, settings] = await Promise.all([loadInfo(), loadSettings()]);
      // Verify the watch list in the background: with a warm cache that is one small request each.
      void loadStatuses().then(() => {
        if ((settings?.watched.length ?? 0) > 0) void useAppStore.getState().refreshWatched();
      });
      const fromHash = parseRoute(window.location.hash);
      if (fromHash !== undefined) followRoute(fromHash);
      else navigate(info?.firstStart === false ? { screen: 'repositories' } : { screen: 'start' });
    })();
    const onPopState = () => {
      const route = parseRoute(window.location.hash);
      if (route !== undefined) followRoute(route);
    };
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);
}

function useTheme(): void {
  const theme = useAppStore((s) => s.settings.value?.ui.theme ?? 'system');
  const density = useAppStore((s) => s.settings.value?.ui.density ?? 'comfortable');
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
    document.documentElement.dataset['density'] = density;
  }, [theme, density]);
}

export function App() {
  useStartup();
  useTheme();
  return (
    <div className="shell">
      <Sidebar />
      <main className="content" id="content">
        <ScreenView />
      </main>
    </div>
  );
}
