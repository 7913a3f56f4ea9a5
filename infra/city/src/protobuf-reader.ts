/** A minimal protocol-buffers wire-format reader: just what OSM PBF needs. */

export class ProtoReader {
  pos: number;
  readonly end: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** Unsigned varint as a number (exact up to 2^53). */
  varint(): number {
    const buf = this.buf;
    let b = buf[this.pos++] as number;
    if (b < 0x80) return b;
    let result = b & 0x7f;
    let mul = 0x80;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      b = buf[this.pos++] as number;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 0x80;
    }
  }

  /** Zig-zag decoded signed varint (sint32/sint64). */
  svarint(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  /** Field key: returns `field << 3 | wireType`. */
  key(): number {
    return this.varint();
  }

  /** Reads a length prefix and returns [start, end) of the bytes, advancing past them. */
  bytes(): [number, number] {
    const len = this.varint();
    const start = this.pos;
    this.pos += len;
    if (this.pos > this.end) throw new Error('truncated length-delimited field');
    return [start, this.pos];
  }

  string(): string {
    const [s, e] = this.bytes();
    return textDecoder.decode(this.buf.subarray(s, e));
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        return;
      case 2:
        this.bytes();
        return;
      case 5:
        this.pos += 4;
        return;
      default:
        throw new Error(`unsupported wire type ${wireType}`);
    }
  }
}

const textDecoder = new TextDecoder();

/** Decodes a packed varint field located at [start, end) into a new array. */
export function readPackedVarints(buf: Uint8Array, start: number, end: number, signed: boolean): number[] {
  const r = new ProtoReader(buf, start, end);
  const out: number[] = [];
  while (r.pos < end) out.push(signed ? r.svarint() : r.varint());
  return out;
}
