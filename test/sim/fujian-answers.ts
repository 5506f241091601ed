// The Fujian gateway simulator's answers: the SOAP envelope, and the hostile answers a
// broken or malicious gateway could give (entity expansion, 100 MB, invalid GBK, an HTML
// page, a SOAP fault, a <return> that is not a <Case>).

import type http from 'node:http';
import { sendBytes, sendText } from './http-sim-server.js';

export type Hostile =
  | 'billion-laughs'
  | 'huge'
  | 'invalid-gbk'
  | 'html'
  | 'soap-fault'
  | 'return-not-xml'
  | 'case-without-code';

export function sendHostile(res: http.ServerResponse, kind: Hostile) {
  switch (kind) {
    case 'billion-laughs': {
      const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from(
        { length: 9 },
        (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
      ).join('')}]>`;
      return sendText(
        res,
        200,
        'text/xml; charset=utf-8',
        `${lol}<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><r><return>&lol9;</return></r></soap:Body></soap:Envelope>`,
      );
    }
    case 'huge': {
      // 100 MB, streamed from one reused chunk: the simulator holds 1 MB, not 100.
      const chunk = Buffer.alloc(1 << 20, 0x41);
      res.writeHead(200, {
        'Content-Type': 'text/xml; charset=utf-8',
        'Content-Length': 100 * chunk.length,
      });
      let sent = 0;
      const pump = () => {
        while (sent < 100 && !res.destroyed) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      res.on('close', () => {
        sent = 100;
      });
      return pump();
    }
    case 'invalid-gbk':
      return sendBytes(
        res,
        200,
        'text/xml; charset=GBK',
        Buffer.concat([
          Buffer.from('<?xml version="1.0" encoding="GBK"?><a>'),
          Buffer.from([0xff, 0xfe, 0x81]),
          Buffer.from('</a>'),
        ]),
      );
    case 'html':
      return sendText(res, 200, 'text/html; charset=utf-8', '<html><body><h1>系统维护中</h1></body></html>');
    case 'soap-fault':
      return sendSoap(
        res,
        '<soap:Fault><faultcode>soap:Server</faultcode><faultstring>java.lang.NullPointerException</faultstring></soap:Fault>',
      );
    case 'return-not-xml':
      return sendSoap(res, '<r><return>系统异常，请稍后再试</return></r>');
    case 'case-without-code':
      return sendSoap(res, `<r><return>${esc('<Case><msg>ok</msg></Case>')}</return></r>`);
  }
}

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function sendSoap(res: http.ServerResponse, inner: string): void {
  sendText(
    res,
    200,
    'text/xml; charset=utf-8',
    `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${inner}</soap:Body></soap:Envelope>`,
  );
}
