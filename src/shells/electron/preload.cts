// The screens' only door to the main process. A sandboxed preload cannot require our
// own modules, so the two channel names are spelled here and checked against
// channels.ts by a unit test. ipcRenderer itself is never exposed.
import electron = require('electron');

const DOWN = 'bridge:down';
const UP = 'bridge:up';

electron.contextBridge.exposeInMainWorld('hcpBridge', {
  send(message: unknown): void {
    electron.ipcRenderer.send(UP, message);
  },
  onMessage(callback: (message: unknown) => void): () => void {
    const listener = (_event: unknown, message: unknown) => callback(message);
    electron.ipcRenderer.on(DOWN, listener);
    return () => {
      electron.ipcRenderer.removeListener(DOWN, listener);
    };
  },
});
