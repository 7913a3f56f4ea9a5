import { describe, expect, expectTypeOf, it } from 'vitest';
import { ClientEventCodecs } from '../catalogue.ts';
import { CLIENT_EVENTS, SERVER_EVENTS } from '../event-catalogue.ts';
import type { DispatchAck } from '../events/dispatch.ts';
import { contractExamples } from '../examples.ts';
import {
  ClientEvent,
  type ClientEventName,
  type ClientEventPayload,
  type ClientEventResult,
  type ClientToServerEvents,
  ServerEvent,
  type ServerEventName,
  type ServerToClientEvents,
} from './events.ts';
import type { Ack, CommandRequest, Receipt } from './payloads.ts';
import type { Snapshot } from './state.ts';

describe('Socket.IO event maps', () => {
  it('name every event once, and the catalogue documents each', () => {
    expectTypeOf<(typeof ServerEvent)[keyof typeof ServerEvent]>().toEqualTypeOf<ServerEventName>();
    expectTypeOf<(typeof ClientEvent)[keyof typeof ClientEvent]>().toEqualTypeOf<ClientEventName>();
    expect(Object.keys(SERVER_EVENTS).sort()).toEqual(Object.values(ServerEvent).sort());
    expect(Object.keys(CLIENT_EVENTS).sort()).toEqual(Object.values(ClientEvent).sort());
    expect(Object.keys(ClientEventCodecs).sort()).toEqual(Object.values(ClientEvent).sort());
  });

  it('type payloads and acknowledgements', () => {
    expectTypeOf<ClientEventPayload<'command:issue'>>().toEqualTypeOf<CommandRequest>();
    expectTypeOf<ClientEventResult<'order:ack'>>().toEqualTypeOf<Receipt>();
    expectTypeOf<ClientEventResult<'snapshot:request'>>().toEqualTypeOf<Snapshot>();
    expectTypeOf<Parameters<ServerToClientEvents['units:positions']>[0]>().toBeArray();
    // An acknowledgement is either data or an error body, never both.
    const answer = (ack: Parameters<ClientToServerEvents['order:ack']>[1]) => {
      ack({ ok: true, data: { eventId: 'ack-o-1-accepted' } });
      ack({ ok: false, error: { code: 'forbidden', message: 'not your order' } });
    };
    expectTypeOf(answer).toBeFunction();
    expectTypeOf<{ ok: true; data: DispatchAck }>().toMatchTypeOf<Ack<DispatchAck>>();
  });

  it('every client payload codec accepts its example and refuses an identity sent by the client', () => {
    for (const [event, codec] of Object.entries(ClientEventCodecs)) {
      const example = contractExamples[codec.name as keyof typeof contractExamples];
      expect(codec.validate(example), event).toEqual({ ok: true, value: example });
      const forged = { ...(example as object), user: { username: 'boss', role: 'supervisor' } };
      const r = codec.validate(forged);
      expect(r.ok, event).toBe(false);
      if (!r.ok)
        expect(
          r.errors.map((e) => e.path),
          event,
        ).toContain('user');
    }
  });
});
