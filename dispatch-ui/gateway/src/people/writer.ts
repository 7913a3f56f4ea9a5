/**
 * What people's actions write to Kafka: the event (an acknowledgement, a status change, a command,
 * an outcome) and its audit entry in one request to the broker, validated against the contracts by
 * the kit's producer; a refusal writes its audit entry alone. Resolves once the broker acknowledged.
 */
import { Topic } from '@fenghuo/contracts';
import type { EventProducer, OutgoingBatch } from '@fenghuo/kit';
import { correlationHeaders } from '@fenghuo/kit';
import { type AuditInput, auditEvent } from './audit.ts';

export type PeopleTopic =
  | typeof Topic.DispatchAcks
  | typeof Topic.UnitsStatus
  | typeof Topic.OperatorCommands
  | typeof Topic.OutcomesLabelled;

export interface PeopleWriter {
  /** Writes `batch` (if any) and the audit entry together. */
  write(batch: OutgoingBatch<PeopleTopic> | undefined, audit: AuditInput): Promise<void>;
  /** Writes an audit entry alone. */
  audit(audit: AuditInput): Promise<void>;
}

export function kafkaPeopleWriter(producer: EventProducer, now: () => number = Date.now): PeopleWriter {
  const auditBatch = (input: AuditInput): OutgoingBatch => {
    const headers = correlationHeaders(input.correlationId);
    return { topic: Topic.AuditEvents, events: [auditEvent(input, now())], ...(headers ? { headers } : {}) };
  };
  return {
    async write(batch, audit) {
      await producer.sendBatches(
        batch === undefined ? [auditBatch(audit)] : [batch as OutgoingBatch, auditBatch(audit)],
      );
    },
    async audit(audit) {
      await producer.sendBatches([auditBatch(audit)]);
    },
  };
}
