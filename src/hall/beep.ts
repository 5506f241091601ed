// The 差评 alert sound: two short tones as a 16-bit mono WAV, made here so the console
// needs no sound file of its own.

const RATE = 16_000;

function tone(samples: Int16Array, start: number, seconds: number, hz: number, volume: number) {
  const count = Math.floor(seconds * RATE);
  const fade = Math.floor(RATE * 0.01);
  for (let i = 0; i < count; i++) {
    // A 10 ms fade at each end keeps the speaker from clicking.
    const envelope = Math.min(1, i / fade, (count - i) / fade);
    samples[start + i] = Math.round(Math.sin((2 * Math.PI * hz * i) / RATE) * envelope * volume * 32767);
  }
  return start + count;
}

export function alertWav(): Buffer {
  const samples = new Int16Array(Math.floor(RATE * 0.62));
  let at = tone(samples, 0, 0.18, 880, 0.6);
  at += Math.floor(RATE * 0.08);
  tone(samples, at, 0.3, 660, 0.6);
  const data = Buffer.from(samples.buffer);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
