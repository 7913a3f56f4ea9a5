/**
 * The analyst's screen: figures per rule (fired, labelled, confirmed, precision from outcome labels)
 * and per level, with charts, from the gateway's `figures:updated` for analysts; and the rules
 * workbench (rules service through `/api/rules`).
 */
import type { Figures } from '@fenghuo/contracts';
import { fill, h } from '../dom.ts';
import { percent, yuan } from '../format.ts';
import { levelText, outcomeText, t } from '../i18n.ts';
import type { Part } from '../live/store.ts';
import { barChart, type ChartHandle, doughnutChart } from './charts.ts';
import type { AppContext, View } from './context.ts';
import { rulesWorkbench } from './rules-workbench.ts';

type Tab = 'figures' | 'workbench';

export function mountAnalyst(ctx: AppContext): View {
  const { store } = ctx;
  const tabs = h('nav.tabs.top');
  const body = h('div.analyst-body');
  fill(ctx.main, h('div.analyst', null, tabs, body));
  let tab: Tab = 'figures';
  let charts: ChartHandle[] = [];
  let workbench: { el: HTMLElement; relabel(): void; dispose(): void } | undefined;

  const clearCharts = () => {
    for (const c of charts) c.destroy();
    charts = [];
  };

  const drawFigures = (f: Figures | undefined) => {
    clearCharts();
    const rules = [...(f?.rules ?? [])].sort((a, b) => b.fired - a.fired);
    const table = rules.length
      ? h(
          'table.rules',
          { id: 'rule-figures', dataset: { count: String(rules.length) } },
          h(
            'tr',
            null,
            [t('rule'), t('fired'), t('labelled'), t('confirmed'), t('precision')].map((c) =>
              h('th', null, c),
            ),
          ),
          rules.map((r) =>
            h(
              'tr',
              { dataset: { rule: r.ruleId } },
              h('td', null, h('b', null, r.name ?? r.ruleId), r.name ? h('div.muted', null, r.ruleId) : null),
              h('td.num', null, String(r.fired)),
              h('td.num', null, String(r.labelled)),
              h('td.num', null, String(r.confirmed)),
              h('td.num', null, percent(r.precision)),
            ),
          ),
        )
      : h('p.muted', { id: 'rule-figures', dataset: { count: '0' } }, t('noRuleFigures'));
    const ruleCanvas = h('canvas', { id: 'chart-rules' });
    const levelCanvas = h('canvas', { id: 'chart-levels' });
    const outcomeCanvas = h('canvas', { id: 'chart-outcomes' });
    fill(
      body,
      h(
        'div.analyst-grid',
        null,
        h(
          'section.panel.wide',
          null,
          h('h2', null, t('ruleFigures')),
          h('div.chart', null, ruleCanvas),
          table,
        ),
        h(
          'section.panel',
          null,
          h('h2', null, t('byLevel')),
          h('div.chart.small', null, levelCanvas),
          h('h2', null, t('outcomes')),
          h('div.chart.small', null, outcomeCanvas),
          f ? h('p', null, `${t('lossesPrevented')}: ${yuan(f.amountSavedCny)}`) : null,
        ),
      ),
    );
    if (rules.length) {
      charts.push(
        barChart(
          ruleCanvas,
          rules.slice(0, 20).map((r) => r.name ?? r.ruleId),
          [
            { label: t('fired'), data: rules.slice(0, 20).map((r) => r.fired), color: '#60a5fa' },
            { label: t('confirmed'), data: rules.slice(0, 20).map((r) => r.confirmed), color: '#22c55e' },
          ],
        ),
      );
    }
    if (f) {
      charts.push(
        barChart(levelCanvas, (['notice', 'warning', 'urgent'] as const).map(levelText), [
          {
            label: t('warningsToday'),
            data: [f.alerts.notice, f.alerts.warning, f.alerts.urgent],
            colors: ['#facc15', '#f97316', '#ef4444'],
          },
        ]),
      );
      const o = f.outcomes;
      charts.push(
        doughnutChart(
          outcomeCanvas,
          (['dissuaded', 'loss_prevented', 'too_late', 'false_alarm'] as const).map(outcomeText),
          [o.dissuaded, o.loss_prevented, o.too_late, o.false_alarm],
          ['#22c55e', '#14b8a6', '#ef4444', '#94a3b8'],
        ),
      );
    }
  };

  const draw = () => {
    fill(
      tabs,
      (['figures', 'workbench'] as const).map((id) =>
        h(
          'button',
          {
            class: tab === id ? 'active' : '',
            dataset: { tab: id },
            onclick: () => {
              tab = id;
              draw();
            },
          },
          id === 'figures' ? t('ruleFigures') : t('workbench'),
        ),
      ),
    );
    if (tab === 'figures') {
      workbench?.dispose();
      workbench = undefined;
      drawFigures(store.figures);
    } else {
      clearCharts();
      workbench ??= rulesWorkbench(ctx);
      fill(body, workbench.el);
    }
  };
  const off = store.subscribe((parts: ReadonlySet<Part>) => {
    if (parts.has('figures') && tab === 'figures') drawFigures(store.figures);
  });
  draw();
  return {
    relabel() {
      draw();
      workbench?.relabel();
    },
    dispose() {
      off();
      clearCharts();
      workbench?.dispose();
    },
  };
}
