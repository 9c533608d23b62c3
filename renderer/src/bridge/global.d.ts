import type { CountersignApi } from '../../../shared/contract';

declare global {
  interface Window {
    /** Exposed by the preload (Electron) or the test host's shim; never anything else. */
    readonly countersign?: CountersignApi;
  }
}
