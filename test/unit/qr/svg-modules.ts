// Reads our QR SVG back into a module grid, strictly: anything but the exact shape
// render.ts promises (white square, then dark unit-high rectangles) is an error. Lets
// tests compare the SVG with qrcode's matrix and rasterize it for real decoders.

export interface SvgModules {
  /** Modules per side, quiet zone included (the viewBox side). */
  full: number;
  /** full × full, row-major, 1 = dark. */
  dark: Uint8Array;
}

const SHAPE =
  /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1" shape-rendering="crispEdges"><path fill="#fff" d="M0 0h\1v\1H0z"\/><path fill="#000" d="([^"]*)"\/><\/svg>$/;
const RUN = /M(\d+) (\d+)h(\d+)v1h-(\d+)z/y;

export function svgModules(svg: string): SvgModules {
  const shape = SHAPE.exec(svg);
  if (!shape) throw new Error(`not our QR SVG: ${svg.slice(0, 120)}…`);
  const full = Number(shape[1]);
  const d = shape[2] as string;
  const dark = new Uint8Array(full * full);
  RUN.lastIndex = 0;
  while (RUN.lastIndex < d.length) {
    const at = RUN.lastIndex;
    const m = RUN.exec(d);
    if (!m) throw new Error(`unexpected path data at ${at}: ${d.slice(at, at + 40)}`);
    const [x, y, w, back] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
    if (w !== back || w < 1 || x + w > full || y >= full) throw new Error(`bad run ${m[0]}`);
    for (let c = x; c < x + w; c++) {
      if (dark[y * full + c]) throw new Error(`overlapping run ${m[0]}`);
      dark[y * full + c] = 1;
    }
  }
  return { full, dark };
}

/** The grid without its quiet zone, which must be all light. */
export function innerModules(grid: SvgModules, margin: number): { size: number; data: Uint8Array } {
  const size = grid.full - 2 * margin;
  const data = new Uint8Array(size * size);
  for (let y = 0; y < grid.full; y++) {
    for (let x = 0; x < grid.full; x++) {
      const v = grid.dark[y * grid.full + x] as number;
      const inside = x >= margin && y >= margin && x < margin + size && y < margin + size;
      if (inside) data[(y - margin) * size + (x - margin)] = v;
      else if (v) throw new Error(`dark module in the quiet zone at ${x},${y}`);
    }
  }
  return { size, data };
}
