// The hall's notices (ui.idleSlides). A folder that gives no notices, or leaves some out,
// is a warning: the idle screen still shows the window and the clerk, only without them.
// No line at all when no folder is configured.

import { listSlides } from '../base/slide-folder.js';
import type { TerminalConfig } from '../config/terminal-config.js';
import { type Finding, ok, warn } from './report.js';

const APPLY = 'then send the terminal SIGHUP or restart it';

export function checkIdleSlides(ui: TerminalConfig['ui']): Finding | null {
  if (ui.idleSlides === null) return null;
  const list = listSlides(ui.idleSlides);
  if (list.folderProblem !== null)
    return warn(
      'idle-slides',
      `ui.idleSlides ${list.folder}: ${list.folderProblem}, so the idle screen shows no notices (create the folder and put the notices in it, or set ui.idleSlides: null)`,
    );
  if (list.slides.length === 0 && list.skipped.length === 0)
    return warn(
      'idle-slides',
      `no PNG, JPEG or WebP images in ${list.folder}, so the idle screen shows no notices (put the hall's notices there, ${APPLY})`,
    );
  if (list.skipped.length > 0)
    return warn(
      'idle-slides',
      `files left out of ${list.folder} (${list.skipped.length}; ${list.slides.length} shown): ${list.skipped.join('; ')} (convert, shrink or remove those files, ${APPLY})`,
    );
  return ok(
    'idle-slides',
    `${list.slides.length} notice(s) in ${list.folder}, ${ui.idleSlideSeconds} s each`,
  );
}
