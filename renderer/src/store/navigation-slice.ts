import { formatRoute, type Route } from '../app/routes';
import type { Slice } from './types';

export interface NavigationSlice {
  route: Route;
  /** Changes screen and records it in the URL hash (so reload and back keep the place). */
  navigate: (route: Route) => void;
  /** Follows a hash change made by the browser (back/forward). */
  followRoute: (route: Route) => void;
}

export const createNavigationSlice: Slice<NavigationSlice> = (set) => ({
  route: { screen: 'repositories' },
  navigate: (route) => {
    const hash = formatRoute(route);
    if (window.location.hash !== hash) window.history.pushState(null, '', hash);
    set({ route });
  },
  followRoute: (route) => set({ route }),
});
