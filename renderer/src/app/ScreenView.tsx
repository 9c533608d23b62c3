import { formatRoute } from './routes';
import { AuditScreen } from '../features/audit/AuditScreen';
import { EvidenceScreen } from '../features/evidence/EvidenceScreen';
import { KeysScreen } from '../features/keys/KeysScreen';
import { MigrateScreen } from '../features/migrate/MigrateScreen';
import { FlowScreenView } from '../features/publish/FlowScreenView';
import { RepositoriesScreen } from '../features/repositories/RepositoriesScreen';
import { RepositoryScreen } from '../features/repository/RepositoryScreen';
import { ServersScreen } from '../features/servers/ServersScreen';
import { SettingsScreen } from '../features/settings/SettingsScreen';
import { StartScreen } from '../features/start/StartScreen';
import { useAppStore } from '../store';
import { ErrorNote } from '../components/common';

export function ScreenView() {
  const route = useAppStore((s) => s.route);
  const settings = useAppStore((s) => s.settings);
  const ready = settings.status !== 'idle' && settings.value !== undefined;
  const runtime = useAppStore((s) => s.info.value?.runtime);
  // Settings that cannot be read are said so, with what to do, never a blank window.
  if (settings.status === 'error' && settings.value === undefined) {
    return (
      <div className="screen">
        <ErrorNote error={settings.error} title="Countersign's settings could not be read" />
      </div>
    );
  }
  if (!ready) return null;
  const screen = (() => {
    switch (route.screen) {
      case 'start':
        return <StartScreen />;
      case 'servers':
        return <ServersScreen />;
      case 'repositories':
        return <RepositoriesScreen />;
      case 'repository':
        return <RepositoryScreen key={`${route.serverId} ${route.gun}`} source={{ serverId: route.serverId, gun: route.gun }} />;
      case 'cached':
        return <RepositoryScreen key={`cache ${route.gun}`} source={{ cached: true, gun: route.gun }} />;
      case 'keys':
        return <KeysScreen />;
      case 'audit':
        return <AuditScreen />;
      case 'evidence':
        return <EvidenceScreen />;
      case 'migrate':
        return <MigrateScreen />;
      case 'settings':
        return <SettingsScreen />;
      case 'sign':
      case 'revoke':
      case 'delegate':
      case 'rotate':
      case 'expiry':
      case 'publish':
      case 'init':
        // A job opened for another repository starts afresh, with that repository chosen.
        return <FlowScreenView key={formatRoute(route)} route={route} />;
    }
  })();
  return (
    <div data-screen={route.screen} data-runtime={runtime}>
      {screen}
    </div>
  );
}
