/**
 * The service's index of every rule set: its versions (immutable), which one is live and which runs
 * in shadow, and the open drafts. Built by applying the `rules.versions` events in order (each
 * instance reads the whole topic at start), and told what processors actually see on `rules.sets`
 * (a version published there by anyone else still counts, so version numbers never go down).
 * Kinds are opaque here: every kind is versioned the same way.
 */
import type {
  Actor,
  RuleDiffEntry,
  RuleSet,
  RuleSetSummary,
  RuleVersionEvent,
  RuleVersionPublished,
  RuleVersionSummary,
} from '@fenghuo/contracts';
import { isShadow } from '@fenghuo/contracts';

export interface VersionRecord {
  readonly ruleSetId: string;
  readonly kind: string;
  readonly ruleSetVersion: number;
  readonly channel: 'live' | 'shadow';
  readonly author: Actor;
  readonly createdAt: string;
  readonly comment: string;
  readonly parentVersion?: number;
  readonly rollbackOf?: number;
  readonly draftId?: string;
  readonly content: RuleSet;
  readonly diff: readonly RuleDiffEntry[];
  readonly diffTruncated?: boolean;
  /** Not from `rules.versions`: a built-in default, or a version published on `rules.sets` directly. */
  readonly external?: 'built-in' | 'rules.sets';
}

export interface DraftRecord {
  readonly draftId: string;
  readonly ruleSetId: string;
  readonly kind: string;
  readonly baseVersion?: number;
  readonly comment?: string;
  readonly createdBy: Actor;
  readonly createdAt: string;
  readonly updatedBy: Actor;
  readonly updatedAt: string;
  readonly content: RuleSet;
}

interface ShadowState {
  readonly version: number;
  readonly active: boolean;
}

interface Pointers {
  live: number | undefined;
  shadow: ShadowState | undefined;
}

interface SetState {
  readonly ruleSetId: string;
  kind: string;
  readonly versions: Map<number, VersionRecord>;
  /** As `rules.versions` records it (what this service published). */
  readonly recorded: Pointers;
  /** As processors see it on `rules.sets`. */
  readonly seen: Pointers;
  updatedAt: string;
}

const newer = (a: ShadowState | undefined, b: ShadowState | undefined): ShadowState | undefined => {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.version !== b.version) return a.version > b.version ? a : b;
  return a.active && b.active ? a : { version: a.version, active: false };
};

/** The live version: the newest of what was recorded and what processors see. */
function liveOf(set: SetState): number | undefined {
  const { recorded, seen } = set;
  if (recorded.live === undefined) return seen.live;
  return seen.live === undefined ? recorded.live : Math.max(recorded.live, seen.live);
}

function shadowOf(set: SetState): ShadowState | undefined {
  return newer(set.recorded.shadow, set.seen.shadow);
}

/** Who a version found on `rules.sets` (not made by this service) is attributed to. */
function externalAuthor(ruleSet: RuleSet): Actor {
  const name = /^[^\s]{1,64}$/.test(ruleSet.publishedBy) ? ruleSet.publishedBy : 'unknown';
  return { username: name, role: 'admin' };
}

function recordOf(e: RuleVersionPublished): VersionRecord {
  return {
    ruleSetId: e.ruleSetId,
    kind: e.content.kind,
    ruleSetVersion: e.ruleSetVersion,
    channel: e.channel,
    author: e.actor,
    createdAt: e.at,
    comment: e.comment,
    ...(e.parentVersion === undefined ? {} : { parentVersion: e.parentVersion }),
    ...(e.rollbackOf === undefined ? {} : { rollbackOf: e.rollbackOf }),
    ...(e.draftId === undefined ? {} : { draftId: e.draftId }),
    content: e.content,
    diff: e.diff,
    ...(e.diffTruncated ? { diffTruncated: true } : {}),
  };
}

export function summaryOf(r: VersionRecord): RuleVersionSummary {
  return {
    ruleSetId: r.ruleSetId,
    kind: r.kind,
    ruleSetVersion: r.ruleSetVersion,
    channel: r.channel,
    author: r.author,
    createdAt: r.createdAt,
    comment: r.comment,
    ...(r.parentVersion === undefined ? {} : { parentVersion: r.parentVersion }),
    ...(r.rollbackOf === undefined ? {} : { rollbackOf: r.rollbackOf }),
    ...(r.draftId === undefined ? {} : { draftId: r.draftId }),
    changes: r.diff.length,
  };
}

export class RuleHistory {
  private readonly bySet = new Map<string, SetState>();
  private readonly draftsById = new Map<string, DraftRecord>();

  /** `defaults`: the built-in rule sets processors run until a version is published (version ≥ 1). */
  constructor(defaults: readonly RuleSet[] = []) {
    for (const rs of defaults) {
      const set = this.setOf(rs.ruleSetId, rs.kind, rs.publishedAt);
      set.versions.set(rs.ruleSetVersion, {
        ruleSetId: rs.ruleSetId,
        kind: rs.kind,
        ruleSetVersion: rs.ruleSetVersion,
        channel: 'live',
        author: externalAuthor(rs),
        createdAt: rs.publishedAt,
        comment: 'built-in default, run until a version is published',
        content: rs,
        diff: [],
        external: 'built-in',
      });
      set.seen.live = Math.max(set.seen.live ?? 0, rs.ruleSetVersion);
    }
  }

  private setOf(ruleSetId: string, kind: string, at: string): SetState {
    let set = this.bySet.get(ruleSetId);
    if (set === undefined) {
      set = {
        ruleSetId,
        kind,
        versions: new Map(),
        recorded: { live: undefined, shadow: undefined },
        seen: { live: undefined, shadow: undefined },
        updatedAt: at,
      };
      this.bySet.set(ruleSetId, set);
    }
    return set;
  }

  /** Applies one `rules.versions` event (in topic order). */
  apply(e: RuleVersionEvent): void {
    switch (e.type) {
      case 'draft_saved': {
        const prev = this.draftsById.get(e.draftId);
        this.draftsById.set(e.draftId, {
          draftId: e.draftId,
          ruleSetId: e.ruleSetId,
          kind: e.content.kind,
          ...(e.baseVersion === undefined ? {} : { baseVersion: e.baseVersion }),
          ...(e.comment === undefined ? {} : { comment: e.comment }),
          createdBy: prev?.createdBy ?? e.actor,
          createdAt: prev?.createdAt ?? e.at,
          updatedBy: e.actor,
          updatedAt: e.at,
          content: e.content,
        });
        return;
      }
      case 'draft_discarded':
        this.draftsById.delete(e.draftId);
        return;
      case 'published': {
        const set = this.setOf(e.ruleSetId, e.content.kind, e.at);
        set.kind = e.content.kind;
        set.versions.set(e.ruleSetVersion, recordOf(e));
        if (e.channel === 'live') set.recorded.live = Math.max(set.recorded.live ?? 0, e.ruleSetVersion);
        else set.recorded.shadow = newer(set.recorded.shadow, { version: e.ruleSetVersion, active: true });
        set.updatedAt = e.at;
        if (e.draftId !== undefined) this.draftsById.delete(e.draftId);
        return;
      }
      case 'shadow_stopped': {
        const set = this.bySet.get(e.ruleSetId);
        if (set === undefined) return;
        set.recorded.shadow = newer(set.recorded.shadow, { version: e.ruleSetVersion, active: false });
        set.updatedAt = e.at;
        return;
      }
      default: {
        const never: never = e;
        throw new Error(`unknown rules.versions event ${JSON.stringify(never)}`);
      }
    }
  }

  /** What processors see: a record of `rules.sets` (live, or shadow under `#shadow`). */
  observe(ruleSet: RuleSet): void {
    const set = this.setOf(ruleSet.ruleSetId, ruleSet.kind, ruleSet.publishedAt);
    const v = ruleSet.ruleSetVersion;
    if (!set.versions.has(v)) {
      set.versions.set(v, {
        ruleSetId: ruleSet.ruleSetId,
        kind: ruleSet.kind,
        ruleSetVersion: v,
        channel: isShadow(ruleSet) ? 'shadow' : 'live',
        author: externalAuthor(ruleSet),
        createdAt: ruleSet.publishedAt,
        comment: 'published on rules.sets outside the rules service',
        content: ruleSet,
        diff: [],
        external: 'rules.sets',
      });
    }
    if (!isShadow(ruleSet)) {
      set.seen.live = Math.max(set.seen.live ?? 0, v);
      return;
    }
    const active = ruleSet.kind === 'fraud' && ruleSet.shadow?.active === true;
    set.seen.shadow = newer(set.seen.shadow, { version: v, active });
  }

  /**
   * What the history records as published but processors do not see on `rules.sets` (the service
   * stopped between the two writes): the records to publish again, live and shadow.
   */
  unpublished(): RuleSet[] {
    const out: RuleSet[] = [];
    for (const set of this.bySet.values()) {
      const live = set.recorded.live;
      if (live !== undefined && live > (set.seen.live ?? 0)) {
        const r = set.versions.get(live);
        if (r !== undefined) out.push(r.content);
      }
      const rec = set.recorded.shadow;
      const seen = set.seen.shadow;
      if (
        rec !== undefined &&
        (seen === undefined || seen.version < rec.version || (seen.active && !rec.active))
      ) {
        const r = set.versions.get(rec.version);
        if (r !== undefined && r.content.kind === 'fraud')
          out.push({ ...r.content, shadow: { active: rec.active } });
      }
    }
    return out;
  }

  ruleSetIds(): string[] {
    return [...this.bySet.keys()];
  }

  sets(): RuleSetSummary[] {
    return [...this.bySet.values()]
      .map((s) => {
        const latest = Math.max(0, ...s.versions.keys());
        return {
          ruleSetId: s.ruleSetId,
          kind: s.kind,
          ...(liveOf(s) === undefined ? {} : { liveVersion: liveOf(s) }),
          ...(shadowOf(s)?.active ? { shadowVersion: shadowOf(s)?.version } : {}),
          latestVersion: latest,
          versions: s.versions.size,
          drafts: [...this.draftsById.values()].filter((d) => d.ruleSetId === s.ruleSetId).length,
          updatedAt: s.updatedAt,
        };
      })
      .sort((a, b) => a.ruleSetId.localeCompare(b.ruleSetId));
  }

  has(ruleSetId: string): boolean {
    return this.bySet.has(ruleSetId);
  }

  /** Every version of a rule set, newest first. */
  versions(ruleSetId: string): VersionRecord[] {
    const set = this.bySet.get(ruleSetId);
    if (set === undefined) return [];
    return [...set.versions.values()].sort((a, b) => b.ruleSetVersion - a.ruleSetVersion);
  }

  version(ruleSetId: string, version: number): VersionRecord | undefined {
    return this.bySet.get(ruleSetId)?.versions.get(version);
  }

  liveVersion(ruleSetId: string): VersionRecord | undefined {
    const set = this.bySet.get(ruleSetId);
    const live = set === undefined ? undefined : liveOf(set);
    return live === undefined ? undefined : set?.versions.get(live);
  }

  /** The version running in shadow now, if one does. */
  shadowVersion(ruleSetId: string): VersionRecord | undefined {
    const set = this.bySet.get(ruleSetId);
    const shadow = set === undefined ? undefined : shadowOf(set);
    return shadow?.active ? set?.versions.get(shadow.version) : undefined;
  }

  /** The number the next version of this rule set gets: above every version anyone has seen. */
  nextVersion(ruleSetId: string): number {
    const set = this.bySet.get(ruleSetId);
    if (set === undefined) return 1;
    return Math.max(0, liveOf(set) ?? 0, shadowOf(set)?.version ?? 0, ...set.versions.keys()) + 1;
  }

  drafts(): DraftRecord[] {
    return [...this.draftsById.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  draft(draftId: string): DraftRecord | undefined {
    return this.draftsById.get(draftId);
  }
}
