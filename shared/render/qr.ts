import qrcode from 'qrcode-generator';
import { escapeHtml } from './html.ts';

const QUIET_ZONE = 4;

/**
 * The text as a QR code in SVG: one path of horizontal runs in module units (small, sharp at any
 * size), a four-module quiet zone, error correction M (survives print smudges, stays compact).
 */
export function qrSvg(text: string, options: { title?: string; sizePx?: number } = {}): string {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const count = qr.getModuleCount();
  const size = count + QUIET_ZONE * 2;
  let path = '';
  for (let row = 0; row < count; row++) {
    let col = 0;
    while (col < count) {
      if (!qr.isDark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < count && qr.isDark(row, col)) col++;
      path += `M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${col - start}v1h-${col - start}z`;
    }
  }
  const px = options.sizePx ?? size * 8;
  const title = options.title ?? text;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}" viewBox="0 0 ${size} ${size}" ` +
    `shape-rendering="crispEdges" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title>` +
    `<rect width="${size}" height="${size}" fill="#fff"/>` +
    `<path fill="#000" d="${path}"/></svg>`
  );
}
