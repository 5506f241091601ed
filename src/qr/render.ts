// QR symbols as pictures: SVG for the screens (drawn here from qrcode's module matrix,
// synchronously, since the engine's QR hook is synchronous) and PNG for receipts.

import QRCode, { type QRCodeSegment } from 'qrcode';
import { matrixToPng } from './png.js';

/** M (15 %) survives a smudged screen or a creased receipt at a moderate symbol size. */
export const QR_ERROR_CORRECTION = 'M';

/** Quiet zone in modules: the white background carries it, so it scans on a dark page too. */
export const QR_MARGIN = 2;

/** The module grid of a symbol: size × size, row-major, 1 = dark. */
export interface QrMatrix {
  size: number;
  data: Uint8Array;
}

/**
 * One byte-mode segment: our texts are URLs with base64url tokens, which byte mode holds
 * about as well as qrcode's mixed-mode search, at half the cost of that search. Every
 * rendering goes through here so the SVG and the PNG of a text are the same symbol (and
 * the bench's baseline encodes the same segment, so it does the same work).
 */
export function qrSegments(text: string): QRCodeSegment[] {
  return [{ mode: 'byte', data: Buffer.from(text, 'utf8') }];
}

/**
 * The last few symbols made: a prompt's QR is drawn as SVG when it opens and again as
 * a PNG when the receipt is printed, and qrcode's mask search is the costly part of both.
 */
const recent = new Map<string, QrMatrix>();
const RECENT_MAX = 8;

/** Throws (qrcode's error) when the text is too long for any QR version. Callers must not change the matrix. */
export function qrMatrix(text: string): QrMatrix {
  const known = recent.get(text);
  if (known) return known;
  const { modules } = QRCode.create(qrSegments(text), { errorCorrectionLevel: QR_ERROR_CORRECTION });
  const matrix = { size: modules.size, data: modules.data };
  recent.set(text, matrix);
  if (recent.size > RECENT_MAX) recent.delete(recent.keys().next().value as string);
  return matrix;
}

/**
 * Each horizontal run of dark modules is one closed rectangle `M x y h w v1 h-w z`, filled:
 * no reliance on stroke widths, and exact edges at any scale.
 */
export function matrixToSvg(matrix: QrMatrix, margin = QR_MARGIN): string {
  const { size, data } = matrix;
  const full = size + 2 * margin;
  const parts: string[] = [];
  for (let row = 0; row < size; row++) {
    const base = row * size;
    let col = 0;
    while (col < size) {
      if (!data[base + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && data[base + col]) col++;
      const width = col - start;
      parts.push(`M${start + margin} ${row + margin}h${width}v1h-${width}z`);
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${full}" shape-rendering="crispEdges">` +
    `<path fill="#fff" d="M0 0h${full}v${full}H0z"/>` +
    `<path fill="#000" d="${parts.join('')}"/></svg>`
  );
}

/** A self-contained `<svg…>` string of the QR symbol of `text`. */
export function qrSvg(text: string): string {
  return matrixToSvg(qrMatrix(text));
}

export async function renderSvg(text: string): Promise<string> {
  return qrSvg(text);
}

/** The hall's static QR (qr.staticUrl) for idle screens: the same symbol style as prompts'. */
export function staticQrSvg(url: string): string {
  return qrSvg(url);
}

export interface PngOptions {
  /** Pixels per module; 4 gives about 0.5 mm modules on a 203 dpi receipt printer. */
  scale?: number;
}

export async function renderPng(text: string, options: PngOptions = {}): Promise<Buffer> {
  return matrixToPng(qrMatrix(text), options.scale ?? 4, QR_MARGIN);
}
