/**
 * STAND-IN for the router (issue 12, not on main yet), for the browser tests only: it writes the
 * timeline entries the router writes for an officer's acknowledgements (`dispatch.acks`:
 * accepted → `acknowledged`, en route, on scene, completed → `resolved`) and outcomes
 * (`outcomes.labelled` → `outcome`), with the router's deterministic event ids, so the operator's
 * timeline can be tested through the real gateway. Delete it (and start the router in
 * `stack.ts`) when the router lands.
 */
import { Codecs, type DispatchAck, type OutcomeLabel, type TimelineEvent, Topic } from '@fenghuo/contracts';
import { EventProducer, type Logger } from '@fenghuo/kit';
import type { Consumer, Kafka } from 'kafkajs';

export interface Matter {
  readonly refKind: 'alert' | 'incident';
  readonly refId: string;
  readonly stationId: string;
  readonly gridCellId?: string;
}

export async function startRouterStandIn(
  kafka: Kafka,
  logger: Logger,
  prefix: string,
  matterOf: (orderId: string) => Matter | undefined,
): Promise<{ stop(): Promise<void> }> {
  const producer = new EventProducer(kafka, logger, { topicPrefix: prefix });
  await producer.connect();
  const consumer: Consumer = kafka.consumer({ groupId: `${prefix}router-stand-in`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({
    topics: [`${prefix}${Topic.DispatchAcks}`, `${prefix}${Topic.OutcomesLabelled}`],
    fromBeginning: true,
  });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      if (!message.value) return;
      const entries: TimelineEvent[] = [];
      if (topic.endsWith(Topic.DispatchAcks)) {
        const decoded = Codecs.DispatchAck.decode(message.value);
        if (!decoded.ok) return;
        const ack: DispatchAck = decoded.value;
        const m = matterOf(ack.orderId);
        if (!m) return;
        const base = {
          version: 1 as const,
          refKind: m.refKind,
          refId: m.refId,
          at: ack.at,
          stationId: m.stationId,
          ...(m.gridCellId ? { gridCellId: m.gridCellId } : {}),
          ...(ack.actor ? { actor: { username: ack.actor.username, role: ack.actor.role } } : {}),
        };
        const ids = { orderId: ack.orderId, unitId: ack.unitId };
        const id = (type: string) => `${m.refId}:${type}:${ack.orderId}`;
        switch (ack.status) {
          case 'accepted':
            entries.push({ ...base, ...ids, type: 'acknowledged', eventId: id('acknowledged') });
            break;
          case 'en_route':
            entries.push({ ...base, ...ids, type: 'en_route', eventId: id('en_route') });
            break;
          case 'on_scene':
            entries.push({ ...base, ...ids, type: 'on_scene', eventId: id('on_scene') });
            break;
          case 'completed':
            entries.push({ ...base, ...ids, type: 'resolved', eventId: id('resolved') });
            break;
          default:
            return;
        }
      } else {
        const decoded = Codecs.OutcomeLabel.decode(message.value);
        if (!decoded.ok) return;
        const label: OutcomeLabel = decoded.value;
        const m = matterOf(`alert:${label.alertId}`);
        if (!m) return;
        entries.push({
          version: 1,
          type: 'outcome',
          eventId: `${label.alertId}:outcome:${label.eventId}`,
          refKind: 'alert',
          refId: label.alertId,
          at: label.labelledAt,
          stationId: m.stationId,
          outcome: label.outcome,
          ...(label.amountSaved === undefined ? {} : { amountSaved: label.amountSaved }),
        });
      }
      await producer.send(Topic.TimelineEvents, entries);
    },
  });
  return {
    async stop() {
      await Promise.allSettled([consumer.disconnect(), producer.close()]);
    },
  };
}
