// Takes ratings as fast as it can through the real engine and store, printing each
// transaction id only after the rating is committed. The crash test kills it with
// SIGKILL at random moments. Usage: crash-child.ts DIR RUN_ID
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { Terminal } from '../../src/engine/terminal.js';
import { RatingStore } from '../../src/store/store.js';
import { coreConfig, request } from '../helpers/core-fixture.js';

const [dir, runId] = process.argv.slice(2) as [string, string];
const terminal = new Terminal({
  config: coreConfig({ mode: 'kiosk' }),
  openStore: () => RatingStore.open({ path: join(dir, 'terminal.db'), keyFile: join(dir, 'terminal.key') }),
});
terminal.start();
writeSync(1, 'ready\n');

for (let n = 0; ; n++) {
  const transactionId = `C-${runId}-${n}`;
  const opened = terminal.openPrompt(request({ transactionId }), { replace: true });
  if (!opened.ok) throw new Error(`open refused: ${opened.code}`);
  if (n % 3 === 2) {
    // A 差评 with a reason: committed only once submitted.
    terminal.intent({ type: 'rate', level: 2 });
    terminal.intent({ type: 'toggle_reason', code: '207' });
    terminal.intent({ type: 'submit_reasons' });
  } else {
    terminal.intent({ type: 'rate', level: 5 });
  }
  const prompt = terminal.getPrompt(opened.promptId as string);
  if (prompt?.status !== 'rated' || !prompt.records.every((r) => r.final)) throw new Error('rating not kept');
  writeSync(1, `committed ${transactionId}\n`);
}
