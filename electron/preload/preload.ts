// The sandboxed preload: exposes the one typed object built from the contract, and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { ipcChannel, PROGRESS_CHANNEL, type ProgressMessage } from '../../shared/contract';
import { buildApi } from './api-builder';

const api = buildApi({
  invoke: (channel, envelope) => ipcRenderer.invoke(ipcChannel(channel), envelope),
  onProgress: (listener) => {
    ipcRenderer.on(PROGRESS_CHANNEL, (_event, message: ProgressMessage) => listener(message));
  },
});

contextBridge.exposeInMainWorld('countersign', api);
