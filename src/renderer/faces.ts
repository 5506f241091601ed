// Decorative faces for the five levels: a mouth from a broad smile to a frown. Hidden
// from assistive technology: a button's name is its level's name, nothing else.
const SVG = 'http://www.w3.org/2000/svg';

const MOUTH: Record<number, string> = {
  5: 'M14 26 Q24 38 34 26',
  4: 'M15 28 Q24 34 33 28',
  3: 'M15 30 L33 30',
  2: 'M15 32 Q24 27 33 32',
  1: 'M14 34 Q24 24 34 34',
};

export function face(level: number): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 48 48');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'face');
  const parts: [string, Record<string, string>][] = [
    ['circle', { cx: '24', cy: '24', r: '21', fill: 'none', stroke: 'currentColor', 'stroke-width': '3' }],
    ['circle', { cx: '17', cy: '19', r: '2.6', fill: 'currentColor' }],
    ['circle', { cx: '31', cy: '19', r: '2.6', fill: 'currentColor' }],
    [
      'path',
      {
        d: MOUTH[level] ?? MOUTH[3] ?? '',
        fill: 'none',
        stroke: 'currentColor',
        'stroke-width': '3',
        'stroke-linecap': 'round',
      },
    ],
  ];
  for (const [tag, attrs] of parts) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    svg.append(node);
  }
  return svg;
}
