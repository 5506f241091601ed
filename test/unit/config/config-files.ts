// Real files in a fresh temporary folder for each test, and the contract's sample.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const folders: string[] = [];

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A new empty folder, removed after the test. */
export function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'haochaping-config-'));
  folders.push(folder);
  return folder;
}

/** Writes `text` to `name` in a new temporary folder and returns its path. */
export function writeTemp(name: string, text: string | Uint8Array): string {
  const file = join(tempFolder(), name);
  writeFileSync(file, text);
  return file;
}

export const PLATFORM_SECRET = 'pl4tf0rm-S3cret-7f3a9c';
export const API_TOKEN = 'api-T0ken-b8e21d4c55';
export const QR_SECRET = 'qr-S3cret-0c9d8e7f';
export const UI_TOKEN = 'ui-T0ken-5d2c9e81f0';
export const SECRETS = [PLATFORM_SECRET, API_TOKEN, QR_SECRET] as const;

/** contracts/config-and-cli.md's sample, word for word but for real secret values. */
export const SAMPLE_CONFIG = `terminal:
  id: HA-0001                 # required; 终端编号
  mode: counter               # default: counter. counter (clerk + keypad) | kiosk (touch, no clerk)
  windowNo: "12"              # default: ""
  hallName: 惠安县行政服务中心  # default: ""
  areaCode: "350521"          # required; 行政区划代码, 6 or 12 digits
  training: false             # default: false. true: a try-out terminal — every screen shows
                              # 培训模式, ratings are stored (marked training) and never forwarded
keypad:
  driver: frame               # default: hid. frame (KP/1) | ascii | hid | none
  path: /dev/ttyUSB0          # required for frame and ascii: a serial device, or "auto"
  autoIds: ["1a86:7523", "10c4:ea60", "0403:6001"]   # default: these (CH340, CP210x, FTDI); VID:PID that "auto" may probe
  baudRate: 9600              # default: 9600
  keymap: [5, 4, 3, 2, 1]     # default: this; satisfaction code of positions 1..5 (5 非常满意 … 1 非常不满意)
  hidKeys: [["F1", "Numpad1"], ["F2", "Numpad2"], ["F3", "Numpad3"], ["F4", "Numpad4"], ["F5", "Numpad5"]]  # default: this
  debounceMs: 300             # default: 300
store:
  path: ./data/terminal.db    # default: terminal.db in the user's data folder; relative paths are
                              # relative to this file's folder; missing folders are created
  keyFile: null               # default: terminal.key beside the database (created, mode 0600)
  retentionDays: 90           # default: 90; delivered records are kept this long, then pruned
log:
  dir: null                   # default: a logs folder beside the database
platform:                     # default: absent — ratings are only stored (state "unconfigured")
  url: https://hcp.example.gov.cn/api   # required in platform; http:// is accepted
  profile: reference          # default: reference
  appMark: HA-APP             # required in platform
  secret: "${PLATFORM_SECRET}"                 # required in platform
  channel: 4                  # default: 4 on a counter, 5 on a kiosk (the record's pf code)
  timeoutSeconds: 10          # default: 10
api:
  host: 127.0.0.1             # default: 127.0.0.1
  port: 7480                  # default: 7480
  token: "${API_TOKEN}"                  # no default: unset means no auth, allowed only on a loopback host
  revealRatings: false        # default: false; true lets the business system read levels and reasons
  corsOrigins: []             # default: []; browser origins allowed to call the API
  rateLimit: 50               # default: 50; requests a second per client address (terminal-api.md)
qr:                           # default: absent — prompts carry no QR code (qr: null in the API)
  baseUrl: https://hcp.example.gov.cn/m/rate   # required in qr
  secret: "${QR_SECRET}"                 # required in qr
  ttlSeconds: 259200          # default: 259200 (three days)
  staticUrl: null             # default: null; the hall's static QR on idle screens
prompt:
  timeoutSeconds: 60          # default: 60; an unanswered prompt ends "expired", with no rating
  reasonsTimeoutSeconds: 30   # default: 30; a 差评 whose reasons screen is left alone is final after this
  invite:                     # the clerk's INVITE key opens a prompt by itself
    enabled: true             # default: true; false where the platform accepts only real 办件编号
    service: {code: "", name: 窗口服务}   # default: this
reasons: null                 # default: null = the built-in catalogue; else a path to a catalogue file
ui:
  host: 127.0.0.1             # default: 127.0.0.1 (serve shell only)
  port: 7481                  # default: 7481
  volume: 80                  # default: 80; voice prompts, 0-100
  token: null                 # default: null; secret. Required when ui.host is not a loopback
                              # address: the screen's address is then http://HOST:PORT/?token=…
                              # and the screens' bridge refuses a connection without it
diagnostics:
  pin: null                   # default: null = the technicians' screen is disabled
`;

/** The smallest file that loads: only the required keys. */
export const MINIMAL_CONFIG = 'terminal:\n  id: HA-0001\n  areaCode: "350521"\n';
