// The KP/1 conformance check for keypad makers (docs/kp1.md): talks to a keypad on a
// serial line as the terminal does, asks a person (or a test) to press each key, and
// says for each rule of the protocol whether the keypad keeps it. It uses the
// terminal's own codec, so a keypad that passes here speaks what the terminal reads.
import { SerialPort } from 'serialport';
import {
  CMD,
  decodeHeartbeat,
  decodeHello,
  decodeKey,
  encodeAck,
  encodeArm,
  encodeBeep,
  encodeFrame,
  encodeLeds,
  encodeQuery,
  type Frame,
  FrameParser,
  type KeyCode,
  keyCodeByte,
  MAX_FRAME,
  SOF,
} from '../drivers/keypad/kp1-codec.js';

export type CheckKey = 1 | 2 | 3 | 4 | 5 | 'invite' | 'pause';

export interface CheckOptions {
  path: string;
  baudRate?: number;
  /** Called when a person should press a key; the check then waits for its KEY frame. */
  ask: (key: CheckKey) => void;
  /** How long to wait for each press (a person needs a while). */
  keyTimeoutMs?: number;
}

export interface CheckResult {
  rule: string;
  ok: boolean;
  detail: string;
}

interface Seen {
  frame: Frame;
  at: number;
}

const KEYS: CheckKey[] = [1, 2, 3, 4, 5, 'invite', 'pause'];
const HELLO_WITHIN_MS = 2_000;
const HEARTBEAT_GAP_LIMIT_MS = 3_000;
/** The contract: retransmit every 300 ms; anything much faster floods the line. */
const RETRANSMIT_MIN_GAP_MS = 150;
const QUIET_MS = 2_000;
/** An ACK may cross one retransmission already on the wire. */
const ACK_GRACE_MS = 700;

function codeOf(key: CheckKey): number {
  const code: KeyCode =
    key === 'invite'
      ? { kind: 'invite' }
      : key === 'pause'
        ? { kind: 'pause' }
        : { kind: 'position', position: key };
  return keyCodeByte(code);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function runKp1Check(options: CheckOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const say = (rule: string, ok: boolean, detail: string) => results.push({ rule, ok, detail });
  const port = new SerialPort({
    path: options.path,
    baudRate: options.baudRate ?? 9600,
    autoOpen: false,
    lock: false,
  });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  port.on('error', () => {});
  const parser = new FrameParser();
  const seen: Seen[] = [];
  const waiters = new Set<() => void>();
  port.on('data', (chunk: Buffer) => {
    for (const frame of parser.push(chunk)) seen.push({ frame, at: Date.now() });
    for (const w of [...waiters]) w();
  });
  let seq = 0;
  const send = (bytes: Uint8Array) => port.write(Buffer.from(bytes));
  const next = () => {
    seq = (seq + 1) & 0xff;
    return seq;
  };
  /** The first frame after index `from` that `match` accepts, or null after `ms`. */
  const waitFrame = (from: number, match: (f: Frame) => boolean, ms: number) =>
    new Promise<Seen | null>((resolve) => {
      const look = () => {
        const hit = seen.slice(from).find((s) => match(s.frame));
        if (!hit) return false;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(hit);
        return true;
      };
      const check = () => {
        look();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        resolve(null);
      }, ms);
      if (!look()) waiters.add(check);
    });
  const query = async (): Promise<Seen | null> => {
    const from = seen.length;
    send(encodeQuery(next()));
    return waitFrame(from, (f) => f.cmd === CMD.HELLO, HELLO_WITHIN_MS);
  };

  try {
    // 1. HELLO answers QUERY.
    const hello = await query();
    const decoded = hello ? decodeHello(hello.frame.payload) : null;
    if (!decoded)
      say(
        'HELLO answers QUERY within 2 s',
        false,
        hello ? 'a HELLO whose payload does not decode' : 'no HELLO',
      );
    else {
      const fields = `version ${decoded.version}, ${decoded.keyCount} keys, model "${decoded.model}", firmware "${decoded.firmware}", serial "${decoded.serialNo}"`;
      say('HELLO answers QUERY within 2 s', true, fields);
      say('HELLO says protocol version 1', decoded.version === 1, `version ${decoded.version}`);
      say(
        'HELLO names model, firmware and serial number',
        decoded.model !== '' && decoded.serialNo !== '',
        fields,
      );
    }

    // 2. HEARTBEAT every 2 s, no stuck key.
    const from = seen.length;
    const first = await waitFrame(from, (f) => f.cmd === CMD.HEARTBEAT, HEARTBEAT_GAP_LIMIT_MS + 1_000);
    const second = first
      ? await waitFrame(
          seen.indexOf(first) + 1,
          (f) => f.cmd === CMD.HEARTBEAT,
          HEARTBEAT_GAP_LIMIT_MS + 1_000,
        )
      : null;
    if (!first || !second) say('HEARTBEAT every 2 s', false, 'fewer than two HEARTBEATs in 8 s');
    else {
      const gap = second.at - first.at;
      say(
        'HEARTBEAT every 2 s',
        gap <= HEARTBEAT_GAP_LIMIT_MS,
        `${gap} ms between two (the terminal calls a keypad offline after 6 s)`,
      );
      const flags = decodeHeartbeat(second.frame.payload);
      say(
        'HEARTBEAT reports no stuck key while none is held',
        flags !== null && !flags.stuckKey,
        `flags ${JSON.stringify(flags)}`,
      );
    }

    // 3. Keys: the first press is not ACKed (it must be retransmitted unchanged, at most
    // 5 times); the others are ACKed at once (retransmission must stop).
    const keyTimeout = options.keyTimeoutMs ?? 30_000;
    let lastSeq: number | null = null;
    for (const [index, key] of KEYS.entries()) {
      const start = seen.length;
      options.ask(key);
      const press = await waitFrame(start, (f) => f.cmd === CMD.KEY, keyTimeout);
      if (!press) {
        say(`KEY ${key} arrives`, false, `no KEY frame within ${keyTimeout / 1000} s`);
        continue;
      }
      const code = decodeKey(press.frame.payload);
      const got = press.frame.payload[0];
      say(
        `KEY ${key} arrives with code 0x${codeOf(key).toString(16).padStart(2, '0')}`,
        code !== null && got === codeOf(key),
        `code 0x${(got ?? 0).toString(16).padStart(2, '0')}, SEQ ${press.frame.seq}`,
      );
      if (lastSeq !== null)
        say(
          `KEY ${key} has a new SEQ`,
          press.frame.seq !== lastSeq,
          `SEQ ${press.frame.seq} after ${lastSeq}`,
        );
      lastSeq = press.frame.seq;
      const sameKey = (f: Frame) => f.cmd === CMD.KEY && f.seq === press.frame.seq;
      const copies = () => seen.slice(seen.indexOf(press) + 1).filter((s) => sameKey(s.frame));
      if (index === 0) {
        // Wait until the keypad gives up, then look at what it resent.
        let count = -1;
        while (copies().length !== count) {
          count = copies().length;
          await sleep(QUIET_MS);
        }
        const again = copies();
        const unchanged = again.every((s) =>
          Buffer.from(s.frame.payload).equals(Buffer.from(press.frame.payload)),
        );
        const gaps = [press, ...again].slice(1).map((s, i) => s.at - ([press, ...again][i] as Seen).at);
        say(
          'an unACKed KEY is retransmitted, unchanged (same SEQ)',
          again.length > 0 && unchanged,
          `${again.length} retransmissions`,
        );
        say('at most 5 retransmissions', again.length <= 5, `${again.length}`);
        say(
          'retransmissions about 300 ms apart',
          gaps.every((g) => g >= RETRANSMIT_MIN_GAP_MS),
          `gaps ${gaps.join(', ')} ms`,
        );
        send(encodeAck(next(), press.frame.seq));
      } else {
        const ackedAt = Date.now();
        send(encodeAck(next(), press.frame.seq));
        await sleep(QUIET_MS);
        const late = copies().filter((s) => s.at > ackedAt + ACK_GRACE_MS);
        say(
          `an ACKed KEY ${key} is not sent again`,
          late.length === 0,
          `${late.length} copies after the ACK`,
        );
      }
    }

    // 4. The terminal's commands are taken without harm.
    send(encodeLeds(next(), 0b11111, false));
    send(encodeBeep(next(), 100));
    send(encodeArm(next(), true));
    send(encodeArm(next(), false));
    send(encodeLeds(next(), 0, true));
    say('LEDS, BEEP and ARM are taken (the keypad still answers QUERY)', (await query()) !== null, '');

    // 5. Line noise and a broken frame do not stall the keypad.
    const noise = Uint8Array.from({ length: 48 }, (_v, i) => (i % 7 === 0 ? SOF : (i * 37) & 0xff));
    const broken = encodeFrame(CMD.QUERY, next());
    broken[broken.length - 1] = ((broken[broken.length - 1] as number) ^ 0xff) & 0xff;
    send(noise);
    send(broken);
    // A stray SOF may announce a long frame: a full frame's worth of zero bytes completes
    // it (and fails its CRC), so the QUERY after them is read on its own.
    send(new Uint8Array(MAX_FRAME));
    await sleep(200);
    say(
      'noise and a frame with a bad CRC do not stall it (QUERY still answered)',
      (await query()) !== null,
      '',
    );

    // 6. Every frame the keypad sent was well formed.
    const { badCrc, badLength, noiseBytes } = parser.stats;
    say(
      'every frame from the keypad has a valid LEN and CRC, with nothing between frames',
      badCrc === 0 && badLength === 0 && noiseBytes === 0,
      `${seen.length} frames; ${badCrc} bad CRC, ${badLength} bad LEN, ${noiseBytes} stray bytes`,
    );
  } finally {
    await new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
  }
  return results;
}
