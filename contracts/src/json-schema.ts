/** Renders every contract as a standalone JSON Schema document (draft 2020-12 compatible). */
import { Codecs } from './catalogue.ts';

/**
 * Drops the `$id` of embedded schemas (an `Alert` inside a `Snapshot`): each file is one resource,
 * so a validator can load every file at once without two of them claiming the same id.
 */
function withoutNestedIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNestedIds);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== '$id') out[k] = withoutNestedIds(v);
  return out;
}

export function renderJsonSchemas(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, codec] of Object.entries(Codecs)) {
    // JSON.stringify drops TypeBox's symbol-keyed metadata, leaving plain JSON Schema.
    const plain = JSON.parse(JSON.stringify(codec.schema)) as Record<string, unknown>;
    const doc = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      ...Object.fromEntries(
        Object.entries(plain).map(([k, v]) => [k, k === '$id' ? v : withoutNestedIds(v)]),
      ),
      $id: `https://fenghuo.local/contracts/${name}.json`,
      title: name,
    };
    out.set(`${name}.json`, `${JSON.stringify(doc, null, 2)}\n`);
  }
  return out;
}
