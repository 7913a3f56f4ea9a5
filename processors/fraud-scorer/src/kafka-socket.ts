/**
 * kafkajs's default socket keeps Nagle's algorithm on, so the tail of a small produce, fetch or
 * commit request can wait for the peer's delayed ACK; request/response traffic wants it off, as
 * ioredis does by default. This factory is kafkajs's default plus `setNoDelay(true)`.
 * (Same as ingest/src/kafka-socket.ts; services may not import each other, so it belongs in the kit.)
 */
import { connect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

const KEEP_ALIVE_DELAY_MS = 60_000;

export const noDelaySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
    : connect({ host, port }, onConnect);
  socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
  socket.setNoDelay(true);
  return socket;
};
