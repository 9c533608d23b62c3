// Screens are addressed by the URL hash, so reload keeps the place and tests can open a screen directly.
import { formatFlowRoute, isFlowScreen, parseFlowRoute, type FlowRoute } from '../features/publish/flow-routes';

export type Route =
  | FlowRoute
  | { screen: 'start' }
  | { screen: 'servers' }
  | { screen: 'repositories' }
  | { screen: 'repository'; serverId: string; gun: string }
  | { screen: 'cached'; gun: string }
  | { screen: 'keys' }
  | { screen: 'audit' }
  | { screen: 'evidence' }
  | { screen: 'migrate' }
  | { screen: 'settings' };

export type Screen = Route['screen'];

export function formatRoute(route: Route): string {
  switch (route.screen) {
    case 'repository':
      return `#/repositories/${encodeURIComponent(route.serverId)}/${route.gun}`;
    case 'cached':
      return `#/cached/${route.gun}`;
    case 'sign':
    case 'revoke':
    case 'delegate':
    case 'rotate':
    case 'expiry':
    case 'publish':
    case 'init':
      return formatFlowRoute(route);
    default:
      return `#/${route.screen}`;
  }
}

export function parseRoute(hash: string): Route | undefined {
  const [screen, ...rest] = hash.replace(/^#\/?/, '').split('/');
  if (isFlowScreen(screen)) return parseFlowRoute(screen, rest);
  switch (screen) {
    case 'start':
    case 'servers':
    case 'keys':
    case 'audit':
    case 'evidence':
    case 'migrate':
    case 'settings':
      return { screen };
    case 'repositories': {
      if (rest.length < 2) return { screen: 'repositories' };
      const [serverId, ...gun] = rest;
      return { screen: 'repository', serverId: decodeURIComponent(serverId!), gun: gun.join('/') };
    }
    case 'cached':
      return rest.length > 0 ? { screen: 'cached', gun: rest.join('/') } : undefined;
    default:
      return undefined;
  }
}
