import { describe, expect, it } from 'vitest';
import { sniffPhoto } from './attachments.ts';

describe('sniffPhoto', () => {
  it('knows JPEG, PNG and WebP by their first bytes', () => {
    expect(sniffPhoto(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('image/jpeg');
    expect(sniffPhoto(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffPhoto(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
  });

  it('refuses anything else, whatever it claims to be', () => {
    expect(sniffPhoto(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(sniffPhoto(Buffer.from('GIF89a'))).toBeUndefined();
    expect(sniffPhoto(Buffer.from('RIFF\x10\x00\x00\x00WAVE', 'latin1'))).toBeUndefined();
    expect(sniffPhoto(Buffer.from([0xff, 0xd8]))).toBeUndefined();
    expect(sniffPhoto(Buffer.alloc(0))).toBeUndefined();
  });
});
