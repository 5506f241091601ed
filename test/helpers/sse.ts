// Reads a Server-Sent Events stream (GET /v1/events) into parsed events and comment
// lines, as a business system's client would, over a plain HTTP request.
import { request as httpRequest } from 'node:http';

export interface SseEvent {
  event: string;
  data: any;
}

export interface SseListener {
  readonly events: SseEvent[];
  readonly comments: string[];
  /** The answer's status; 0 until it came. */
  status(): number;
  close(): void;
}

export function listenSse(url: string, headers: Record<string, string> = {}): SseListener {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let buffer = '';
  let status = 0;
  const req = httpRequest(url, { headers }, (res) => {
    status = res.statusCode ?? 0;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith(':')) comments.push(block);
        else {
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
          const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null';
          events.push({ event, data: JSON.parse(data) });
        }
        end = buffer.indexOf('\n\n');
      }
    });
  });
  req.on('error', () => {});
  req.end();
  return { events, comments, status: () => status, close: () => req.destroy() };
}
