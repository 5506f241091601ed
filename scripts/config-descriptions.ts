// What each configuration key means, in words for technicians. docs/configuration.md is
// generated from the schema (types, defaults, limits) plus these lines; a key added to the
// schema with `.meta({ description })` needs no line here, and a profile's own keys are
// described in its descriptor (src/profiles, `describe`). A key with neither is listed
// in the page as not yet described, and the generator warns about it.

export const SECTION_NOTES: Record<string, string> = {
  terminal: 'Who this terminal is. `id` and `areaCode` are required; everything else has a default.',
  keypad: 'The rating keypad. Without this section the terminal takes keyboard keys (`hid`).',
  store: 'The SQLite file that holds every prompt and rating, and the key that seals personal data.',
  log: 'The JSON-lines log (`terminal.log`, rotated at 5 MiB, 5 old files kept).',
  platform:
    "The region's 好差评 platform. Leave the section out to keep ratings on the terminal only (platform state `unconfigured`). Each profile has keys of its own; a key of another profile is an error.",
  api: "The local HTTP API for the window's business system (see [api.md](api.md)).",
  qr: 'Signed rating links shown as a QR code (see [qr-links.md](qr-links.md)). Leave the section out for no QR code.',
  prompt: "How long a rating prompt waits, and what the clerk's INVITE key opens.",
  reasons: '',
  ui: "The screens (the `serve` shell's HTTP server; volume in both shells).",
  diagnostics: "The technicians' diagnostics screen.",
  fleet:
    "The hall's MQTT broker the terminal reports its state and 差评 alerts to (see [fleet.md](fleet.md)). Leave the section out to report to no broker; a broker that is down changes nothing else.",
  compat:
    "Protocols that business systems already use to drive an evaluator: `compat.gwq` answers the GWQ (柜外清) SDK's WebSocket at ws://localhost:1919 (see [gwq.md](gwq.md)). Leave `gwq` out for no listener. A GWQ rating is kept on the terminal and never forwarded.",
};

export const DESCRIPTIONS: Record<string, string> = {
  'terminal.id':
    "The terminal's number (终端编号), e.g. `HA-0001`. Required. `DEV-0001` always makes a training terminal.",
  'terminal.mode':
    '`counter`: a clerk signs in and the business system opens prompts. `kiosk`: a self-service terminal, touch only, no clerk.',
  'terminal.windowNo': 'The window number, as text (quote it: `"12"`).',
  'terminal.hallName': "The service hall's name, shown on the idle screen.",
  'terminal.areaCode': 'The 行政区划代码, 6 or 12 digits, as text (quote it: `"350521"`). Required.',
  'terminal.training':
    'A training terminal: every screen shows 培训模式, ratings are stored marked training and never forwarded. See [training-mode.md](training-mode.md).',
  'keypad.driver':
    '`frame`: a KP/1 serial keypad ([kp1.md](kp1.md)); `ascii`: a serial keypad sending one byte `1`–`5` per press; `hid`: keyboard keys (`keypad.hidKeys`); `none`: touch only.',
  'keypad.path':
    'The serial device (`/dev/hcp-keypad`, `/dev/ttyUSB0`, `COM3`), or `auto` to probe the adapters in `keypad.autoIds` that no other program holds. Required for `frame` and `ascii`.',
  'keypad.autoIds':
    'USB ids (VID:PID, hex) that `keypad.path: auto` may probe. The default covers CH340, CP210x and FTDI adapters.',
  'keypad.baudRate': 'Serial speed. KP/1 keypads use 9600 (8N1).',
  'keypad.keymap':
    'The satisfaction code (5 非常满意 … 1 非常不满意) of keypad positions 1 to 5, each code exactly once.',
  'keypad.hidKeys':
    'For `driver: hid`: the key names (as browsers spell `KeyboardEvent.code`) of positions 1 to 5.',
  'keypad.debounceMs': 'A second press of the same key within this many milliseconds is ignored.',
  'store.path':
    "The database file. Default: `terminal.db` in the user-data folder. A relative path is relative to the configuration file's folder; missing folders are created.",
  'store.keyFile':
    "The key that seals citizens' personal data (AES-256-GCM, created with mode 0600). Default: `terminal.key` beside the database. Back it up with the database.",
  'store.retentionDays':
    'Delivered records are kept this many days, then pruned. Undelivered ones are never pruned.',
  'log.dir': 'The log folder. Default: `logs` beside the database. See [log.md](log.md).',
  'platform.url': "The platform's upload address, `http://` or `https://`. Required in `platform`.",
  'platform.profile':
    "`reference` (the reference interface), `national` (the national evaluation interface) or `fujian` (Fujian's provincial gateway). See [platform-national.md](platform-national.md) and [platform-fujian.md](platform-fujian.md).",
  'platform.channel':
    "The record's `pf` code, 1 to 7. Default: 4 (hall tablet) on a counter, 5 (self-service kiosk) on a kiosk.",
  'platform.timeoutSeconds': 'How long one upload may take before it counts as failed and is retried.',
  'api.host': 'The address the local API listens on. Off loopback, `api.token` is required.',
  'api.port': "The local API's port.",
  'api.token':
    'The Bearer token the business system sends (`Authorization: Bearer …`). Unset: no auth, allowed only on a loopback host.',
  'api.revealRatings':
    'When true, `GET /v1/prompts/{id}` and the event stream carry levels and reasons; when false they carry `"ratings": []` and `"ratingsHidden": true`.',
  'api.corsOrigins': 'Browser origins (scheme, host, port) allowed to call the API from a web page.',
  'api.rateLimit':
    'Requests a second each client address may send; more are answered 429 `rate_limited` with `Retry-After` (`GET /v1/health` has a bucket of its own with the same limit). Changes on `SIGHUP`.',
  'qr.baseUrl':
    'The rating page the QR code leads to; the signed token is appended as `?t=…`. Required in `qr`.',
  'qr.secret': 'The HMAC secret shared with the rating page. Required in `qr`.',
  'qr.ttlSeconds': 'How long a QR link stays valid after the prompt opens.',
  'qr.staticUrl': "The hall's static QR address, shown on idle screens; null for none.",
  'prompt.timeoutSeconds':
    'An unanswered prompt ends `expired`, with no rating, after this many seconds (per department in a per-department sequence).',
  'prompt.reasonsTimeoutSeconds':
    'A 差评 whose reasons screen is left alone is final after this many seconds, with the reasons chosen so far.',
  'prompt.goodIndicators':
    '`optional`: after a 好评 the citizen may add indicators on a screen of their own for up to 10 s; `off`: a 好评 is final at the press.',
  'prompt.invite.enabled':
    "Whether the clerk's INVITE key opens a prompt by itself. Default: true with the reference profile, false with national and fujian (they accept only real 办件编号).",
  'prompt.invite.service.code': 'The 事项编码 an INVITE prompt carries.',
  'prompt.invite.service.name': 'The 事项名称 an INVITE prompt carries.',
  reasons: 'A reasons catalogue file (format of `assets/reasons.json`); null for the built-in one.',
  'ui.host': "The address the `serve` shell's screens listen on. Off loopback, `ui.token` is required.",
  'ui.port': "The screens' port (`serve` shell).",
  'ui.volume': 'Voice prompt volume, 0–100.',
  'ui.voiceGuide':
    'What the terminal says aloud: `off` only the thank-you; `prompt` each question once with which key gives which choice; `full` also how to move on the reasons screen and each reason as the keypad reaches it (halls that serve blind citizens). See docs/voice.md.',
  'ui.idleSlides':
    'A folder of hall notices (PNG, JPEG or WebP, up to 8 MB each, at most 30, in name order) shown in turn beside the clerk card on the idle screen, never over a prompt; relative to this file. Read at start and on SIGHUP.',
  'ui.idleSlideSeconds': 'How long each hall notice shows before the next, 3–600 seconds.',
  'ui.token': "A secret the screen's address carries as `?token=`; required off loopback.",
  'fleet.url': 'The broker: `mqtt://HOST:1883`, or `mqtts://HOST:8883` for TLS.',
  'fleet.username':
    "The terminal's user on the broker (one per terminal, so the broker's ACL can keep it to its own topics).",
  'fleet.password': "That user's password.",
  'fleet.ca':
    "A PEM file of the private CA that signed the broker's certificate (`mqtts://` only); relative to this file.",
  'fleet.topicPrefix': 'The first level(s) of every topic: `{topicPrefix}/{hallId}/{terminal.id}/…`.',
  'fleet.hallId': 'The hall in topics; default `terminal.areaCode`. No `/`, `+`, `#` or spaces.',
  'fleet.keepaliveSeconds':
    'MQTT keep-alive: how soon the broker notices a vanished terminal and publishes its will (`offline`).',
  'fleet.stateIntervalSeconds': 'The retained state is published on every change and at least this often.',
  'fleet.badRatingEvents':
    '`false`: no `bad_rating` alerts on the bus (state only), for halls that prefer so.',
  'fleet.statsDays':
    'Days of hourly counts (`…/stats/{day}`, today included) kept retained on the broker; an older day is cleared.',
  'diagnostics.pin': "4 to 12 digits that open the technicians' screen; null disables the screen.",
};
