// Wires ipcMain to the router: one handle() per contract channel, each checking the sender first.
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { CHANNEL_NAMES, ipcChannel, PROGRESS_CHANNEL, type Result } from '../../shared/contract';
import type { Router } from '../ipc/router';
import { isTrustedSender } from './app-origin';

const UNTRUSTED: Result<never> = {
  ok: false,
  error: { code: 'invalid-ipc-payload', message: 'IPC from a page that is not Countersign is refused.' },
};

export function connectIpc(router: Router): void {
  const watched = new Set<number>();
  const handle = (channel: string) => async (event: IpcMainInvokeEvent, envelope: unknown) => {
    const frame = event.senderFrame;
    if (!isTrustedSender(frame === null ? null : { url: frame.url, isMainFrame: frame.parent === null })) return UNTRUSTED;
    const contents = event.sender;
    if (!watched.has(contents.id)) {
      watched.add(contents.id);
      contents.once('destroyed', () => {
        watched.delete(contents.id);
        router.cancelSession(String(contents.id));
      });
    }
    return router.dispatch(channel, envelope, {
      session: String(contents.id),
      emitProgress: (message) => {
        if (!contents.isDestroyed()) contents.send(PROGRESS_CHANNEL, message);
      },
    });
  };
  for (const channel of CHANNEL_NAMES) ipcMain.handle(ipcChannel(channel), handle(channel));
}
