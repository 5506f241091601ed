// The HTTP plumbing every platform simulator shares: listening (again on the same port
// after down(), so a terminal sees its platform come back), cutting every connection on
// down() (clients see refused and reset connections, not a slow close), reading bodies,
// answers held back that a simulator going down never sends, the transport faults any
// platform can show, a proxy in front refusing requests with its own page, and running
// a simulator by hand. What a platform checks and how it
// answers stays in each simulator.

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pathToFileURL } from 'node:url';

export interface HttpSimServerOptions {
  host?: string;
  /** 0 (default) picks a free port; down() then up() keeps the one picked. */
  port?: number;
  keepAliveTimeout?: number;
  /** Answers one request, its body read whole. */
  handle: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => Promise<void>;
  /** Answers a request whose handler threw, when nothing was sent yet. */
  fault: (res: http.ServerResponse) => void;
  log?: (line: string) => void;
}

/**
 * A proxy, gateway or firewall in front of the platform, refusing requests as such boxes
 * do: with its own HTML error page, or no body at all — never the platform's words. The
 * platform behind it never sees what it refuses.
 */
export interface ProxyRefusal {
  status: number;
  body: 'html' | 'empty';
  /** Only requests whose body is larger than this many bytes (a body limit); absent: all. */
  overBytes?: number;
}

/** The error page an nginx in front answers with (not well-formed XML: `<hr>` is not closed). */
export function proxyPage(status: number): string {
  const title = `${status} ${http.STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

export class HttpSimServer {
  /** A proxy in front refusing requests; null: requests reach the platform. */
  proxy: ProxyRefusal | null = null;
  /** Requests the proxy refused (the platform never saw them). */
  proxied = 0;
  private readonly sockets = new Set<Socket>();
  /** Answers being held back; a simulator going down never answers them. */
  private readonly delays = new Set<NodeJS.Timeout>();
  private server: http.Server | null = null;
  private portNumber: number;

  constructor(private readonly options: HttpSimServerOptions) {
    this.portNumber = options.port ?? 0;
  }

  get port(): number {
    return this.portNumber;
  }

  /** `http://host:port`, without a path. */
  get origin(): string {
    return `http://${this.options.host ?? '127.0.0.1'}:${this.portNumber}`;
  }

  /** Listens (again, on the same port once one was picked). */
  async up(): Promise<void> {
    if (this.server) return;
    const server = http.createServer((req, res) => this.read(req, res));
    if (this.options.keepAliveTimeout !== undefined) server.keepAliveTimeout = this.options.keepAliveTimeout;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.portNumber, this.options.host ?? '127.0.0.1', () => resolve());
    });
    this.portNumber = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and cuts every connection; held answers are never sent. */
  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const t of this.delays) clearTimeout(t);
    this.delays.clear();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  /** Resolves after MS, unless the simulator goes down first (then never). */
  hold(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.delays.delete(timer);
        resolve();
      }, ms);
      this.delays.add(timer);
    });
  }

  private read(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const proxy = this.proxy;
      if (proxy && (proxy.overBytes === undefined || body.length > proxy.overBytes)) {
        this.proxied++;
        const page = proxy.body === 'html' ? proxyPage(proxy.status) : '';
        this.options.log?.(`proxy: ${req.method} ${req.url} (${body.length} bytes) → ${proxy.status}`);
        return sendText(res, proxy.status, 'text/html', page);
      }
      void this.options.handle(req, res, body).catch((err) => {
        this.options.log?.(`error: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) this.options.fault(res);
      });
    });
  }
}

/**
 * What every simulator offers a test: up() and down() (the platform going away and
 * coming back on the same address), close(), its port. A simulator says how it answers
 * a request (`answer`) and a request whose answering threw (`fault`).
 */
export abstract class HttpSim {
  protected readonly http: HttpSimServer;

  /** The simulator's own options: only where it listens and logs is read here. */
  protected constructor(options: Pick<HttpSimServerOptions, 'host' | 'port' | 'keepAliveTimeout' | 'log'>) {
    const { host, port, keepAliveTimeout, log } = options;
    this.http = new HttpSimServer({
      ...(host !== undefined ? { host } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(keepAliveTimeout !== undefined ? { keepAliveTimeout } : {}),
      ...(log !== undefined ? { log } : {}),
      handle: (req, res, body) => this.answer(req, res, body),
      fault: (res) => this.fault(res),
    });
  }

  protected abstract answer(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void>;

  protected abstract fault(res: http.ServerResponse): void;

  get port(): number {
    return this.http.port;
  }

  /** Listens (again, on the same port once one was picked). */
  up(): Promise<void> {
    return this.http.up();
  }

  /** Stops listening and cuts every connection: clients see refused connections. */
  down(): Promise<void> {
    return this.http.down();
  }

  close(): Promise<void> {
    return this.down();
  }

  /** A proxy in front refusing requests with its own page (null: none, requests pass). */
  set proxy(refusal: ProxyRefusal | null) {
    this.http.proxy = refusal;
  }

  get proxy(): ProxyRefusal | null {
    return this.http.proxy;
  }

  /** How many requests the proxy refused; the platform never saw them. */
  get proxied(): number {
    return this.http.proxied;
  }
}

export interface TransportFaults {
  /** Answer 500 to every k-th request (0: never). */
  failEvery: number;
  /** Destroy the connection on every k-th request, without an answer (0 or absent: never). */
  resetEvery?: number;
  /** Answer this status (with Retry-After when given) to the next `count` requests. */
  status: { code: number; retryAfter?: string; count: number } | null;
}

/**
 * Shows request number N the transport fault due to it, in the order the simulators
 * check them: a reset connection, a forced status (counted down), every k-th request
 * failing. Each platform words its own answers. Returns what was done (the status, or
 * 'reset'); null when no fault is due and the request goes on.
 */
export function transportFault(
  n: number,
  faults: TransportFaults,
  req: http.IncomingMessage,
  answers: { forced: (code: number, headers: Record<string, string>) => void; fail: () => void },
): number | 'reset' | null {
  const resetEvery = faults.resetEvery ?? 0;
  if (resetEvery > 0 && n % resetEvery === 0) {
    req.socket.destroy();
    return 'reset';
  }
  const forced = faults.status;
  if (forced && forced.count > 0) {
    forced.count--;
    answers.forced(forced.code, forced.retryAfter ? { 'Retry-After': forced.retryAfter } : {});
    return forced.code;
  }
  if (faults.failEvery > 0 && n % faults.failEvery === 0) {
    answers.fail();
    return 500;
  }
  return null;
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendText(res, status, 'application/json;charset=UTF-8', JSON.stringify(body), headers);
}

export function sendText(
  res: http.ServerResponse,
  status: number,
  type: string,
  text: string,
  headers: Record<string, string> = {},
): void {
  sendBytes(res, status, type, Buffer.from(text, 'utf8'), headers);
}

export function sendBytes(
  res: http.ServerResponse,
  status: number,
  type: string,
  bytes: Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': bytes.length, ...headers });
  res.end(bytes);
}

export function argOf(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** True in the module started as `node --import tsx <file>` (run by hand). */
export function isMain(moduleUrl: string): boolean {
  return Boolean(process.argv[1] && moduleUrl === pathToFileURL(process.argv[1]).href);
}

/** For a simulator run by hand: its log lines, time-stamped. */
export function stampedLine(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

/** For a simulator run by hand: close on Ctrl-C or SIGTERM. */
export function closeOnSignal(sim: { close(): Promise<void> }): void {
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
