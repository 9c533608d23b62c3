// Runs in the page served by the test host, before the app: builds the same typed window.countersign
// the preload builds in Electron, but over HTTP POST (calls) and server-sent events (progress).
import { buildApi } from '../../../electron/preload/api-builder';
import type { ProgressMessage } from '../../../shared/contract';

const session = crypto.randomUUID();
const events = new EventSource(`/__countersign/events?session=${encodeURIComponent(session)}`);
// Progress of the very first operation must not be lost: calls wait until the stream is open.
const ready = new Promise<void>((resolve) => events.addEventListener('open', () => resolve(), { once: true }));
let deliver: ((message: ProgressMessage) => void) | undefined;
events.addEventListener('message', (event: MessageEvent<string>) => deliver?.(JSON.parse(event.data) as ProgressMessage));

const api = buildApi({
  invoke: async (channel, envelope) => {
    await ready;
    const response = await fetch(`/__countersign/ipc/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-countersign-session': session },
      body: JSON.stringify(envelope),
    });
    return response.json();
  },
  onProgress: (listener) => {
    deliver = listener;
  },
});

Object.defineProperty(window, 'countersign', { value: api, writable: false, configurable: false, enumerable: true });
