/**
 * A grid cell's QR code: the URL of its public report form on the gateway, drawn as SVG or PNG by
 * the `qrcode` library with error correction M (15 % of the code may be lost), so a printed code
 * survives some wear. `npm run qr` prints it.
 */
import QRCode from 'qrcode';

/** `<base>/r/<cellId>`; `undefined` when `base` is not an http(s) URL. */
export function formUrl(base: string, cellId: string): URL | undefined {
  try {
    const url = new URL(`r/${encodeURIComponent(cellId)}`, base.endsWith('/') ? base : `${base}/`);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

const OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

export function qrSvg(url: URL): Promise<string> {
  return QRCode.toString(url.href, { ...OPTIONS, type: 'svg' });
}

/** A PNG `widthPx` wide. */
export function qrPng(url: URL, widthPx: number): Promise<Buffer> {
  return QRCode.toBuffer(url.href, { ...OPTIONS, type: 'png', width: widthPx });
}
