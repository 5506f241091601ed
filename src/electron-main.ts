// The Electron app's entry (package.json "main"): a technician's command line, or the kiosk.
import { app } from 'electron';
import { isCliInvocation } from './commands/usage.js';
import { registerAppScheme } from './shells/electron/app-protocol.js';
import { runKiosk } from './shells/electron/kiosk.js';

// The packaged app cannot run as plain Node (the RunAsNode fuse is off), so the
// technicians' commands run here: `haochaping-terminal doctor`, `hall …` work on an
// installed terminal too. They open no window and take no instance lock, and the command
// table (doctor, hall, report, the relay) is loaded only for such a command line.
const args = process.argv.slice(app.isPackaged ? 1 : 2);
if (isCliInvocation(args)) {
  void import('./commands/all.js').then((commands) => commands.main(args)).then((code) => app.exit(code));
} else if (!app.requestSingleInstanceLock()) {
  // A second start (a double click, an autostart race) leaves the running terminal alone.
  app.quit();
} else {
  registerAppScheme();
  void app.whenReady().then(runKiosk);
}
