/**
 * The JSON text of each record a decision publishes, made once: the commit writes the records into
 * the matter's outbox (Redis) and the publish sends the same records to Kafka, so the text made for
 * the outbox is the Kafka value too (the contracts' codecs encode records as `JSON.stringify` gives
 * them; `record-json.test.ts` checks that it is the same text). Records are not changed once a
 * decision is finished, so a text is kept per record object (a weak map: it goes with the record).
 */
import type { Outputs } from './model.ts';

const texts = new WeakMap<object, string>();

/** `JSON.stringify(record)`, made once per record object. */
export function recordJson(record: object): string {
  let text = texts.get(record);
  if (text === undefined) {
    text = JSON.stringify(record);
    texts.set(record, text);
  }
  return text;
}

/**
 * `JSON.stringify({ at, cid, o })` (`cid` left out when undefined) built from the records' texts:
 * the same text, with each record stringified once for the outbox and the publish together.
 */
export function outboxJson(at: number, cid: string | undefined, o: Partial<Outputs>): string {
  const lists: string[] = [];
  for (const [field, list] of Object.entries(o) as [string, readonly object[]][]) {
    lists.push(`${JSON.stringify(field)}:[${list.map(recordJson).join(',')}]`);
  }
  const head = `{"at":${JSON.stringify(at)}${cid === undefined ? '' : `,"cid":${JSON.stringify(cid)}`}`;
  return `${head},"o":{${lists.join(',')}}}`;
}
