/**
 * The shadow version beside the live one over the last hours: every alert revision on
 * `alerts.raised` and on `alerts.shadow` for the rule set since then (read back by time), by
 * resident: who both alerted, who only one did, and where their levels differ.
 */
import {
  ALERT_LEVELS,
  type Alert,
  type AlertLevel,
  Codecs,
  type ShadowComparison,
  Topic,
} from '@fenghuo/contracts';
import { prefixedTopic } from '@fenghuo/kit';
import type { Kafka } from 'kafkajs';
import { readRange } from './backtest/kafka-range.ts';

interface Seen {
  level: AlertLevel;
  score: number;
}

interface Channel {
  readonly versions: Set<number>;
  readonly alerts: Map<string, Seen>;
  readonly subjects: Map<string, Seen>;
}

const rank = (l: AlertLevel) => ALERT_LEVELS.indexOf(l);
const MAX_EXAMPLES = 50;

function keep(map: Map<string, Seen>, key: string, a: Alert): void {
  const cur = map.get(key);
  if (
    cur === undefined ||
    rank(a.level) > rank(cur.level) ||
    (a.level === cur.level && a.score > cur.score)
  ) {
    map.set(key, { level: a.level, score: a.score });
  }
}

export function summarise(ruleSetId: string, live: readonly Alert[], shadow: readonly Alert[]) {
  const channel = (alerts: readonly Alert[]): Channel => {
    const c: Channel = { versions: new Set(), alerts: new Map(), subjects: new Map() };
    for (const a of alerts) {
      if (a.ruleSetId !== ruleSetId) continue;
      c.versions.add(a.ruleSetVersion);
      keep(c.alerts, a.alertId, a);
      keep(c.subjects, a.subjectId, a);
    }
    return c;
  };
  const l = channel(live);
  const s = channel(shadow);
  const figures = (c: Channel) => {
    const byLevel = { notice: 0, warning: 0, urgent: 0 };
    for (const a of c.alerts.values()) byLevel[a.level]++;
    return {
      versions: [...c.versions].sort((a, b) => a - b),
      alerts: c.alerts.size,
      subjects: c.subjects.size,
      byLevel,
    };
  };
  let both = 0;
  const examples: ShadowComparison['examples'] = [];
  const subjects = new Set([...l.subjects.keys(), ...s.subjects.keys()]);
  for (const id of [...subjects].sort()) {
    const a = l.subjects.get(id);
    const b = s.subjects.get(id);
    if (a !== undefined && b !== undefined) both++;
    if ((a === undefined || b === undefined || a.level !== b.level) && examples.length < MAX_EXAMPLES) {
      examples.push({
        subjectId: id,
        ...(a === undefined ? {} : { live: a }),
        ...(b === undefined ? {} : { shadow: b }),
      });
    }
  }
  return {
    live: figures(l),
    shadow: figures(s),
    bothSubjects: both,
    onlyLive: l.subjects.size - both,
    onlyShadow: s.subjects.size - both,
    examples,
  };
}

async function alertsSince(kafka: Kafka, topic: string, fromMs: number, toMs: number): Promise<Alert[]> {
  const out: Alert[] = [];
  await readRange({
    kafka,
    topic,
    fromMs,
    toMs,
    groupPrefix: 'rules-shadow',
    onBatch: async (records) => {
      for (const r of records) {
        if (r.value === null) continue;
        const d = Codecs.Alert.decode(r.value);
        if (d.ok) out.push(d.value);
      }
    },
  });
  return out;
}

export interface ShadowCompareOptions {
  readonly kafka: Kafka;
  readonly topicPrefix: string;
  readonly ruleSetId: string;
  readonly hours: number;
  readonly nowMs: number;
  readonly liveVersion?: number;
  readonly shadowVersion?: number;
}

export async function compareShadow(opts: ShadowCompareOptions): Promise<ShadowComparison> {
  const fromMs = opts.nowMs - opts.hours * 3_600_000;
  const toMs = opts.nowMs + 1;
  const [live, shadow] = await Promise.all([
    alertsSince(opts.kafka, prefixedTopic(opts.topicPrefix, Topic.AlertsRaised), fromMs, toMs),
    alertsSince(opts.kafka, prefixedTopic(opts.topicPrefix, Topic.AlertsShadow), fromMs, toMs),
  ]);
  return {
    ruleSetId: opts.ruleSetId,
    ...(opts.shadowVersion === undefined ? {} : { shadowVersion: opts.shadowVersion }),
    ...(opts.liveVersion === undefined ? {} : { liveVersion: opts.liveVersion }),
    since: new Date(fromMs).toISOString(),
    until: new Date(opts.nowMs).toISOString(),
    ...summarise(opts.ruleSetId, live, shadow),
  };
}
