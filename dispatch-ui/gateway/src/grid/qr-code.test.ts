import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { formUrl, qrPng, qrSvg } from './qr-code.ts';

describe('cell QR codes', () => {
  it("point at the cell's form under the gateway's base URL", () => {
    expect(formUrl('https://fh.example.cn', 'cell-0101')?.href).toBe('https://fh.example.cn/r/cell-0101');
    expect(formUrl('https://fh.example.cn/gw/', 'cell 1')?.href).toBe('https://fh.example.cn/gw/r/cell%201');
    expect(formUrl('ftp://x', 'cell-0101')).toBeUndefined();
    expect(formUrl('not a url', 'cell-0101')).toBeUndefined();
  });

  it('encode exactly that URL, as SVG and as PNG', async () => {
    const url = formUrl('http://127.0.0.1:8080', 'cell-0101')!;
    const code = QRCode.create(url.href, { errorCorrectionLevel: 'M' });
    // Byte segments hold their bytes, the others their text.
    const text = code.segments
      .map((s) => {
        const data = s.data as unknown;
        return typeof data === 'string' ? data : Buffer.from(data as Uint8Array).toString('latin1');
      })
      .join('');
    expect(text).toBe(url.href);
    expect(await qrSvg(url)).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const png = await qrPng(url, 256);
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(
      true,
    );
    expect(png.readUInt32BE(16)).toBe(256);
  });
});
