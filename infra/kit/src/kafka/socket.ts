/**
 * kafkajs's default socket keeps Nagle's algorithm on, so the tail of a small produce, fetch or
 * commit request can wait for the peer's delayed ACK; request/response traffic wants it off, as
 * Node's HTTP server and ioredis do by default. This factory is kafkajs's default plus
 * `setNoDelay(true)`; {@link createKafka} uses it unless told otherwise.
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
