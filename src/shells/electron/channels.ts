// The closed channel map between the Electron main process and the screens, and the
// check every incoming message passes. No Electron import here: unit-tested on Node.

/** The only IPC channels there are. preload.cts spells the same two names. */
export const CHANNELS = {
  /** main → screens: DownMessage */
  down: 'bridge:down',
  /** screens → main: UpMessage */
  up: 'bridge:up',
} as const;

/** The origin the screens are served from (a custom protocol, never file://). */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://terminal`;

export interface SenderFacts {
  /** The id of the webContents the message came from. */
  senderId: number;
  /** The URL of the frame that sent it; null when the frame is gone. */
  frameUrl: string | null;
  /** Whether that frame is the page's main frame. */
  isMainFrame: boolean;
}

/**
 * Only the kiosk window's own page, in its main frame, served from our protocol, may
 * talk to the engine. Anything else — another window, an iframe, a page the window
 * was somehow navigated to — is ignored.
 */
export function isTrustedSender(facts: SenderFacts, windowWebContentsId: number | null): boolean {
  if (windowWebContentsId === null || facts.senderId !== windowWebContentsId) return false;
  if (!facts.isMainFrame || facts.frameUrl === null) return false;
  try {
    const url = new URL(facts.frameUrl);
    return `${url.protocol}//${url.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}
