/**
 * `npm run status`: one screen of the running platform. Each service of services.ts: its /readyz
 * (and failing checks), uptime from /healthz, and the last error `npm start` saw from it; each
 * consumer group with members: lag per topic, and events/s into the topic and out through the group
 * over a short sample (two snapshots of high watermarks and committed offsets). A clear line when
 * Kafka does not answer. Exit code 0 when every service is ready and Kafka answers.
 */
import { parseArgs } from 'node:util';
import { createKafka, createLogger, withAdmin } from '@fenghuo/kit';
import { type Admin, AssignerProtocol, type GroupDescription } from 'kafkajs';
import { readLastErrors } from './last-errors.ts';
import { kafkaBrokers, localInfraConfig } from './local-infra.ts';
import { SERVICES } from './services.ts';
import {
  formatStatus,
  type LagRow,
  ratePerSec,
  type ServiceHealth,
  type StatusReport,
  type TopicLag,
  topicEnd,
  topicLag,
} from './status-report.ts';

const USAGE = `Usage: npm run status [-- --all] [--group PREFIX] [--sample SECONDS] [--json]

Each service's health and last error, consumer lag per group and topic, events/s in and out.
  --all             also groups without members (finished tests, stopped services)
  --group PREFIX    only groups whose id starts with PREFIX
  --sample SECONDS  time between the two snapshots for events/s (default 2; 0: no rates)
  --json            the report as JSON
Environment: KAFKA_BROKERS (default: the local broker), service ports as for npm start.`;

const READINESS_PROBE_GROUP = 'fenghuo-readiness-probe';

async function serviceHealth(root: string): Promise<ServiceHealth[]> {
  const lastErrors = readLastErrors(root);
  return Promise.all(
    SERVICES.map(async (def): Promise<ServiceHealth> => {
      const url = def.readyUrl({ ...process.env, ...def.env });
      const base = { name: def.name, url: url.replace(/\/readyz$/, ''), lastError: lastErrors[def.name] };
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        const body = (await res.json().catch(() => ({}))) as { checks?: Record<string, string> };
        const failing = Object.entries(body.checks ?? {})
          .filter(([, v]) => v !== 'ok')
          .map(([k]) => k);
        const health = await fetch(url.replace(/\/readyz$/, '/healthz'), {
          signal: AbortSignal.timeout(2_000),
        })
          .then((r) => r.json() as Promise<{ uptimeSec?: number }>)
          .catch(() => ({}) as { uptimeSec?: number });
        return {
          ...base,
          state: res.status === 200 ? 'ready' : 'not_ready',
          failing,
          uptimeSec: health.uptimeSec,
        };
      } catch {
        return { ...base, state: 'down', failing: [] };
      }
    }),
  );
}

interface Snapshot {
  readonly lags: TopicLag[];
  readonly ends: Map<string, number>;
}

/** Topics a group's members are assigned, decoded from the group's description. */
function assignedTopics(group: GroupDescription): string[] {
  const topics = new Set<string>();
  for (const m of group.members) {
    try {
      const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      for (const t of Object.keys(decoded?.assignment ?? {})) topics.add(t);
    } catch {
      // not a consumer-protocol assignment
    }
  }
  return [...topics];
}

/** Per group: the topics it has committed on, and those its members are assigned. */
async function snapshot(admin: Admin, groups: ReadonlyMap<string, readonly string[]>): Promise<Snapshot> {
  const committed = await Promise.all(
    [...groups].map(async ([g, assigned]) => {
      const known = await admin.fetchOffsets({ groupId: g });
      const missing = assigned.filter((t) => !known.some((k) => k.topic === t));
      const extra = missing.length > 0 ? await admin.fetchOffsets({ groupId: g, topics: missing }) : [];
      return { g, topics: [...known, ...extra] };
    }),
  );
  const topics = [...new Set(committed.flatMap((c) => c.topics.map((t) => t.topic)))];
  const marks = new Map(
    await Promise.all(topics.map(async (t) => [t, await admin.fetchTopicOffsets(t)] as const)),
  );
  const lags: TopicLag[] = [];
  for (const { g, topics: ts } of committed) {
    for (const t of ts) {
      const w = marks.get(t.topic);
      if (w) lags.push(topicLag(g, t.topic, t.partitions, w));
    }
  }
  return { lags, ends: new Map([...marks].map(([t, w]) => [t, topicEnd(w)])) };
}

async function kafkaLags(
  brokers: string[],
  opts: { all: boolean; group: string | undefined; sampleSec: number },
): Promise<{ rows: LagRow[]; hidden: number }> {
  const logger = createLogger({ service: 'status', level: 'silent' });
  const kafka = createKafka(
    { kafkaBrokers: brokers, kafkaClientId: 'fenghuo-status', kafkaTopicPrefix: '' },
    logger,
    {
      client: {
        connectionTimeout: 2_000,
        requestTimeout: 10_000,
        retry: { retries: 1, initialRetryTime: 200 },
      },
    },
  );
  return withAdmin(kafka, async (admin) => {
    const { groups } = await admin.listGroups();
    const candidates = groups
      .map((g) => g.groupId)
      .filter((id) => id !== READINESS_PROBE_GROUP && (opts.group === undefined || id.startsWith(opts.group)))
      .sort();
    const described = candidates.length > 0 ? (await admin.describeGroups(candidates)).groups : [];
    const shown = new Map(
      described
        .filter((d) => opts.all || d.members.length > 0)
        .sort((a, b) => a.groupId.localeCompare(b.groupId))
        .map((d) => [d.groupId, assignedTopics(d)] as const),
    );
    const first = await snapshot(admin, shown);
    let second = first;
    if (opts.sampleSec > 0) {
      await new Promise((r) => setTimeout(r, opts.sampleSec * 1000));
      second = await snapshot(admin, shown);
    }
    const before = new Map(first.lags.map((l) => [`${l.group}\u0000${l.topic}`, l.consumed]));
    const rows = second.lags.map(
      (l): LagRow =>
        opts.sampleSec > 0
          ? {
              ...l,
              inPerSec: ratePerSec(first.ends.get(l.topic), second.ends.get(l.topic), opts.sampleSec),
              outPerSec: ratePerSec(before.get(`${l.group}\u0000${l.topic}`), l.consumed, opts.sampleSec),
            }
          : l,
    );
    return { rows, hidden: candidates.length - shown.size };
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      all: { type: 'boolean', default: false },
      group: { type: 'string' },
      sample: { type: 'string', default: '2' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const sampleSec = Number(values.sample);
  if (!Number.isFinite(sampleSec) || sampleSec < 0 || sampleSec > 60) {
    console.error('--sample takes seconds between 0 and 60');
    return 2;
  }
  const config = localInfraConfig(process.env);
  const brokers = process.env.KAFKA_BROKERS ? process.env.KAFKA_BROKERS.split(',') : kafkaBrokers(config);
  const [services, kafka] = await Promise.all([
    serviceHealth(config.root),
    kafkaLags(brokers, { all: values.all, group: values.group, sampleSec }).then(
      (r) => ({ ok: true as const, ...r }),
      (err: unknown) => ({ ok: false as const, error: (err as Error).message }),
    ),
  ]);
  const report: StatusReport = {
    at: new Date().toISOString(),
    brokers,
    services,
    sampleSec,
    ...(kafka.ok
      ? { lags: kafka.rows, hiddenGroups: kafka.hidden }
      : { kafkaError: kafka.error, hiddenGroups: 0 }),
  };
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
  return kafka.ok && services.every((s) => s.state === 'ready') ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[status] error: ${(err as Error).message}`);
    process.exit(1);
  },
);
