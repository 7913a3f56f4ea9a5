/** Renders every contract as a standalone JSON Schema document (draft 2020-12 compatible). */
import { Codecs } from './catalogue.ts';

export function renderJsonSchemas(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, codec] of Object.entries(Codecs)) {
    // JSON.stringify drops TypeBox's symbol-keyed metadata, leaving plain JSON Schema.
    const plain = JSON.parse(JSON.stringify(codec.schema)) as Record<string, unknown>;
    const doc = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      ...plain,
      $id: `https://fenghuo.local/contracts/${name}.json`,
      title: name,
    };
    out.set(`${name}.json`, `${JSON.stringify(doc, null, 2)}\n`);
  }
  return out;
}
