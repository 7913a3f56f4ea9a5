/**
 * Redis Cluster hash slots, without dependencies (the engine uses it): which slot a key lands in,
 * and how to split a batch of independent keys into one group per slot.
 */

/** What {@link groupBySlot} needs of a client (ioredis `Redis` and `Cluster` both have it). */
export interface SlotAware {
  readonly isCluster: boolean;
  readonly options: { readonly keyPrefix?: string | undefined };
}

// CRC16-CCITT (XMODEM), the checksum Redis Cluster hashes keys with.
const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let b = 0; b < 8; b++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/** The hash slot (0–16383) of a full key name (client prefix included), honouring `{hash tags}`. */
export function keySlot(key: string): number {
  let k = key;
  const open = k.indexOf('{');
  if (open >= 0) {
    const close = k.indexOf('}', open + 1);
    if (close > open + 1) k = k.slice(open + 1, close);
  }
  let crc = 0;
  for (const byte of Buffer.from(k))
    crc = ((crc << 8) & 0xffff) ^ (CRC_TABLE[((crc >> 8) ^ byte) & 0xff] as number);
  return crc % 16_384;
}

/**
 * Indexes of `keys` (without the client's prefix, which is added here) grouped by hash slot, in
 * first-seen order: one group holding every index on a single server, where any keys may meet in
 * one script. For scripts over independent keys (one per subject, one per event), which a hash tag
 * could only keep together by putting every subject in one slot.
 */
export function groupBySlot(client: SlotAware, keys: readonly string[]): number[][] {
  if (!client.isCluster) return [keys.map((_, i) => i)];
  const prefix = client.options.keyPrefix ?? '';
  const groups = new Map<number, number[]>();
  keys.forEach((key, i) => {
    const slot = keySlot(`${prefix}${key}`);
    const group = groups.get(slot);
    if (group) group.push(i);
    else groups.set(slot, [i]);
  });
  return [...groups.values()];
}
