/**
 * What analysts do to rule sets, as functions of the history store and who asks: drafts (create from
 * any version, edit, discard), publish live or as shadow, roll back (an older version's content
 * published again as a new version), stop a shadow run. Each change is validated, recorded on
 * `rules.versions` with its author, time, comment, parent and diff, published on `rules.sets`, and
 * audited. Nothing here edits history: versions are only ever added.
 */
import { randomBytes } from 'node:crypto';
import type {
  CreateDraftRequest,
  PublishRequest,
  PublishResult,
  RollbackRequest,
  RuleDraft,
  RuleSet,
  RuleVersionEvent,
  RuleVersionPublished,
  StopShadowRequest,
  UpdateDraftRequest,
  UserIdentity,
} from '@fenghuo/contracts';
import { ruleAudit } from './audit.ts';
import { structuralDiff } from './diff.ts';
import type { HistoryStore } from './history/history-store.ts';
import type { DraftRecord, RuleHistory, VersionRecord } from './history/rule-history.ts';
import { invalid, notFound, RulesError } from './rules-error.ts';
import { validateRuleSet } from './validation/validate-rule-set.ts';

/** Who asks, and when. */
export interface Caller {
  readonly user: UserIdentity;
  readonly requestId?: string;
  readonly address?: string;
  readonly now: number;
}

const actorOf = (user: UserIdentity) => ({ username: user.username, role: user.role });

function eventBase(c: Caller, ruleSetId: string) {
  return {
    version: 1 as const,
    eventId: `rv-${randomBytes(8).toString('hex')}`,
    at: new Date(c.now).toISOString(),
    ruleSetId,
    actor: actorOf(c.user),
    ...(c.requestId === undefined ? {} : { correlationId: c.requestId.slice(0, 128) }),
  };
}

export function draftView(d: DraftRecord): RuleDraft {
  return {
    draftId: d.draftId,
    ruleSetId: d.ruleSetId,
    kind: d.kind,
    ...(d.baseVersion === undefined ? {} : { baseVersion: d.baseVersion }),
    ...(d.comment === undefined ? {} : { comment: d.comment }),
    createdBy: d.createdBy,
    createdAt: d.createdAt,
    updatedBy: d.updatedBy,
    updatedAt: d.updatedAt,
    content: d.content,
  };
}

/** Validated content of a draft, with its rule set id; 400 with every problem otherwise. */
function checkedContent(value: unknown, ruleSetId: string | undefined): RuleSet {
  const r = validateRuleSet(value, 'content');
  if (!r.ok) {
    throw invalid(
      `the rule set has ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}`,
      r.problems,
    );
  }
  if (ruleSetId !== undefined && r.ruleSet.ruleSetId !== ruleSetId) {
    throw invalid('the content names another rule set', [
      { path: 'content.ruleSetId', reason: `must be "${ruleSetId}" (the draft's rule set)` },
    ]);
  }
  return r.ruleSet;
}

function requireDraft(h: RuleHistory, draftId: string): DraftRecord {
  const d = h.draft(draftId);
  if (d === undefined) throw notFound(`draft ${draftId}`);
  return d;
}

function requireVersion(h: RuleHistory, ruleSetId: string, version: number): VersionRecord {
  const v = h.version(ruleSetId, version);
  if (v === undefined) throw notFound(`version ${version} of rule set ${ruleSetId}`);
  return v;
}

/** `POST /drafts`: from a version (default the live one) of a rule set, or new content. */
export function createDraft(store: HistoryStore, c: Caller, req: CreateDraftRequest): Promise<RuleDraft> {
  return store.change((h) => {
    let content: RuleSet;
    let baseVersion: number | undefined;
    if (req.content !== undefined) {
      const ruleSetId = req.ruleSetId ?? req.content.ruleSetId;
      content = checkedContent({ ...req.content, ruleSetId }, ruleSetId);
      const base =
        req.fromVersion === undefined
          ? h.liveVersion(ruleSetId)
          : requireVersion(h, ruleSetId, req.fromVersion);
      baseVersion = base?.ruleSetVersion;
      if (base !== undefined && base.kind !== content.kind) {
        throw invalid('the content is of another kind than the rule set', [
          { path: 'content.kind', reason: `rule set ${ruleSetId} is of kind ${base.kind}` },
        ]);
      }
    } else {
      if (req.ruleSetId === undefined) {
        throw invalid('name the rule set (and a version) to draft from, or give content', [
          { path: 'ruleSetId', reason: 'required without content' },
        ]);
      }
      const base =
        req.fromVersion === undefined
          ? h.liveVersion(req.ruleSetId)
          : requireVersion(h, req.ruleSetId, req.fromVersion);
      if (base === undefined) throw notFound(`a live version of rule set ${req.ruleSetId}`);
      baseVersion = base.ruleSetVersion;
      const { shadow: _shadow, ...unshadowed } = base.content as RuleSet & { shadow?: unknown };
      content = unshadowed as RuleSet;
    }
    const draftId = `d-${randomBytes(6).toString('hex')}`;
    const event: RuleVersionEvent = {
      ...eventBase(c, content.ruleSetId),
      type: 'draft_saved',
      draftId,
      ...(baseVersion === undefined ? {} : { baseVersion }),
      ...(req.comment === undefined ? {} : { comment: req.comment }),
      content,
    };
    const at = new Date(c.now).toISOString();
    const draft: RuleDraft = {
      draftId,
      ruleSetId: content.ruleSetId,
      kind: content.kind,
      ...(baseVersion === undefined ? {} : { baseVersion }),
      ...(req.comment === undefined ? {} : { comment: req.comment }),
      createdBy: actorOf(c.user),
      createdAt: at,
      updatedBy: actorOf(c.user),
      updatedAt: at,
      content,
    };
    return {
      versions: [event],
      audit: [
        ruleAudit(
          {
            user: c.user,
            ruleSetId: content.ruleSetId,
            change: 'draft_created',
            details: { draftId, baseVersion },
            correlationId: c.requestId,
            address: c.address,
          },
          c.now,
        ),
      ],
      result: draft,
    };
  });
}

/** `PUT /drafts/:draftId`: new content (same rule set, same kind). */
export function updateDraft(
  store: HistoryStore,
  c: Caller,
  draftId: string,
  req: UpdateDraftRequest,
): Promise<RuleDraft> {
  return store.change((h) => {
    const d = requireDraft(h, draftId);
    const content = checkedContent({ ...req.content, ruleSetId: d.ruleSetId }, d.ruleSetId);
    if (content.kind !== d.kind) {
      throw invalid('a draft keeps its kind', [{ path: 'content.kind', reason: `must be ${d.kind}` }]);
    }
    const comment = req.comment ?? d.comment;
    const diff = structuralDiff(d.content, content);
    return {
      versions: [
        {
          ...eventBase(c, d.ruleSetId),
          type: 'draft_saved',
          draftId,
          ...(d.baseVersion === undefined ? {} : { baseVersion: d.baseVersion }),
          ...(comment === undefined ? {} : { comment }),
          content,
        },
      ],
      audit: [
        ruleAudit(
          {
            user: c.user,
            ruleSetId: d.ruleSetId,
            change: 'draft_saved',
            details: { draftId },
            diff: diff.entries,
            diffTruncated: diff.truncated,
            correlationId: c.requestId,
            address: c.address,
          },
          c.now,
        ),
      ],
      result: {
        ...draftView(d),
        ...(comment === undefined ? {} : { comment }),
        updatedBy: actorOf(c.user),
        updatedAt: new Date(c.now).toISOString(),
        content,
      },
    };
  });
}

export function discardDraft(store: HistoryStore, c: Caller, draftId: string): Promise<void> {
  return store.change((h) => {
    const d = requireDraft(h, draftId);
    return {
      versions: [{ ...eventBase(c, d.ruleSetId), type: 'draft_discarded', draftId }],
      audit: [
        ruleAudit(
          {
            user: c.user,
            ruleSetId: d.ruleSetId,
            change: 'draft_discarded',
            details: { draftId },
            correlationId: c.requestId,
            address: c.address,
          },
          c.now,
        ),
      ],
      result: undefined,
    };
  });
}

/** Kinds a processor can run in shadow beside the live version (the fraud scorer). */
const SHADOW_KINDS: ReadonlySet<string> = new Set(['fraud']);

/** The content as published: the envelope set, the shadow marker on (shadow) or off (live). */
function publishedContent(
  content: RuleSet,
  c: Caller,
  version: number,
  channel: 'live' | 'shadow',
  active = true,
): RuleSet {
  const { shadow: _shadow, ...rest } = content as RuleSet & { shadow?: unknown };
  const out = {
    ...rest,
    ruleSetVersion: version,
    publishedAt: new Date(c.now).toISOString(),
    publishedBy: c.user.username,
  } as RuleSet;
  if (channel === 'shadow') {
    if (out.kind !== 'fraud')
      throw new RulesError(400, 'shadow_unsupported', `kind ${out.kind} has no shadow mode`);
    return { ...out, shadow: { active } };
  }
  return out;
}

interface PublishSpec {
  readonly ruleSetId: string;
  readonly content: RuleSet;
  readonly channel: 'live' | 'shadow';
  readonly parent: VersionRecord | undefined;
  readonly comment: string;
  readonly draftId?: string;
  readonly rollbackOf?: number;
}

function publish(
  store: HistoryStore,
  c: Caller,
  build: (h: RuleHistory) => PublishSpec,
): Promise<PublishResult> {
  return store.change((h) => {
    const spec = build(h);
    if (spec.channel === 'shadow' && !SHADOW_KINDS.has(spec.content.kind)) {
      throw new RulesError(
        400,
        'shadow_unsupported',
        `kind ${spec.content.kind} has no shadow mode (only ${[...SHADOW_KINDS].join(', ')}); its owner offers a dry run`,
      );
    }
    const version = h.nextVersion(spec.ruleSetId);
    const content = publishedContent(spec.content, c, version, spec.channel);
    const final = validateRuleSet(content, 'content');
    if (!final.ok) throw invalid('the rule set as published would be invalid', final.problems);
    const diff = structuralDiff(spec.parent?.content, content);
    const event: RuleVersionPublished = {
      ...eventBase(c, spec.ruleSetId),
      type: 'published',
      ruleSetVersion: version,
      channel: spec.channel,
      ...(spec.parent === undefined ? {} : { parentVersion: spec.parent.ruleSetVersion }),
      ...(spec.rollbackOf === undefined ? {} : { rollbackOf: spec.rollbackOf }),
      ...(spec.draftId === undefined ? {} : { draftId: spec.draftId }),
      comment: spec.comment,
      content,
      diff: diff.entries,
      ...(diff.truncated ? { diffTruncated: true } : {}),
    };
    const change =
      spec.rollbackOf !== undefined
        ? 'rolled_back'
        : spec.channel === 'shadow'
          ? 'shadow_published'
          : 'published';
    return {
      versions: [event],
      ruleSets: [content],
      audit: [
        ruleAudit(
          {
            user: c.user,
            ruleSetId: spec.ruleSetId,
            change,
            details: {
              version,
              channel: spec.channel,
              parentVersion: spec.parent?.ruleSetVersion,
              rollbackOf: spec.rollbackOf,
              draftId: spec.draftId,
              comment: spec.comment.slice(0, 500),
            },
            diff: diff.entries,
            diffTruncated: diff.truncated,
            correlationId: c.requestId,
            address: c.address,
          },
          c.now,
        ),
      ],
      result: {
        ruleSetId: spec.ruleSetId,
        ruleSetVersion: version,
        channel: spec.channel,
        publishedAt: content.publishedAt,
        active: true,
      },
    };
  });
}

/** `POST /drafts/:draftId/publish` (live) and `…/shadow`. */
export function publishDraft(
  store: HistoryStore,
  c: Caller,
  draftId: string,
  channel: 'live' | 'shadow',
  req: PublishRequest,
): Promise<PublishResult> {
  return publish(store, c, (h) => {
    const d = requireDraft(h, draftId);
    const live = h.liveVersion(d.ruleSetId);
    if (
      channel === 'live' &&
      req.force !== true &&
      live !== undefined &&
      d.baseVersion !== live.ruleSetVersion
    ) {
      throw new RulesError(
        409,
        'draft_stale',
        `the draft was made from v${d.baseVersion ?? '(none)'}, but v${live.ruleSetVersion} is live now: publishing it would undo what changed since. Draft again from v${live.ruleSetVersion}, or publish with "force": true`,
      );
    }
    const parent = d.baseVersion === undefined ? undefined : h.version(d.ruleSetId, d.baseVersion);
    return { ruleSetId: d.ruleSetId, content: d.content, channel, parent, comment: req.comment, draftId };
  });
}

/** `POST /sets/:ruleSetId/rollback`: `toVersion`'s content published again, live, as a new version. */
export function rollback(
  store: HistoryStore,
  c: Caller,
  ruleSetId: string,
  req: RollbackRequest,
): Promise<PublishResult> {
  return publish(store, c, (h) => {
    const target = requireVersion(h, ruleSetId, req.toVersion);
    return {
      ruleSetId,
      content: target.content,
      channel: 'live',
      parent: h.liveVersion(ruleSetId),
      comment: req.comment,
      rollbackOf: req.toVersion,
    };
  });
}

/** `POST /sets/:ruleSetId/shadow/stop`. */
export function stopShadow(
  store: HistoryStore,
  c: Caller,
  ruleSetId: string,
  req: StopShadowRequest,
): Promise<PublishResult> {
  return store.change((h) => {
    const shadow = h.shadowVersion(ruleSetId);
    if (shadow === undefined) throw notFound(`a shadow run of rule set ${ruleSetId}`);
    const { shadow: _s, ...content } = shadow.content as RuleSet & { shadow?: unknown };
    const record = { ...(content as RuleSet), shadow: { active: false } } as RuleSet;
    return {
      versions: [
        {
          ...eventBase(c, ruleSetId),
          type: 'shadow_stopped',
          ruleSetVersion: shadow.ruleSetVersion,
          ...(req.comment === undefined ? {} : { comment: req.comment }),
        },
      ],
      ruleSets: [record],
      audit: [
        ruleAudit(
          {
            user: c.user,
            ruleSetId,
            change: 'shadow_stopped',
            details: { version: shadow.ruleSetVersion, comment: req.comment?.slice(0, 500) },
            correlationId: c.requestId,
            address: c.address,
          },
          c.now,
        ),
      ],
      result: {
        ruleSetId,
        ruleSetVersion: shadow.ruleSetVersion,
        channel: 'shadow',
        publishedAt: new Date(c.now).toISOString(),
        active: false,
      },
    };
  });
}
