/**
 * OSM PBF reader (https://wiki.openstreetmap.org/wiki/PBF_Format): length-prefixed BlobHeader +
 * Blob pairs, zlib-compressed PrimitiveBlocks, read one blob at a time from the file. Decodes
 * nodes, dense nodes and ways; relations and metadata are skipped.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { OsmFormatError, type OsmSink, type ProgressFn } from './osm-source.js';
import { ProtoReader, readPackedVarints } from './protobuf-reader.js';

const MAX_HEADER = 64 * 1024;
const MAX_BLOB = 32 * 1024 * 1024;

function readExactly(fd: number, length: number, position: number): Uint8Array {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) throw new OsmFormatError(`unexpected end of file at byte ${position + got}`);
    got += n;
  }
  return buf;
}

/** Reads an OSM PBF file and feeds its nodes and ways to `sink`. */
export function readOsmPbf(file: string, sink: OsmSink, onProgress?: ProgressFn): void {
  const fd = openSync(file, 'r');
  try {
    const total = fstatSync(fd).size;
    let pos = 0;
    while (pos < total) {
      const lenBytes = readExactly(fd, 4, pos);
      const headerLen = new DataView(lenBytes.buffer).getUint32(0, false);
      if (headerLen > MAX_HEADER)
        throw new OsmFormatError(`BlobHeader of ${headerLen} bytes at byte ${pos}: not an OSM PBF file?`);
      pos += 4;
      const header = readExactly(fd, headerLen, pos);
      pos += headerLen;
      let type = '';
      let dataSize = 0;
      const hr = new ProtoReader(header);
      while (!hr.done()) {
        const key = hr.key();
        if (key === ((1 << 3) | 2)) type = hr.string();
        else if (key === ((3 << 3) | 0)) dataSize = hr.varint();
        else hr.skip(key & 7);
      }
      if (dataSize > MAX_BLOB) throw new OsmFormatError(`blob of ${dataSize} bytes exceeds the 32 MiB limit`);
      const blob = readExactly(fd, dataSize, pos);
      pos += dataSize;
      if (type === 'OSMData') decodePrimitiveBlock(unpackBlob(blob), sink);
      else if (type === 'OSMHeader') checkHeader(unpackBlob(blob));
      onProgress?.(pos, total);
    }
  } finally {
    closeSync(fd);
  }
}

function unpackBlob(blob: Uint8Array): Uint8Array {
  const r = new ProtoReader(blob);
  while (!r.done()) {
    const key = r.key();
    const field = key >>> 3;
    if (field === 1) {
      const [s, e] = r.bytes();
      return blob.subarray(s, e);
    }
    if (field === 3) {
      const [s, e] = r.bytes();
      return inflateSync(blob.subarray(s, e));
    }
    if (field === 4 || field === 5 || field === 6 || field === 7) {
      throw new OsmFormatError(
        `blob compression ${['lzma', 'bzip2', 'lz4', 'zstd'][field - 4]} is not supported (re-encode with zlib, e.g. osmium cat)`,
      );
    }
    r.skip(key & 7);
  }
  throw new OsmFormatError('blob without data');
}

function checkHeader(data: Uint8Array): void {
  const r = new ProtoReader(data);
  while (!r.done()) {
    const key = r.key();
    if (key >>> 3 === 4) {
      const feature = r.string();
      if (feature !== 'OsmSchema-V0.6' && feature !== 'DenseNodes') {
        throw new OsmFormatError(`required feature ${feature} is not supported`);
      }
    } else r.skip(key & 7);
  }
}

function decodePrimitiveBlock(data: Uint8Array, sink: OsmSink): void {
  const r = new ProtoReader(data);
  const strings: string[] = [];
  const groups: [number, number][] = [];
  let granularity = 100;
  let latOffset = 0;
  let lonOffset = 0;
  const decoder = new TextDecoder();
  while (!r.done()) {
    const key = r.key();
    switch (key >>> 3) {
      case 1: {
        const [s, e] = r.bytes();
        const sr = new ProtoReader(data, s, e);
        while (!sr.done()) {
          const k = sr.key();
          if (k >>> 3 === 1) {
            const [a, b] = sr.bytes();
            strings.push(decoder.decode(data.subarray(a, b)));
          } else sr.skip(k & 7);
        }
        break;
      }
      case 2:
        groups.push(r.bytes());
        break;
      case 17:
        granularity = r.varint();
        break;
      case 19:
        latOffset = r.varint();
        break;
      case 20:
        lonOffset = r.varint();
        break;
      default:
        r.skip(key & 7);
    }
  }
  const toDeg = (offset: number, v: number) => 1e-9 * (offset + granularity * v);
  const lat = (v: number) => toDeg(latOffset, v);
  const lon = (v: number) => toDeg(lonOffset, v);
  for (const [gs, ge] of groups) {
    const g = new ProtoReader(data, gs, ge);
    while (!g.done()) {
      const key = g.key();
      const field = key >>> 3;
      if (field === 1) {
        const [s, e] = g.bytes();
        decodeNode(data, s, e, sink, lat, lon);
      } else if (field === 2) {
        const [s, e] = g.bytes();
        decodeDense(data, s, e, sink, lat, lon);
      } else if (field === 3) {
        const [s, e] = g.bytes();
        decodeWay(data, s, e, sink, strings);
      } else g.skip(key & 7);
    }
  }
}

function decodeNode(
  data: Uint8Array,
  s: number,
  e: number,
  sink: OsmSink,
  lat: (v: number) => number,
  lon: (v: number) => number,
): void {
  const r = new ProtoReader(data, s, e);
  let id = 0;
  let la = 0;
  let lo = 0;
  while (!r.done()) {
    const key = r.key();
    const field = key >>> 3;
    if (field === 1) id = r.svarint();
    else if (field === 8) la = r.svarint();
    else if (field === 9) lo = r.svarint();
    else r.skip(key & 7);
  }
  sink.node(id, lon(lo), lat(la));
}

function decodeDense(
  data: Uint8Array,
  s: number,
  e: number,
  sink: OsmSink,
  lat: (v: number) => number,
  lon: (v: number) => number,
): void {
  const r = new ProtoReader(data, s, e);
  let ids: number[] = [];
  let lats: number[] = [];
  let lons: number[] = [];
  while (!r.done()) {
    const key = r.key();
    const field = key >>> 3;
    if (field === 1 || field === 8 || field === 9) {
      const [a, b] = r.bytes();
      const values = readPackedVarints(data, a, b, true);
      if (field === 1) ids = values;
      else if (field === 8) lats = values;
      else lons = values;
    } else r.skip(key & 7);
  }
  if (lats.length !== ids.length || lons.length !== ids.length)
    throw new OsmFormatError('dense nodes with mismatched id/lat/lon counts');
  let id = 0;
  let la = 0;
  let lo = 0;
  for (let i = 0; i < ids.length; i++) {
    id += ids[i] as number;
    la += lats[i] as number;
    lo += lons[i] as number;
    sink.node(id, lon(lo), lat(la));
  }
}

function decodeWay(data: Uint8Array, s: number, e: number, sink: OsmSink, strings: string[]): void {
  const r = new ProtoReader(data, s, e);
  let id = 0;
  let keys: number[] = [];
  let vals: number[] = [];
  let refs: number[] = [];
  while (!r.done()) {
    const key = r.key();
    const field = key >>> 3;
    if (field === 1) id = r.varint();
    else if (field === 2 || field === 3 || field === 8) {
      const [a, b] = r.bytes();
      const values = readPackedVarints(data, a, b, field === 8);
      if (field === 2) keys = values;
      else if (field === 3) vals = values;
      else refs = values;
    } else r.skip(key & 7);
  }
  const tags: Record<string, string> = {};
  for (let i = 0; i < keys.length; i++)
    tags[strings[keys[i] as number] ?? ''] = strings[vals[i] as number] ?? '';
  let ref = 0;
  for (let i = 0; i < refs.length; i++) {
    ref += refs[i] as number;
    refs[i] = ref;
  }
  sink.way(id, refs, tags);
}
