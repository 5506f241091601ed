// 权益保护: a citizen who consents to 实名评价 hands the terminal their name, id number
// and phone, which must reach the platform and nowhere else in clear. End to end with
// the real serve process: consented ratings (one accepted, one rejected by the
// platform), requests the API refuses, the platform going away and coming back; then
// the process is stopped and every byte under the hall's folder (logs, database, WAL,
// key file, config, anything) is searched for the personal values, in the encodings a
// careless writer could have used.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumForFile } from '../helpers/chromium-per-file.js';
import { waitFor } from '../helpers/cli.js';
import { Hall } from '../helpers/hall.js';

// Fake, but shaped like the real thing so the logger's patterns would match them too.
const NAME = '欧阳测试芳';
const GIVEN_NAME = '测试芳';
const ID_NUMBER = '35052119900101123X';
const PHONE = '13912345678';
const CITIZEN = { name: NAME, idNumber: ID_NUMBER, phone: PHONE, type: 1 };

const browser = chromiumForFile();

const halls: Hall[] = [];
afterEach(async () => {
  for (const h of halls.splice(0)) await h.close();
});

/**
 * GB18030 bytes of `text`, built from the runtime's decoder (no encoder ships with
 * Node, and iconv-lite is not a dependency): every two-byte code is decoded once and
 * the table inverted. null when a character needs a four-byte code.
 */
function gb18030(text: string): Buffer | null {
  const decoder = new TextDecoder('gb18030');
  const table = new Map<string, number[]>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(lead, trail));
      if (!table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x80) bytes.push(code);
    else {
      const pair = table.get(ch);
      if (!pair) return null;
      bytes.push(...pair);
    }
  }
  return Buffer.from(bytes);
}

/** JSON with every non-ASCII character escaped, as some serialisers write it. */
function jsonEscaped(text: string): string {
  return [...text].map((c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`).join('');
}

function needles(): { what: string; bytes: Buffer }[] {
  const list: { what: string; bytes: Buffer }[] = [
    { what: 'name (UTF-8)', bytes: Buffer.from(NAME, 'utf8') },
    { what: 'given name (UTF-8)', bytes: Buffer.from(GIVEN_NAME, 'utf8') },
    { what: 'name (UTF-16LE)', bytes: Buffer.from(NAME, 'utf16le') },
    { what: 'name (JSON \\u escapes)', bytes: Buffer.from(jsonEscaped(NAME), 'utf8') },
    { what: 'id number (UTF-8)', bytes: Buffer.from(ID_NUMBER, 'utf8') },
    { what: 'id number, lower-case x (UTF-8)', bytes: Buffer.from(ID_NUMBER.toLowerCase(), 'utf8') },
    { what: 'id number (UTF-16LE)', bytes: Buffer.from(ID_NUMBER, 'utf16le') },
    { what: 'phone (UTF-8)', bytes: Buffer.from(PHONE, 'utf8') },
    { what: 'phone (UTF-16LE)', bytes: Buffer.from(PHONE, 'utf16le') },
  ];
  const gb = gb18030(NAME);
  // The table is only trusted if it round-trips; a runtime without full ICU would fail here.
  expect(gb, 'the name encodes to GB18030').not.toBeNull();
  if (gb) {
    expect(new TextDecoder('gb18030').decode(gb)).toBe(NAME);
    expect(gb.length).toBe(2 * [...NAME].length);
    list.push({ what: 'name (GB18030)', bytes: gb });
  }
  return list;
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return allFiles(path);
    return e.isFile() ? [path] : [];
  });
}

describe('personal data at rest', { timeout: 90_000 }, () => {
  it('after consented 实名评价 and error paths, no file holds the name, id number or phone in clear', async () => {
    const h = await Hall.open(browser());
    halls.push(h);
    await h.signIn();
    await h.page.waitForSelector('h1:text("欢迎光临")');

    // 1. A consented rating the platform accepts, carrying all personal fields.
    await h.prompt({ citizen: CITIZEN });
    await h.page.getByRole('switch').click();
    await h.page.waitForSelector('[role="switch"][aria-checked="true"]');
    await h.tap('非常满意');
    await h.screen('thanks');
    const [accepted] = await h.platformHas(1);
    // Without this the scan below could pass only because nothing personal ever flowed.
    expect(accepted).toMatchObject({ userName: NAME, certKey: ID_NUMBER, mobile: PHONE, userProp: 1 });
    await waitFor(() => h.records()[0]?.state === 'delivered', 'the first record delivered');

    // 2. A consented rating the platform rejects. Its recordId is made by the terminal
    // at rating time, so the platform is away while the citizen rates; the rejection is
    // armed with the id from the store before the platform comes back. The platform's
    // reason quotes the citizen's values back, as real platforms do: the terminal keeps
    // the reason (for diagnostics) only with them blanked.
    await h.platform.down();
    await h.prompt({ citizen: CITIZEN, transactionId: 'TX-PRIVACY-REJECT' });
    await h.page.getByRole('switch').click();
    await h.page.waitForSelector('[role="switch"][aria-checked="true"]');
    await h.tap('满意');
    await h.screen('thanks');
    await waitFor(() => h.records().length === 2, 'the second record stored');
    const second = h.records()[1]?.body as { id: string; projectNo?: string };
    expect(second.id).toEqual(expect.any(String));
    h.platform.faults.rejectIds.set(second.id, {
      code: 'E_CERT_MISMATCH',
      message: `certKey ${ID_NUMBER} does not match userName ${NAME} (mobile ${PHONE}) in the population registry`,
    });
    await h.platform.up();
    await waitFor(() => h.platform.verdictsOf(second.id).includes('rejected'), 'the rejection', 30_000);
    await waitFor(() => h.records()[1]?.state === 'rejected', 'the second record set aside', 10_000);

    // 3. Requests the API refuses while carrying a citizen block: a transactionId one
    // character too long, an id number with a forbidden character, broken JSON.
    const tooLong = await h.api('POST', '/v1/prompts', {
      transactionId: 'T'.repeat(51),
      service: { code: 'S-1', name: '个体工商户登记' },
      departments: [{ code: 'D-MKT', name: '县市场监管局' }],
      mode: 'single',
      citizen: CITIZEN,
    });
    expect(tooLong.status).toBe(400);
    const badId = await h.api('POST', '/v1/prompts', {
      transactionId: 'TX-BAD-ID',
      service: { code: 'S-1', name: '个体工商户登记' },
      departments: [{ code: 'D-MKT', name: '县市场监管局' }],
      mode: 'single',
      citizen: { ...CITIZEN, idNumber: `${ID_NUMBER}!`, phone: `${PHONE}#` },
    });
    expect(badId.status).toBe(400);
    const broken = await fetch(`${h.apiUrl}/v1/prompts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"transactionId":"TX-BROKEN","citizen":{"name":"${NAME}","idNumber":"${ID_NUMBER}","phone":"${PHONE}"`,
    });
    expect(broken.status).toBe(400);

    // 4. Stop the terminal as systemd would, then read every byte it left behind.
    h.process.child.kill('SIGTERM');
    await h.process.exit;

    const files = allFiles(h.dir);
    const names = files.map((f) => relative(h.dir, f));
    expect(names).toEqual(expect.arrayContaining(['data/terminal.db', 'terminal.key', 'logs/terminal.log']));
    const log = readFileSync(join(h.dir, 'logs', 'terminal.log'), 'utf8');
    expect(log.length).toBeGreaterThan(0);
    // The error paths above did write: the scan covers what they logged.
    const events = log
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { event: string }).event);
    // …and so did the session itself: the scan sees the clerk, prompt, rating and forwarding lines.
    expect(events).toEqual(
      expect.arrayContaining([
        'started',
        'clerk_signed_in',
        'prompt_opened',
        'prompt_ended',
        'rating_committed',
        'batches_forwarded',
        'platform_state',
        'record_rejected',
        'stopping',
      ]),
    );
    expect(statSync(join(h.dir, 'data', 'terminal.db')).size).toBeGreaterThan(0);

    const found: string[] = [];
    const list = needles();
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const n of list) if (bytes.includes(n.bytes)) found.push(`${relative(h.dir, file)}: ${n.what}`);
    }
    // What the process printed goes to the journal in the field: the same rule holds.
    const printed = Buffer.from(h.process.stdout() + h.process.stderr(), 'utf8');
    for (const n of list) if (printed.includes(n.bytes)) found.push(`stdout/stderr: ${n.what}`);
    expect(found, `scanned ${names.join(', ')}`).toEqual([]);
  });
});
