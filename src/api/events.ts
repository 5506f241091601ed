// GET /v1/events: Server-Sent Events for the business system. A client that vanishes
// or stops reading is dropped; it never holds up the terminal.
import type { ServerResponse } from 'node:http';

export const KEEP_ALIVE_MS = 15_000;
/** A client this far behind is not reading: drop it rather than buffer without end. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export class EventStream {
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly onClose: () => void,
  ) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(': connected\n\n');
    this.timer = setInterval(() => this.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    this.timer.unref();
    res.on('close', () => this.close());
    res.on('error', () => this.close());
  }

  send(type: string, data: unknown): void {
    this.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.onClose();
    if (!this.res.writableEnded) this.res.end();
  }

  private write(chunk: string): void {
    if (this.closed) return;
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.res.destroy();
      this.close();
      return;
    }
    this.res.write(chunk);
  }
}
