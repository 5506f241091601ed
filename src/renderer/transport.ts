// Carries bridge messages between these screens and the engine: the Electron preload's
// closed channel map when present, else the serve shell's WebSocket, reconnecting on loss.
import type { DownMessage, UpMessage } from '../core/bridge.js';

export interface Transport {
  send(message: UpMessage): void;
}

interface PreloadBridge {
  send(message: unknown): void;
  onMessage(callback: (message: unknown) => void): () => void;
}

declare global {
  interface Window {
    hcpBridge?: PreloadBridge;
  }
}

export function connect(
  onMessage: (m: DownMessage) => void,
  onState: (connected: boolean) => void,
): Transport {
  const ipc = window.hcpBridge;
  if (ipc) {
    ipc.onMessage((m) => onMessage(m as DownMessage));
    onState(true);
    return { send: (message) => ipc.send(message) };
  }
  let socket: WebSocket | null = null;
  let delay = 250;
  // On a terminal whose screens are reachable from the network (ui.token set), the page
  // is opened as /?token=…, and the bridge admits only a connection carrying that token.
  const token = new URLSearchParams(location.search).get('token');
  const bridgeUrl =
    `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge` +
    (token === null ? '' : `?token=${encodeURIComponent(token)}`);
  const open = () => {
    const ws = new WebSocket(bridgeUrl);
    socket = ws;
    ws.onopen = () => {
      delay = 250;
      onState(true);
    };
    ws.onmessage = (e) => {
      try {
        onMessage(JSON.parse(String(e.data)) as DownMessage);
      } catch {
        // A message this screen cannot read changes nothing on it.
      }
    };
    ws.onclose = () => {
      onState(false);
      socket = null;
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 3_000);
    };
  };
  open();
  return {
    send(message) {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    },
  };
}
