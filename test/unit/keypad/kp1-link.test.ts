import { describe, expect, it } from 'vitest';
import type { KeypadPress } from '../../../drivers/keypad/keypad-driver.js';
import {
  decodeTerminalCommand,
  encodeFrame,
  encodeHeartbeat,
  encodeHello,
  encodeKey,
  FrameParser,
  SOF,
  type TerminalCommand,
} from '../../../drivers/keypad/kp1-codec.js';
import { Kp1Link, kp1HelloProbe, OFFLINE_AFTER_MS } from '../../../drivers/keypad/kp1-link.js';
import type { KeypadFault } from '../../../src/core/model.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const pos = (position: 1 | 2 | 3 | 4 | 5): KeypadPress => ({ kind: 'position', position });
const hello = (seq: number, serialNo = 'SN1') =>
  encodeHello(seq, { keyCount: 5, model: 'KP-5', firmware: '1.2', serialNo });

function rig() {
  const clock = new FakeClock();
  /** Where the wall clock stands from the fake one: set back as a time sync would. */
  const skew = { ms: 0 };
  const presses: KeypadPress[] = [];
  const statuses: [string, KeypadFault][] = [];
  /** Status changes and HELLOs in the order the link told them. */
  const told: string[] = [];
  const parser = new FrameParser();
  const sent: TerminalCommand[] = [];
  const link = new Kp1Link({
    timers: {
      now: () => clock.now() + skew.ms,
      setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
      clearTimeout: (handle) => clock.clearTimeout(handle),
    },
    events: {
      press: (p) => presses.push(p),
      status: (state, fault) => {
        statuses.push([state, fault]);
        told.push(`status ${state}`);
      },
      hello: (h) => told.push(`hello ${h.serialNo}`),
    },
  });
  const port = {
    write(bytes: Uint8Array) {
      for (const f of parser.push(bytes)) {
        const c = decodeTerminalCommand(f);
        if (c) sent.push(c);
      }
    },
  };
  link.start();
  const acks = () => sent.filter((c) => c.cmd === 'ack').map((c) => (c as { acked: number }).acked);
  return { clock, skew, presses, statuses, told, sent, link, port, acks };
}

describe('the KP/1 link', () => {
  it('sends QUERY on every open, and nothing else before it', () => {
    const r = rig();
    r.link.opened(r.port);
    expect(r.sent).toEqual([{ cmd: 'query', seq: 0 }]);
    r.link.closed();
    r.link.opened(r.port);
    expect(r.sent.map((c) => c.cmd)).toEqual(['query', 'query']);
    // The terminal's own SEQ counts on.
    expect(r.sent[1]?.seq).toBe(1);
  });

  it('ACKs every KEY and acts on each press once', () => {
    const r = rig();
    r.link.opened(r.port);
    r.link.receive(encodeKey(7, pos(2)));
    r.link.receive(encodeKey(8, { kind: 'invite' }));
    r.link.receive(encodeKey(9, { kind: 'pause' }));
    expect(r.acks()).toEqual([7, 8, 9]);
    expect(r.presses).toEqual([pos(2), { kind: 'invite' }, { kind: 'pause' }]);
  });

  it('ACKs retransmissions and duplicates but does not count them again', () => {
    const r = rig();
    r.link.opened(r.port);
    const frame = encodeKey(42, pos(1));
    r.link.receive(frame);
    for (let i = 0; i < 5; i++) {
      r.clock.advance(300);
      r.link.receive(frame);
    }
    r.link.receive(new Uint8Array(Buffer.concat([frame, frame])));
    expect(r.acks()).toEqual([42, 42, 42, 42, 42, 42, 42, 42]);
    expect(r.presses).toEqual([pos(1)]);
  });

  it('counts a SEQ used again after 5 s as a new press', () => {
    const r = rig();
    r.link.opened(r.port);
    r.link.receive(encodeKey(3, pos(4)));
    r.clock.advance(5_000);
    r.link.receive(encodeKey(3, pos(4)));
    expect(r.presses).toHaveLength(1);
    r.clock.advance(1);
    r.link.receive(encodeKey(3, pos(4)));
    expect(r.presses).toEqual([pos(4), pos(4)]);
    expect(r.acks()).toEqual([3, 3, 3]);
  });

  it('measures the 5 s from the accepted press, not from its retransmissions', () => {
    const r = rig();
    r.link.opened(r.port);
    r.link.receive(encodeKey(3, pos(4)));
    r.clock.advance(4_000);
    r.link.receive(encodeKey(3, pos(4)));
    r.clock.advance(1_500);
    r.link.receive(encodeKey(3, pos(4)));
    expect(r.presses).toHaveLength(2);
  });

  it('takes a different SEQ as a new press at once', () => {
    const r = rig();
    r.link.opened(r.port);
    r.link.receive(encodeKey(3, pos(1)));
    r.link.receive(encodeKey(4, pos(1)));
    expect(r.presses).toEqual([pos(1), pos(1)]);
  });

  it('knows an earlier SEQ resent after the next press (s, s+1, s) as a retransmission', () => {
    const r = rig();
    r.link.opened(r.port);
    r.link.receive(encodeKey(3, pos(2)));
    r.clock.advance(400);
    r.link.receive(encodeKey(4, pos(1)));
    r.clock.advance(400);
    r.link.receive(encodeKey(3, pos(2)));
    r.clock.advance(4_200); // 5 s after the press of SEQ 3: still the same press
    r.link.receive(encodeKey(3, pos(2)));
    r.link.receive(encodeKey(4, pos(1)));
    expect(r.presses).toEqual([pos(2), pos(1)]);
    // Every frame is ACKed, retransmissions too.
    expect(r.acks()).toEqual([3, 4, 3, 3, 4]);
  });

  it('remembers every SEQ of the last 5 s, not only the last few', () => {
    const r = rig();
    r.link.opened(r.port);
    for (let seq = 10; seq < 20; seq++) {
      r.link.receive(encodeKey(seq, pos(1)));
      r.clock.advance(100);
    }
    for (let seq = 10; seq < 20; seq++) r.link.receive(encodeKey(seq, pos(1)));
    expect(r.presses).toHaveLength(10);
  });

  it('takes each SEQ again as a new press once its 5 s have passed', () => {
    const r = rig();
    r.link.opened(r.port);
    r.link.receive(encodeKey(3, pos(2)));
    r.clock.advance(1_000);
    r.link.receive(encodeKey(4, pos(1)));
    r.clock.advance(4_001); // SEQ 3's window is over, SEQ 4's is not
    r.link.receive(encodeKey(3, pos(2)));
    r.link.receive(encodeKey(4, pos(1)));
    expect(r.presses).toEqual([pos(2), pos(1), pos(2)]);
    r.clock.advance(1_000);
    r.link.receive(encodeKey(4, pos(1)));
    expect(r.presses).toEqual([pos(2), pos(1), pos(2), pos(1)]);
  });

  it('follows the SEQ across its wrap from 255 to 0', () => {
    const r = rig();
    r.link.opened(r.port);
    r.link.receive(encodeKey(254, pos(1)));
    r.link.receive(encodeKey(255, pos(2)));
    r.link.receive(encodeKey(0, pos(3)));
    r.link.receive(encodeKey(1, pos(4)));
    // Resent, in any order, within the window: none is a press again.
    for (const seq of [255, 0, 254, 1, 0]) r.link.receive(encodeKey(seq, pos(5)));
    expect(r.presses).toEqual([pos(1), pos(2), pos(3), pos(4)]);
    expect(r.acks()).toEqual([254, 255, 0, 1, 255, 0, 254, 1, 0]);
  });

  it('does not refuse SEQs for ever when the wall clock is set back', () => {
    const r = rig();
    r.link.opened(r.port);
    r.link.receive(encodeKey(7, pos(1)));
    // A time sync steps the clock back an hour; the keypad's SEQ comes round to 7 again.
    r.skew.ms = -3_600_000;
    r.clock.advance(6_000);
    r.link.receive(encodeKey(7, pos(1)));
    expect(r.presses).toEqual([pos(1), pos(1)]);
  });

  it('resets the filter on HELLO: a restarted keypad counts from scratch', () => {
    const r = rig();
    r.link.opened(r.port);
    r.link.receive(encodeKey(0, pos(5)));
    r.link.receive(encodeKey(1, pos(4)));
    r.clock.advance(1_000);
    r.link.receive(hello(0));
    r.link.receive(encodeKey(0, pos(5)));
    r.link.receive(encodeKey(1, pos(4)));
    expect(r.presses).toEqual([pos(5), pos(4), pos(5), pos(4)]);
    expect(r.link.info().hello).toEqual({
      version: 1,
      keyCount: 5,
      model: 'KP-5',
      firmware: '1.2',
      serialNo: 'SN1',
    });
  });

  it('ACKs a KEY with an unknown position and ignores it', () => {
    const r = rig();
    r.link.opened(r.port);
    r.link.receive(encodeFrame(0x02, 11, Uint8Array.of(9)));
    r.link.receive(encodeFrame(0x02, 12, new Uint8Array(0)));
    expect(r.acks()).toEqual([11, 12]);
    expect(r.presses).toEqual([]);
  });

  it('goes online on the first valid frame and offline after 6 s without one', () => {
    const r = rig();
    r.link.opened(r.port);
    expect(r.link.info().state).toBe('starting');
    expect(r.statuses).toEqual([]);
    r.link.receive(hello(0));
    expect(r.statuses).toEqual([['online', null]]);
    // Heartbeats every 2 s keep it online.
    for (let i = 1; i <= 5; i++) {
      r.clock.advance(2_000);
      r.link.receive(encodeHeartbeat(i, false));
    }
    expect(r.statuses).toEqual([['online', null]]);
    // Noise and broken frames are not signs of life.
    r.clock.advance(3_000);
    r.link.receive(Uint8Array.of(0x00, 0x13, SOF, 0x01, 0x42));
    r.clock.advance(2_999);
    expect(r.link.info().state).toBe('online');
    r.clock.advance(1);
    expect(r.statuses).toEqual([
      ['online', null],
      ['offline', null],
    ]);
    r.link.receive(encodeHeartbeat(9, false));
    expect(r.statuses.at(-1)).toEqual(['online', null]);
  });

  it('says offline 6 s after start when the keypad never answers', () => {
    const r = rig();
    r.link.opened(r.port);
    r.clock.advance(OFFLINE_AFTER_MS - 1);
    expect(r.statuses).toEqual([]);
    r.clock.advance(1);
    expect(r.statuses).toEqual([['offline', null]]);
    expect(r.link.info().state).toBe('offline');
  });

  it('shows a stuck key until the flag clears', () => {
    const r = rig();
    r.link.opened(r.port);
    r.link.receive(encodeHeartbeat(1, false));
    r.link.receive(encodeHeartbeat(2, true));
    expect(r.link.info().fault).toBe('stuck_key');
    r.clock.advance(2_000);
    r.link.receive(encodeHeartbeat(3, true));
    r.link.receive(hello(4));
    expect(r.link.info().fault).toBe('stuck_key');
    r.clock.advance(2_000);
    r.link.receive(encodeHeartbeat(5, false));
    expect(r.statuses).toEqual([
      ['online', null],
      ['online', 'stuck_key'],
      ['online', null],
    ]);
  });

  it('turns the engine commands into ARM, LEDS and BEEP frames', () => {
    const r = rig();
    r.link.opened(r.port);
    r.link.command({ kind: 'arm', on: true });
    r.link.command({ kind: 'leds', mask: 0b11111, blink: false });
    r.link.command({ kind: 'beep', ms: 120 });
    r.link.command({ kind: 'leds', mask: 0b00011, blink: true });
    r.link.command({ kind: 'arm', on: false });
    expect(r.sent).toEqual([
      { cmd: 'query', seq: 0 },
      { cmd: 'arm', seq: 1, on: true },
      { cmd: 'leds', seq: 2, mask: 0b11111, blink: false },
      { cmd: 'beep', seq: 3, units: 12 },
      { cmd: 'leds', seq: 4, mask: 0b00011, blink: true },
      { cmd: 'arm', seq: 5, on: false },
    ]);
  });

  it('tells a keypad that says HELLO whether a prompt is open', () => {
    const r = rig();
    r.link.command({ kind: 'arm', on: true });
    r.link.command({ kind: 'leds', mask: 0b00110, blink: false });
    r.link.opened(r.port);
    r.link.receive(hello(0));
    expect(r.sent.map((c) => c.cmd)).toEqual(['query', 'arm', 'leds']);
    expect(r.sent.slice(1)).toMatchObject([
      { cmd: 'arm', on: true },
      { cmd: 'leds', mask: 0b00110, blink: false },
    ]);
  });

  it('writes nothing while no port is open', () => {
    const r = rig();
    r.link.command({ kind: 'beep', ms: 100 });
    r.link.receive(encodeKey(1, pos(1)));
    expect(r.sent).toEqual([]);
    expect(r.presses).toEqual([pos(1)]);
  });

  it('reads a frame held back by a stray SOF once the line goes quiet', () => {
    const r = rig();
    r.link.opened(r.port);
    r.link.receive(new Uint8Array(Buffer.concat([Uint8Array.of(SOF, 60), encodeKey(5, pos(3))])));
    expect(r.presses).toEqual([]);
    r.clock.advance(200);
    expect(r.presses).toEqual([pos(3)]);
    expect(r.acks()).toEqual([5]);
  });

  it('decodes frames split across reads and among noise', () => {
    const r = rig();
    r.link.opened(r.port);
    const bytes = Buffer.concat([
      Buffer.from([0x11, 0x22]),
      encodeKey(1, pos(1)),
      Buffer.from('\r\n'),
      encodeKey(2, pos(2)),
    ]);
    for (const b of bytes) r.link.receive(Uint8Array.of(b));
    expect(r.presses).toEqual([pos(1), pos(2)]);
  });

  it('tells who the keypad is before it tells that it is online', () => {
    const r = rig();
    r.link.opened(r.port);
    r.link.receive(hello(0, 'SN-A'));
    r.link.receive(hello(1, 'SN-B'));
    expect(r.told).toEqual(['hello SN-A', 'status online', 'hello SN-B']);
  });

  it('waits for the next HELLO, not one that came before, and gives up on its clock', async () => {
    const r = rig();
    r.link.opened(r.port);
    r.link.receive(hello(0, 'OLD'));
    const answer = r.link.nextHello(2_000);
    r.clock.advance(1_999);
    r.link.receive(hello(1, 'NEW'));
    await expect(answer).resolves.toMatchObject({ serialNo: 'NEW' });

    const none = r.link.nextHello(2_000);
    r.clock.advance(2_000);
    await expect(none).resolves.toBeNull();

    const stopped = r.link.nextHello(2_000);
    r.link.stop();
    await expect(stopped).resolves.toBeNull();
  });

  it('probes an "auto" candidate with QUERY, knows it by its HELLO, and answers nothing', () => {
    const clock = new FakeClock();
    const written: TerminalCommand[] = [];
    const parser = new FrameParser();
    let answered = 0;
    const probe = kp1HelloProbe({ timers: clock })(
      {
        write: (bytes) => {
          for (const f of parser.push(bytes)) {
            const c = decodeTerminalCommand(f);
            if (c) written.push(c);
          }
        },
      },
      () => answered++,
    );
    expect(written).toEqual([{ cmd: 'query', seq: 0 }]);
    // Heartbeats and keys say a KP/1 device is there, but only HELLO answers the question.
    probe.receive(encodeHeartbeat(0, false));
    probe.receive(encodeKey(1, pos(1)));
    expect(answered).toBe(0);
    // Un-ACKed, the keypad sends that KEY again, to the link that takes the port.
    expect(written).toEqual([{ cmd: 'query', seq: 0 }]);
    probe.receive(hello(2));
    expect(answered).toBe(1);
    probe.stop();
    probe.receive(hello(3));
    expect(answered).toBe(1);
  });
});
