// The job screens (sign, revoke, delegate, rotate, expiry, staged changes, initialise a repository) and their addresses:
// `#/sign` or `#/sign/<serverId>/<gun>` to open a job with a repository already chosen.
export const FLOW_SCREENS = ['sign', 'revoke', 'delegate', 'rotate', 'expiry', 'publish', 'init'] as const;
export type FlowScreen = (typeof FLOW_SCREENS)[number];

export interface FlowRoute {
  screen: FlowScreen;
  serverId?: string;
  gun?: string;
}

export function isFlowScreen(value: string | undefined): value is FlowScreen {
  return (FLOW_SCREENS as readonly (string | undefined)[]).includes(value);
}

export function formatFlowRoute(route: FlowRoute): string {
  return route.serverId === undefined || route.gun === undefined ? `#/${route.screen}` : `#/${route.screen}/${encodeURIComponent(route.serverId)}/${route.gun}`;
}

export function parseFlowRoute(screen: FlowScreen, rest: readonly string[]): FlowRoute {
  if (rest.length < 2) return { screen };
  const [serverId, ...gun] = rest;
  return { screen, serverId: decodeURIComponent(serverId!), gun: gun.join('/') };
}

/** The sidebar's job entries, in the order people reach for them. */
export const FLOW_NAV: { screen: FlowScreen; label: string }[] = [
  { screen: 'sign', label: 'Sign' },
  { screen: 'delegate', label: 'Delegate' },
  { screen: 'revoke', label: 'Revoke' },
  { screen: 'rotate', label: 'Rotate keys' },
  { screen: 'expiry', label: 'Expiring' },
  { screen: 'publish', label: 'Staged changes' },
];
