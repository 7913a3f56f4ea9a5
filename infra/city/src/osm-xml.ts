/** OSM XML reader (`.osm`, `.osm.gz`): a tag scanner good for extracts, not a general XML parser. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { OsmFormatError, type OsmSink, type ProgressFn } from './osm-source.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number.parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

function attr(attrs: string, name: string): string | undefined {
  const re = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`);
  const m = re.exec(attrs);
  if (!m) return undefined;
  return unescapeXml(m[2] ?? m[3] ?? '');
}

/** Reads OSM XML, gzipped when the file starts with the gzip magic bytes. */
export function readOsmXml(file: string, sink: OsmSink, onProgress?: ProgressFn): void {
  let bytes: Uint8Array = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const text = new TextDecoder().decode(bytes);
  if (!/<osm[\s>]/.test(text.slice(0, 4096))) throw new OsmFormatError(`${file}: no <osm> root element`);
  const re = /<(\/?)(node|way|nd|tag|relation)\b([^>]*?)(\/?)>/g;
  let way: { id: number; refs: number[]; tags: Record<string, string> } | undefined;
  let inRelation = false;
  let lastReport = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const closing = m[1] === '/';
    const name = m[2];
    const attrs = m[3] ?? '';
    const selfClosing = m[4] === '/';
    if (closing) {
      if (name === 'way' && way) {
        sink.way(way.id, way.refs, way.tags);
        way = undefined;
      } else if (name === 'relation') inRelation = false;
      continue;
    }
    switch (name) {
      case 'node': {
        const id = Number(attr(attrs, 'id'));
        const lat = Number(attr(attrs, 'lat'));
        const lon = Number(attr(attrs, 'lon'));
        if (Number.isFinite(id) && Number.isFinite(lat) && Number.isFinite(lon)) sink.node(id, lon, lat);
        break;
      }
      case 'way':
        way = { id: Number(attr(attrs, 'id')), refs: [], tags: {} };
        if (selfClosing) {
          sink.way(way.id, way.refs, way.tags);
          way = undefined;
        }
        break;
      case 'nd':
        way?.refs.push(Number(attr(attrs, 'ref')));
        break;
      case 'tag':
        if (way && !inRelation) {
          const k = attr(attrs, 'k');
          if (k !== undefined) way.tags[k] = attr(attrs, 'v') ?? '';
        }
        break;
      case 'relation':
        inRelation = !selfClosing;
        break;
    }
    if (onProgress && m.index - lastReport > 1 << 20) {
      lastReport = m.index;
      onProgress(m.index, text.length);
    }
  }
  onProgress?.(text.length, text.length);
}
