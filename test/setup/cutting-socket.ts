/**
 * A kafkajs socket factory that replaces the answers of chosen requests by a cut connection: what
 * the peer of a leader or coordinator SIGKILLed between its work and its answer sees. Set how many
 * of the next requests of an API key (a kafkajs request starts with an int32 size and an int16 API
 * key) get that treatment in `cut`; each such request still reaches the broker, which does its work.
 */
import { connect } from 'node:net';
import type { ISocketFactory } from 'kafkajs';

export const KAFKA_API = { produce: 0, endTxn: 26 } as const;

export function cuttingSocketFactory(cut: Map<number, number>): ISocketFactory {
  return ({ host, port, onConnect }) => {
    const socket = connect({ host, port }, onConnect);
    let cutOnAnswer = false;
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (Buffer.isBuffer(chunk) && chunk.length >= 6) {
        const apiKey = chunk.readInt16BE(4);
        const left = cut.get(apiKey) ?? 0;
        if (left > 0) {
          cut.set(apiKey, left - 1);
          cutOnAnswer = true;
        }
      }
      return write(chunk, ...rest);
    }) as typeof socket.write;
    const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
    socket.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event === 'data' && cutOnAnswer) {
        socket.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
        return true;
      }
      return emit(event, ...args);
    }) as typeof socket.emit;
    return socket;
  };
}
