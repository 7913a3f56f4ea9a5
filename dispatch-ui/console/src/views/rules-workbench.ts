/**
 * The rules workbench, against the rules service's REST API (issue 13) through the gateway's
 * `/api/rules` pass-through: rule sets and their versions (live, shadow); a draft from any version,
 * edited as JSON; validate (each problem with its path); backtest a draft against the live version
 * over a time range with progress, a chart of alerts per version and level, and the alerts the
 * draft adds and drops with their reasons; publish, publish as shadow, roll back.
 *
 * The service's body contracts (`RuleSetList`, `RuleVersionList`, `RuleDraft`, `Backtest`, …) are
 * being added to `@fenghuo/contracts` with the service; until they land on main the workbench
 * reads only the few fields below, and the lead swaps these views for the contract types at merge.
 */
import { RequestError } from '../api.ts';
import { fill, h } from '../dom.ts';
import { clock } from '../format.ts';
import { bi, levelText, t } from '../i18n.ts';
import { barChart, type ChartHandle } from './charts.ts';
import type { AppContext } from './context.ts';

// What the workbench reads of the rules service's answers (see the note above).
interface SetSummary {
  ruleSetId: string;
  kind: string;
  liveVersion?: number;
  shadowVersion?: number;
  latestVersion: number;
}
interface VersionSummary {
  ruleSetVersion: number;
  channel?: string;
  author: { username: string };
  createdAt: string;
  comment: string;
  changes: number;
}
interface Draft {
  draftId: string;
  ruleSetId: string;
  content: unknown;
}
interface LevelCounts {
  notice: number;
  warning: number;
  urgent: number;
}
interface AlertChange {
  subjectId: string;
  level: 'notice' | 'warning' | 'urgent';
  raisedAt: string;
  reason: { zh: string; en: string };
  why: string;
}
interface BacktestView {
  backtestId: string;
  status: 'running' | 'done' | 'cancelled' | 'failed';
  progress: { fraction: number; events: number };
  error?: string;
  report?: {
    events: number;
    candidate: { label: string; alerts: number; byLevel: LevelCounts };
    baseline: { label: string; alerts: number; byLevel: LevelCounts };
    added: AlertChange[];
    dropped: AlertChange[];
    addedTotal: number;
    droppedTotal: number;
  };
}

export function rulesWorkbench(ctx: AppContext): { el: HTMLElement; relabel(): void; dispose(): void } {
  const api = ctx.session;
  const sets = h('section.panel', { id: 'rule-sets' });
  const versions = h('section.panel', { id: 'rule-versions' });
  const editor = h('section.panel.wide', { id: 'rule-editor' });
  const el = h('div.workbench', null, sets, versions, editor);
  let chosen: string | undefined;
  let draft: Draft | undefined;
  let poll: ReturnType<typeof setTimeout> | undefined;
  let chart: ChartHandle | undefined;

  const problem = (err: unknown) => {
    if (err instanceof RequestError && (err.status === 502 || err.status === 0))
      return h('p.error', null, t('rulesUnavailable'));
    if (err instanceof RequestError)
      return h(
        'div.error',
        null,
        h('p', null, `${err.status} ${err.code}: ${err.message}`),
        err.body?.details?.length
          ? h(
              'ul.problems',
              null,
              err.body.details.map((d) => h('li', null, h('code', null, d.path || '/'), ` ${d.reason}`)),
            )
          : null,
      );
    return h('p.error', null, String(err));
  };

  const loadSets = async () => {
    try {
      const res = await api.get<{ sets: SetSummary[] }>('/api/rules/sets');
      fill(
        sets,
        h('h2', null, t('ruleSets')),
        h(
          'ul.list',
          null,
          res.sets.map((s) =>
            h(
              'li',
              {
                class: s.ruleSetId === chosen ? 'selected' : '',
                onclick: () => void loadVersions(s.ruleSetId),
              },
              h('b', null, s.ruleSetId),
              ` · ${s.kind} · ${t('live')} v${s.liveVersion ?? '—'}${s.shadowVersion ? ` · ${t('shadow')} v${s.shadowVersion}` : ''}`,
            ),
          ),
        ),
      );
    } catch (err) {
      fill(sets, h('h2', null, t('ruleSets')), problem(err));
    }
  };

  const loadVersions = async (ruleSetId: string) => {
    chosen = ruleSetId;
    void loadSets();
    try {
      const res = await api.get<{ versions: VersionSummary[] }>(
        `/api/rules/sets/${encodeURIComponent(ruleSetId)}/versions`,
      );
      fill(
        versions,
        h('h2', null, `${t('versions')} · ${ruleSetId}`),
        h(
          'ul.list',
          null,
          res.versions.map((v) =>
            h(
              'li',
              null,
              h('b', null, `v${v.ruleSetVersion}`),
              ` ${v.channel ?? ''} · ${v.author.username} · ${clock(v.createdAt)} · ${v.comment} (${v.changes} ${t('diff')})`,
              h(
                'div.actions',
                null,
                h(
                  'button.small',
                  { onclick: () => void newDraft(ruleSetId, v.ruleSetVersion) },
                  t('newDraft'),
                ),
                h(
                  'button.small',
                  { onclick: () => void rollback(ruleSetId, v.ruleSetVersion) },
                  t('rollback'),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (err) {
      fill(versions, h('h2', null, t('versions')), problem(err));
    }
  };

  const newDraft = async (ruleSetId: string, fromVersion: number) => {
    try {
      draft = await api.send<Draft>('POST', '/api/rules/drafts', { ruleSetId, fromVersion });
      drawEditor();
    } catch (err) {
      fill(editor, problem(err));
    }
  };

  const rollback = async (ruleSetId: string, toVersion: number) => {
    const comment = prompt(t('comment'), `roll back to v${toVersion}`);
    if (!comment) return;
    try {
      await api.send('POST', `/api/rules/sets/${encodeURIComponent(ruleSetId)}/rollback`, {
        toVersion,
        comment,
      });
      void loadVersions(ruleSetId);
    } catch (err) {
      fill(editor, problem(err));
    }
  };

  const drawEditor = (result?: HTMLElement) => {
    if (!draft) {
      fill(editor, h('h2', null, t('drafts')), h('p.muted', null, t('none')));
      return;
    }
    const d = draft;
    const text = h('textarea.code', { id: 'draft-content', spellcheck: false, rows: 18 });
    text.value = JSON.stringify(d.content, null, 2);
    const comment = h('input', { placeholder: t('comment'), id: 'draft-comment' });
    const today = new Date();
    const from = h('input', {
      type: 'datetime-local',
      value: localInput(new Date(today.getTime() - 7 * 86_400_000)),
    });
    const to = h('input', { type: 'datetime-local', value: localInput(today) });
    const out = h('div.result', { id: 'draft-result' }, result ?? null);
    const save = async () => {
      let content: unknown;
      try {
        content = JSON.parse(text.value);
      } catch (e) {
        fill(out, h('p.error', null, String(e)));
        return false;
      }
      try {
        draft = await api.send<Draft>('PUT', `/api/rules/drafts/${encodeURIComponent(d.draftId)}`, {
          content,
        });
        return true;
      } catch (err) {
        fill(out, problem(err));
        return false;
      }
    };
    const act = (path: string, body?: unknown) => async () => {
      if (!(await save())) return;
      try {
        const res = await api.send<unknown>('POST', path, body);
        fill(
          out,
          h('p.ok', null, `${t('done')} · ${clock(new Date())}`),
          h('pre.code', null, JSON.stringify(res, null, 2).slice(0, 2000)),
        );
        if (chosen) void loadVersions(chosen);
      } catch (err) {
        fill(out, problem(err));
      }
    };
    const base = `/api/rules/drafts/${encodeURIComponent(d.draftId)}`;
    fill(
      editor,
      h('h2', null, `${t('drafts')} · ${d.draftId} · ${d.ruleSetId}`),
      text,
      h(
        'div.actions',
        null,
        h(
          'button',
          {
            onclick: async () => {
              if (await save()) fill(out, h('p.ok', null, t('done')));
            },
          },
          t('save'),
        ),
        h('button', { onclick: act(`${base}/validate`) }, t('validate')),
        comment,
        h(
          'button.primary',
          { onclick: () => void act(`${base}/publish`, { comment: comment.value || 'publish' })() },
          t('publish'),
        ),
        h(
          'button',
          { onclick: () => void act(`${base}/shadow`, { comment: comment.value || 'shadow' })() },
          t('publishShadow'),
        ),
      ),
      h(
        'div.actions',
        null,
        h('label', null, t('from'), from),
        h('label', null, t('to'), to),
        h(
          'button',
          {
            onclick: async () => {
              if (!(await save())) return;
              try {
                const bt = await api.send<BacktestView>('POST', '/api/rules/backtests', {
                  candidate: { draftId: d.draftId },
                  from: new Date(from.value).toISOString(),
                  to: new Date(to.value).toISOString(),
                });
                follow(bt.backtestId, out);
              } catch (err) {
                fill(out, problem(err));
              }
            },
          },
          t('backtest'),
        ),
      ),
      out,
    );
  };

  const follow = (id: string, out: HTMLElement) => {
    clearTimeout(poll);
    const step = async () => {
      try {
        const bt = await api.get<BacktestView>(`/api/rules/backtests/${encodeURIComponent(id)}`);
        if (bt.status === 'running') {
          fill(
            out,
            h(
              'p',
              null,
              `${t('running')} ${Math.round(bt.progress.fraction * 100)}% · ${bt.progress.events}`,
            ),
            h('progress', { max: 1, value: bt.progress.fraction }),
          );
          poll = setTimeout(step, 1000);
          return;
        }
        drawReport(bt, out);
      } catch (err) {
        fill(out, problem(err));
      }
    };
    void step();
  };

  const drawReport = (bt: BacktestView, out: HTMLElement) => {
    chart?.destroy();
    const r = bt.report;
    if (!r) {
      fill(out, h('p.error', null, `${bt.status} ${bt.error ?? ''}`));
      return;
    }
    const canvas = h('canvas');
    const changes = (title: string, list: AlertChange[], total: number) =>
      h(
        'div',
        null,
        h('h3', null, `${title} (${total})`),
        h(
          'ul.list',
          null,
          list
            .slice(0, 50)
            .map((c) =>
              h(
                'li',
                null,
                h(`span.badge.${c.level}`, null, levelText(c.level)),
                ` ${c.subjectId} · ${clock(c.raisedAt)} · ${bi(c.reason)} — ${c.why}`,
              ),
            ),
        ),
      );
    fill(
      out,
      h(
        'p',
        null,
        `${r.events} events · ${r.baseline.label}: ${r.baseline.alerts} · ${r.candidate.label}: ${r.candidate.alerts}`,
      ),
      h('div.chart', null, canvas),
      h(
        'div.changes',
        null,
        changes(t('added'), r.added, r.addedTotal),
        changes(t('dropped'), r.dropped, r.droppedTotal),
      ),
    );
    const levels = ['notice', 'warning', 'urgent'] as const;
    chart = barChart(canvas, levels.map(levelText), [
      { label: r.baseline.label, data: levels.map((l) => r.baseline.byLevel[l]), color: '#64748b' },
      { label: r.candidate.label, data: levels.map((l) => r.candidate.byLevel[l]), color: '#60a5fa' },
    ]);
  };

  const relabel = () => {
    void loadSets();
    if (chosen) void loadVersions(chosen);
    drawEditor();
  };
  relabel();
  return {
    el,
    relabel,
    dispose() {
      clearTimeout(poll);
      chart?.destroy();
    },
  };
}

function localInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
