// Every FAIL and warn line doctor can print is explained in docs/troubleshooting.md: the
// fixed wording of each (read from src/doctor by the TypeScript parser) is on the page.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { doctorMessages } from './doctor-messages.js';

const page = readFileSync(new URL('../../../docs/troubleshooting.md', import.meta.url), 'utf8');

describe('docs/troubleshooting.md', () => {
  const messages = doctorMessages();

  it('finds the messages in the source (the reader works)', () => {
    expect(messages.filter((m) => m.status === 'FAIL').length).toBeGreaterThan(15);
    expect(messages.filter((m) => m.status === 'warn').length).toBeGreaterThan(8);
  });

  it.each(
    messages
      .filter((m) => m.pieces.length > 0)
      .map((m) => [`${m.status} ${m.part}: ${m.pieces[0]}`, m] as const),
  )('explains %s', (_name, message) => {
    expect(page).toContain(`${message.status.padEnd(4)} ${message.part}: `);
    for (const piece of message.pieces) expect(page, `${message.file}: "${piece}"`).toContain(piece);
  });
});
