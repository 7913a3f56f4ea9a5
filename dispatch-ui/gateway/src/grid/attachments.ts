/**
 * Report photos in Redis, where every gateway instance reaches them: one hash per photo (bytes,
 * sniffed type, the cell it was reported in) with a time to live. Only JPEG, PNG and WebP are kept,
 * recognised by their first bytes (never by what the client claims), up to a size cap. Kafka only
 * ever carries the id.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

/** The image type of `bytes` from its signature, or `undefined` when it is none of the three. */
export function sniffPhoto(bytes: Uint8Array): PhotoType | undefined {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (b.length >= 8 && png.every((v, i) => b[i] === v)) return 'image/png';
  const ascii = (from: number, to: number) => Buffer.from(b.subarray(from, to)).toString('latin1');
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

export interface StoredPhoto {
  readonly type: PhotoType;
  readonly cellId: string;
  readonly bytes: Buffer;
}

export interface AttachmentStoreOptions {
  /** Largest photo kept, in bytes. @defaultValue 2 MiB */
  readonly maxBytes?: number;
  /** How long a photo is kept, in seconds. @defaultValue 30 days (the retention of `incidents.reported`) */
  readonly ttlSec?: number;
}

export class AttachmentStore {
  readonly maxBytes: number;
  readonly ttlSec: number;

  constructor(
    private readonly redis: Redis,
    opts: AttachmentStoreOptions = {},
  ) {
    this.maxBytes = opts.maxBytes ?? 2 * 1024 * 1024;
    this.ttlSec = opts.ttlSec ?? 30 * 24 * 3600;
  }

  private key(id: string): string {
    return `gr:att:${id}`;
  }

  /** Keeps a photo already checked with {@link sniffPhoto} and the size cap; resolves to its id. */
  async put(photo: StoredPhoto): Promise<string> {
    const id = `att-${randomUUID()}`;
    await this.redis
      .multi()
      .hset(this.key(id), { type: photo.type, cell: photo.cellId, bytes: photo.bytes })
      .expire(this.key(id), this.ttlSec)
      .exec();
    return id;
  }

  async get(id: string): Promise<StoredPhoto | undefined> {
    if (!/^att-[0-9a-f-]{36}$/.test(id)) return undefined;
    const [type, cell, bytes] = await this.redis.hmgetBuffer(this.key(id), 'type', 'cell', 'bytes');
    if (!type || !cell || !bytes) return undefined;
    return { type: type.toString() as PhotoType, cellId: cell.toString(), bytes };
  }
}
