// Builds the typed `window.countersign` object from the contract over any transport: Electron's
// ipcRenderer in the preload, HTTP + server-sent events in the test host's shim. Only the contract's
// channels become methods; nothing generic (no send(channel), no raw events) is exposed.
import {
  CHANNEL_NAMES,
  type CallEnvelope,
  type ChannelName,
  type CountersignApi,
  type ProgressMessage,
  type Result,
} from '../../shared/contract';

export interface Transport {
  invoke(channel: ChannelName, envelope: CallEnvelope): Promise<unknown>;
  /** Registers the one listener for every progress event sent to this page. */
  onProgress(listener: (message: ProgressMessage) => void): void;
}

interface MethodOptions {
  operationId?: unknown;
  onProgress?: unknown;
}

export function buildApi(transport: Transport): CountersignApi {
  const progressListeners = new Map<string, (event: unknown) => void>();
  transport.onProgress((message) => progressListeners.get(message.operationId)?.(message.event));

  const method = (channel: ChannelName) => async (request: unknown, options?: MethodOptions) => {
    const operationId = typeof options?.operationId === 'string' ? options.operationId : undefined;
    const onProgress = typeof options?.onProgress === 'function' ? (options.onProgress as (event: unknown) => void) : undefined;
    // Only these two fields travel: a caller cannot add anything else to the message.
    const envelope: CallEnvelope = operationId === undefined ? { request } : { request, operationId };
    if (operationId !== undefined && onProgress !== undefined) progressListeners.set(operationId, onProgress);
    try {
      return (await transport.invoke(channel, envelope)) as Result<unknown>;
    } finally {
      if (operationId !== undefined) progressListeners.delete(operationId);
    }
  };

  const api: Record<string, Record<string, unknown>> = {};
  for (const channel of CHANNEL_NAMES) {
    const [domain, name] = channel.split('.') as [string, string];
    api[domain] ??= {};
    api[domain][name] = method(channel);
  }
  for (const group of Object.values(api)) Object.freeze(group);
  // The shape is CountersignApi by construction: one method per contract channel, grouped by domain.
  return Object.freeze(api) as unknown as CountersignApi;
}
