import { describe, expect, it } from 'vitest';
import { bindingFor, Codecs } from './catalogue.ts';
import { DLQ_SUFFIX, SERVICE_NAMES, TOPICS, Topic, type TopicName, topicSpec } from './topics.ts';

const DAY_MS = 86_400_000;
const eventTopics = TOPICS.filter((t) => !t.name.endsWith(DLQ_SUFFIX));

describe('topic catalogue', () => {
  it('names every topic of Topic once, with a binding to the contract it says it carries', () => {
    expect(eventTopics.map((t) => t.name).sort()).toEqual(Object.values(Topic).sort());
    for (const t of eventTopics) {
      expect(Object.keys(Codecs), t.name).toContain(t.event);
      expect(bindingFor(t.name as TopicName).codec.name, t.name).toBe(t.event);
    }
  });

  it('gives every topic one owner that writes it', () => {
    for (const t of eventTopics) {
      if (t.owner === 'each producer') continue;
      expect(SERVICE_NAMES, t.name).toContain(t.owner);
      expect(t.producers, t.name).toContain(t.owner);
    }
    const owner = (name: string) => topicSpec(name)?.owner;
    expect(owner(Topic.DispatchOrders)).toBe('router');
    expect(topicSpec(Topic.DispatchOrders)?.producers).toEqual(['router']);
    expect(owner(Topic.TimelineEvents)).toBe('router');
    expect(topicSpec(Topic.TimelineEvents)?.producers).toEqual(['router']);
    expect(owner(Topic.UnitsStatus)).toBe('router');
    expect(owner(Topic.AlertsRaised)).toBe('fraud-scorer');
    expect(owner(Topic.InterceptionsPlans)).toBe('interceptor');
    expect(owner(Topic.RulesSets)).toBe('rules');
    expect(owner(Topic.OperatorCommands)).toBe('gateway');
    expect(owner(Topic.AuditEvents)).toBe('each producer');
    expect(owner(Topic.AuditLog)).toBe('audit-writer');
    expect(topicSpec(Topic.AuditLog)?.producers).toEqual(['audit-writer']);
  });

  it('keeps what backtests and replays need', () => {
    const retention = (name: string) => topicSpec(name)?.retentionMs;
    expect(retention(Topic.FraudIndicators)).toBe(30 * DAY_MS);
    expect(retention(Topic.VehiclesSighted)).toBe(30 * DAY_MS);
    expect(retention(Topic.UnitsPositions)).toBe(7 * DAY_MS);
    expect(retention(Topic.AuditLog)).toBe(-1);
    expect(topicSpec(Topic.AuditLog)?.partitions).toBe(1);
    expect(topicSpec(Topic.VehiclesWatchlist)?.cleanupPolicy).toBe('compact');
  });

  it('pairs every consumed topic with a dead-letter topic written by its consumers', () => {
    for (const t of eventTopics) {
      const dlq = topicSpec(`${t.name}${DLQ_SUFFIX}`);
      if (t.consumers.length === 0) expect(dlq, t.name).toBeUndefined();
      else expect(dlq?.producers, t.name).toEqual(t.consumers);
    }
  });
});
