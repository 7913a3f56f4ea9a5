/**
 * The rules service's HTTP application (`/api/rules/*`, the same paths the gateway passes through),
 * built from its dependencies: request ids and access logs (no bodies), `/healthz` `/readyz`
 * `/metrics`, the person's token checked on every route (analysts and admins; 401 without a valid
 * token, 403 for other roles, both audited), every body decoded with its contract, and one error
 * handler answering `ApiError` bodies that name each field at fault.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type ApiError,
  type Backtest,
  type BacktestCandidate,
  type Codec,
  Codecs,
  type RuleDiff,
  type RuleSetList,
  type RuleVersionDetail,
  type RuleVersionList,
  type UserIdentity,
} from '@fenghuo/contracts';
import { type CompiledRuleSet, compileRuleSet, RuleCompileError } from '@fenghuo/engine';
import { type AuthTokens, bearerToken, type Logger, requireUser } from '@fenghuo/kit';
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import type { LevelWithSilent } from 'pino';
import { pinoHttp } from 'pino-http';
import { deniedAudit, ruleAudit } from '../audit.ts';
import type { BacktestJobs } from '../backtest/jobs.ts';
import type { RunVersion } from '../backtest/runner.ts';
import {
  type IndicatorSource,
  type KafkaSourceOptions,
  kafkaIndicators,
  kafkaLabels,
  parseNdjson,
  uploadedIndicators,
} from '../backtest/sources.ts';
import {
  type Caller,
  createDraft,
  discardDraft,
  draftView,
  publishDraft,
  rollback,
  stopShadow,
  updateDraft,
} from '../commands.ts';
import { structuralDiff } from '../diff.ts';
import type { HistoryStore } from '../history/history-store.ts';
import { summaryOf, type VersionRecord } from '../history/rule-history.ts';
import { invalid, notFound, RulesError } from '../rules-error.ts';
import { compareShadow } from '../shadow-compare.ts';
import { validateRuleSet } from '../validation/validate-rule-set.ts';

export interface AppDeps {
  readonly logger: Logger;
  readonly store: HistoryStore;
  readonly jobs: BacktestJobs;
  readonly tokens: Pick<AuthTokens, 'verify'>;
  /** Reading back `fraud.indicators`, `outcomes.labelled` and the alert topics. */
  readonly kafka: KafkaSourceOptions;
  /** `/healthz`, `/readyz`, `/metrics`. */
  readonly ops?: Router;
  /** @defaultValue `Date.now` */
  readonly now?: () => number;
}

export interface AppOptions {
  readonly bodyLimitBytes: number;
  readonly uploadLimitBytes: number;
}

const BASE = '/api/rules';

/** Decodes a body with its contract, or 400 naming every field at fault. */
function decode<T>(codec: Codec<T>, body: unknown): T {
  const r = codec.validate(body === undefined ? {} : body, 100);
  if (r.ok) return r.value;
  throw invalid(
    `the body is not a ${codec.name}`,
    r.errors.map((e) => ({ path: e.path, reason: e.message })),
  );
}

function versionParam(raw: string | undefined, name = 'version'): number {
  const n = Number(raw);
  if (raw === undefined || !/^\d{1,9}$/.test(raw) || n < 1) {
    throw invalid(`${name} must be a version number`, [
      { path: name, reason: `"${raw ?? ''}" is not a version number` },
    ]);
  }
  return n;
}

function detailOf(store: HistoryStore, r: VersionRecord): RuleVersionDetail {
  const h = store.history;
  return {
    ...summaryOf(r),
    content: r.content,
    diff: [...r.diff],
    ...(r.diffTruncated ? { diffTruncated: true } : {}),
    live: h.liveVersion(r.ruleSetId)?.ruleSetVersion === r.ruleSetVersion,
    shadow: h.shadowVersion(r.ruleSetId)?.ruleSetVersion === r.ruleSetVersion,
  };
}

function compiled(r: { content: unknown }, path: string): CompiledRuleSet {
  const content = r.content as { kind: string };
  if (content.kind !== 'fraud') {
    throw new RulesError(
      400,
      'backtest_unsupported',
      `backtests here are for fraud rule sets; kind ${content.kind} has its own dry run from its owner`,
      [{ path, reason: `kind ${content.kind}` }],
    );
  }
  try {
    return compileRuleSet(r.content as Parameters<typeof compileRuleSet>[0]);
  } catch (err) {
    if (err instanceof RuleCompileError)
      throw invalid('the rule set does not compile', [{ path, reason: err.message }]);
    throw err;
  }
}

/** The candidate (a draft or a version) and the baseline (a version, by default the live one). */
function versionsFor(
  store: HistoryStore,
  candidate: BacktestCandidate,
  against: number | undefined,
): { ruleSetId: string; candidate: RunVersion; baseline: RunVersion } {
  const h = store.history;
  let ruleSetId: string;
  let cand: RunVersion;
  if (candidate.draftId !== undefined) {
    const d = h.draft(candidate.draftId);
    if (d === undefined) throw notFound(`draft ${candidate.draftId}`);
    ruleSetId = d.ruleSetId;
    const from = d.baseVersion === undefined ? '' : ` (from v${d.baseVersion})`;
    cand = { rules: compiled(d, 'candidate.draftId'), label: `draft ${d.draftId} of ${d.ruleSetId}${from}` };
  } else if (candidate.ruleSetId !== undefined && candidate.version !== undefined) {
    ruleSetId = candidate.ruleSetId;
    const v = h.version(ruleSetId, candidate.version);
    if (v === undefined) throw notFound(`version ${candidate.version} of rule set ${ruleSetId}`);
    cand = { rules: compiled(v, 'candidate.version'), label: `${ruleSetId} v${v.ruleSetVersion}` };
  } else {
    throw invalid('name the candidate: a draft, or a rule set and version', [
      { path: 'candidate', reason: 'draftId, or ruleSetId and version' },
    ]);
  }
  const live = h.liveVersion(ruleSetId);
  const base = against === undefined ? live : h.version(ruleSetId, against);
  if (base === undefined) {
    throw notFound(
      against === undefined ? `a live version of ${ruleSetId}` : `version ${against} of ${ruleSetId}`,
    );
  }
  const isLive = base.ruleSetVersion === live?.ruleSetVersion;
  return {
    ruleSetId,
    candidate: cand,
    baseline: {
      rules: compiled(base, 'against'),
      label: `${ruleSetId} v${base.ruleSetVersion}${isLive ? ' (live)' : ''}`,
    },
  };
}

/** Maps anything thrown to a `RulesError`. */
function toRulesError(err: unknown): RulesError {
  if (err instanceof RulesError) return err;
  const e = err as { status?: number; type?: string; message?: string };
  if (e?.type === 'entity.too.large') return new RulesError(413, 'body_too_large', 'body too large');
  if (e?.type === 'entity.parse.failed') {
    return invalid('the body is not valid JSON', [{ path: '', reason: e.message ?? 'not JSON' }]);
  }
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new RulesError(415, 'unsupported_encoding', e.message ?? 'unsupported encoding');
  }
  if (err instanceof Error && (err.name.startsWith('KafkaJS') || err.name === 'ProducerNotReadyError')) {
    return new RulesError(503, 'unavailable', 'Kafka did not take it; try again shortly', [], { cause: err });
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new RulesError(
      e.status,
      e.status === 404 ? 'not_found' : 'bad_request',
      e.message ?? 'bad request',
    );
  }
  return new RulesError(500, 'internal', 'internal error', [], { cause: err });
}

function sendError(req: Request, res: Response, err: RulesError): void {
  const body: ApiError = {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details.length > 0 ? { details: err.details.map((d) => ({ ...d })) } : {}),
      ...(req.id === undefined ? {} : { requestId: String(req.id) }),
    },
  };
  if (err.retriable) res.setHeader('Retry-After', '1');
  res.status(err.status).json(body);
}

export function createApp(deps: AppDeps, opts: AppOptions): Express {
  const now = deps.now ?? Date.now;
  const { store, jobs } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(
    pinoHttp<IncomingMessage, ServerResponse, never>({
      logger: deps.logger,
      genReqId: (req: IncomingMessage) => {
        const given = req.headers['x-request-id'];
        return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
      },
      // Rule sets hold deny-listed numbers and accounts: log who and where, never bodies.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err): LevelWithSilent =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: {
        ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics',
      },
    }),
  );
  app.use((req, res, next) => {
    res.setHeader('X-Request-Id', String(req.id));
    next();
  });
  if (deps.ops) app.use(deps.ops);

  const addressOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';
  const auth = requireUser(deps.tokens, {
    roles: ['analyst', 'admin'],
    onRefused: (err, req) => {
      void (async () => {
        // The kit's check leaves req.user unset on a 403: the token is valid, so read who it was.
        let user = req.user as UserIdentity | undefined;
        if (user === undefined && err.code === 'forbidden') {
          const token = bearerToken(req.headers.authorization);
          user = token === undefined ? undefined : (await deps.tokens.verify(token)).user;
        }
        await store.audit([
          deniedAudit(
            {
              ...(user === undefined ? {} : { username: user.username, role: user.role }),
              address: addressOf(req),
              code: err.code,
              path: `${req.method} ${req.path}`,
              correlationId: String(req.id),
            },
            now(),
          ),
        ]);
      })().catch((e: unknown) => deps.logger.warn({ err: e }, 'could not audit a refused call'));
    },
  });
  const json = express.json({ limit: opts.bodyLimitBytes, type: () => true });
  const caller = (req: Request): Caller => ({
    user: req.user as UserIdentity,
    requestId: String(req.id),
    address: addressOf(req),
    now: now(),
  });
  /** Express 5 passes a rejected promise to the error handler; this keeps the handlers typed. */
  const route =
    (fn: (req: Request, res: Response) => Promise<void> | void) =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      try {
        await fn(req, res);
      } catch (err) {
        next(err);
      }
    };

  const api = express.Router();
  api.use(auth);

  // Rule sets and versions.
  api.get(
    '/sets',
    route((_req, res) => {
      const body: RuleSetList = { sets: store.history.sets() };
      res.json(body);
    }),
  );
  api.get(
    '/sets/:ruleSetId/versions',
    route((req, res) => {
      const id = String(req.params.ruleSetId);
      if (!store.history.has(id)) throw notFound(`rule set ${id}`);
      const body: RuleVersionList = { ruleSetId: id, versions: store.history.versions(id).map(summaryOf) };
      res.json(body);
    }),
  );
  api.get(
    '/sets/:ruleSetId/versions/:version',
    route((req, res) => {
      const id = String(req.params.ruleSetId);
      const v = store.history.version(id, versionParam(req.params.version as string));
      if (v === undefined) throw notFound(`version ${req.params.version} of rule set ${id}`);
      res.json(detailOf(store, v));
    }),
  );
  api.get(
    '/sets/:ruleSetId/diff',
    route((req, res) => {
      const id = String(req.params.ruleSetId);
      const pick = (raw: unknown, name: string) => {
        const s = typeof raw === 'string' ? raw : undefined;
        if (s?.startsWith('draft:')) {
          const d = store.history.draft(s.slice('draft:'.length));
          if (d === undefined || d.ruleSetId !== id) throw notFound(`${s} of rule set ${id}`);
          return d.content;
        }
        const v = store.history.version(id, versionParam(s, name));
        if (v === undefined) throw notFound(`version ${s} of rule set ${id}`);
        return v.content;
      };
      const to =
        typeof req.query.to === 'string'
          ? req.query.to
          : String(store.history.liveVersion(id)?.ruleSetVersion ?? '');
      const body: RuleDiff = {
        ruleSetId: id,
        from: String(req.query.from ?? ''),
        to,
        changes: structuralDiff(pick(req.query.from, 'from'), pick(to, 'to'), { max: 5_000 }).entries,
      };
      res.json(body);
    }),
  );
  api.post(
    '/sets/:ruleSetId/rollback',
    json,
    route(async (req, res) => {
      const body = decode(Codecs.RollbackRequest, req.body);
      res.status(201).json(await rollback(store, caller(req), String(req.params.ruleSetId), body));
    }),
  );
  api.post(
    '/sets/:ruleSetId/shadow/stop',
    json,
    route(async (req, res) => {
      const body = decode(Codecs.StopShadowRequest, req.body);
      res.json(await stopShadow(store, caller(req), String(req.params.ruleSetId), body));
    }),
  );
  api.get(
    '/sets/:ruleSetId/shadow',
    route(async (req, res) => {
      const id = String(req.params.ruleSetId);
      if (!store.history.has(id)) throw notFound(`rule set ${id}`);
      const raw = req.query.hours === undefined ? '6' : String(req.query.hours);
      const hours = Number(raw);
      if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 30) {
        throw invalid('hours must be a number of hours up to 720', [{ path: 'hours', reason: `"${raw}"` }]);
      }
      const live = store.history.liveVersion(id)?.ruleSetVersion;
      const shadow = store.history.shadowVersion(id)?.ruleSetVersion;
      res.json(
        await compareShadow({
          kafka: deps.kafka.kafka,
          topicPrefix: deps.kafka.topicPrefix,
          ruleSetId: id,
          hours,
          nowMs: now(),
          ...(live === undefined ? {} : { liveVersion: live }),
          ...(shadow === undefined ? {} : { shadowVersion: shadow }),
        }),
      );
    }),
  );

  // Drafts.
  api.get(
    '/drafts',
    route((_req, res) => {
      res.json({
        drafts: store.history.drafts().map((d) => {
          const { content: _c, createdBy: _b, createdAt: _a, ...rest } = draftView(d);
          return rest;
        }),
      });
    }),
  );
  api.post(
    '/drafts',
    json,
    route(async (req, res) => {
      const body = decode(Codecs.CreateDraftRequest, req.body);
      res.status(201).json(await createDraft(store, caller(req), body));
    }),
  );
  const draftOf = (req: Request) => {
    const d = store.history.draft(String(req.params.draftId));
    if (d === undefined) throw notFound(`draft ${req.params.draftId}`);
    return d;
  };
  api.get(
    '/drafts/:draftId',
    route((req, res) => {
      res.json(draftView(draftOf(req)));
    }),
  );
  api.put(
    '/drafts/:draftId',
    json,
    route(async (req, res) => {
      const body = decode(Codecs.UpdateDraftRequest, req.body);
      res.json(await updateDraft(store, caller(req), String(req.params.draftId), body));
    }),
  );
  api.delete(
    '/drafts/:draftId',
    route(async (req, res) => {
      await discardDraft(store, caller(req), String(req.params.draftId));
      res.status(204).end();
    }),
  );
  const validation = (value: unknown, prefix: string, res: Response) => {
    const r = validateRuleSet(value, prefix);
    if (!r.ok) {
      throw invalid(`the rule set has ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}`, [
        ...r.problems,
      ]);
    }
    res.json({ valid: true, warnings: r.warnings });
  };
  api.post(
    '/drafts/:draftId/validate',
    route((req, res) => validation(draftOf(req).content, 'content', res)),
  );
  api.post(
    '/validate',
    json,
    route((req, res) => validation(req.body, '', res)),
  );
  for (const channel of ['live', 'shadow'] as const) {
    api.post(
      `/drafts/:draftId/${channel === 'live' ? 'publish' : 'shadow'}`,
      json,
      route(async (req, res) => {
        const body = decode(Codecs.PublishRequest, req.body);
        res
          .status(201)
          .json(await publishDraft(store, caller(req), String(req.params.draftId), channel, body));
      }),
    );
  }

  // Backtests.
  const startBacktest = async (
    req: Request,
    res: Response,
    versions: ReturnType<typeof versionsFor>,
    source: Backtest['source'],
    indicators: IndicatorSource,
    labelsFromMs: number,
  ) => {
    const { ruleSetId, ...run } = versions;
    const b = await jobs.start({
      createdBy: { username: (req.user as UserIdentity).username, role: (req.user as UserIdentity).role },
      source,
      ...run,
      labels: () => kafkaLabels(deps.kafka, labelsFromMs),
      indicators,
    });
    const c = caller(req);
    await store.audit([
      ruleAudit(
        {
          user: c.user,
          ruleSetId,
          change: 'backtest_started',
          details: {
            backtestId: b.backtestId,
            candidate: b.candidate,
            baseline: b.baseline,
            source: source.kind === 'kafka' ? `${source.from}..${source.to}` : `upload ${source.bytes} bytes`,
          },
          correlationId: c.requestId,
          address: c.address,
        },
        c.now,
      ),
    ]);
    res.status(202).location(`${BASE}/backtests/${b.backtestId}`).json(b);
  };
  api.post(
    '/backtests',
    json,
    route(async (req, res) => {
      const body = decode(Codecs.BacktestRequest, req.body);
      const fromMs = Date.parse(body.from);
      const toMs = Date.parse(body.to);
      if (!(fromMs < toMs))
        throw invalid('the range is empty', [{ path: 'to', reason: 'must be after from' }]);
      const versions = versionsFor(store, body.candidate, body.against);
      await startBacktest(
        req,
        res,
        versions,
        { kind: 'kafka', from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() },
        kafkaIndicators(deps.kafka, fromMs, toMs),
        fromMs,
      );
    }),
  );
  api.post(
    '/backtests/upload',
    express.raw({ limit: opts.uploadLimitBytes, type: () => true }),
    route(async (req, res) => {
      const q = req.query;
      const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
      const candidate: BacktestCandidate = {
        ...(str(q.draftId) === undefined ? {} : { draftId: str(q.draftId) }),
        ...(str(q.ruleSetId) === undefined ? {} : { ruleSetId: str(q.ruleSetId) }),
        ...(str(q.version) === undefined ? {} : { version: versionParam(str(q.version)) }),
      };
      const against = str(q.against) === undefined ? undefined : versionParam(str(q.against), 'against');
      const versions = versionsFor(store, candidate, against);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const { events, firstMs } = parseNdjson(body);
      await startBacktest(
        req,
        res,
        versions,
        { kind: 'upload', bytes: body.length },
        uploadedIndicators(events),
        firstMs,
      );
    }),
  );
  api.get(
    '/backtests',
    route(async (_req, res) => {
      res.json({ backtests: await jobs.list(100) });
    }),
  );
  api.get(
    '/backtests/:backtestId',
    route(async (req, res) => {
      const b = await jobs.get(String(req.params.backtestId));
      if (b === undefined) throw notFound(`backtest ${req.params.backtestId}`);
      res.json(b);
    }),
  );
  api.post(
    '/backtests/:backtestId/cancel',
    route(async (req, res) => {
      const b = await jobs.cancel(String(req.params.backtestId));
      if (b === undefined) throw notFound(`backtest ${req.params.backtestId}`);
      const c = caller(req);
      await store.audit([
        ruleAudit(
          {
            user: c.user,
            // The baseline's label starts with its rule set id (`<ruleSetId> v<n>`).
            ruleSetId: b.baseline.split(' ')[0] ?? '',
            change: 'backtest_cancelled',
            details: { backtestId: b.backtestId, status: b.status },
            correlationId: c.requestId,
            address: c.address,
          },
          c.now,
        ),
      ]);
      res.json(b);
    }),
  );

  app.use(BASE, api);
  app.use((req, _res, next) => {
    next(Object.assign(new Error(`no route ${req.method} ${req.path}`), { status: 404 }));
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const mapped = toRulesError(err);
    if (mapped.status >= 500)
      req.log?.error({ err: mapped.cause ?? mapped, code: mapped.code }, mapped.message);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (!req.readableEnded) res.setHeader('Connection', 'close');
    sendError(req, res, mapped);
  });
  return app;
}
