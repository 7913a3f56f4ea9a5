/**
 * The operator's screen: the figures strip on top; the alert queue (most severe, then longest
 * waiting first, each with its plain-language reason) and incidents on the left; the live map in
 * the middle; on the right the selected matter (reason, script, timeline, actions), the 110
 * call-taker's form, and interceptions with the watch list.
 */
import type { Alert, IncidentReport } from '@fenghuo/contracts';
import { fill, h, syncKeyed } from '../dom.ts';
import { age } from '../format.ts';
import { bi, categoryText, fraudTypeText, levelText, t } from '../i18n.ts';
import type { Part } from '../live/store.ts';
import { type Matter, type MatterDetailView, matterDetail, noMatter } from './alert-detail.ts';
import { callTakerForm } from './call-taker.ts';
import type { AppContext, View } from './context.ts';
import { figuresStrip } from './figures-strip.ts';
import { mapPanel } from './map-panel.ts';
import { type PursuitsView, pursuitsPanel } from './pursuits.ts';

type Tab = 'detail' | 'call' | 'pursuits';

export function mountOperator(ctx: AppContext): View {
  const { store } = ctx;
  const strip = figuresStrip();
  const queue = h('ol.queue', { id: 'alert-queue' });
  const incidents = h('ol.queue.incidents', { id: 'incident-list' });
  const queueTitle = h('h2');
  const incidentTitle = h('h2');
  const left = h('aside.left', null, queueTitle, queue, incidentTitle, incidents);
  const panel = mapPanel(ctx, { circlesSwitch: true });
  const tabs = h('nav.tabs');
  const right = h('aside.right', null, tabs, h('div.tab-body'));
  const body = right.lastChild as HTMLElement;
  fill(ctx.main, h('div.operator', null, strip.el, left, panel.el, right));
  const call = callTakerForm(ctx, panel.map);

  let selected: { kind: 'alert' | 'incident'; id: string } | undefined;
  let tab: Tab = 'detail';
  let detail: { ref: string; view: MatterDetailView } | undefined;
  let pursuits: PursuitsView | undefined;

  const matter = (): Matter | undefined => {
    if (!selected) return undefined;
    if (selected.kind === 'alert') {
      const alert = store.alerts.get(selected.id);
      return alert ? { kind: 'alert', alert } : undefined;
    }
    const incident = store.incidents.get(selected.id);
    return incident ? { kind: 'incident', incident } : undefined;
  };

  const select = (kind: 'alert' | 'incident', id: string) => {
    selected = { kind, id };
    tab = 'detail';
    panel.select(kind === 'alert' ? id : undefined);
    const m = matter();
    const where = m?.kind === 'alert' ? m.alert.location : m?.incident.location;
    if (where) panel.map.flyTo(where, 14);
    drawQueue();
    drawRight();
  };
  panel.map.onAlertClick((id) => select('alert', id));

  // Queue items are kept per alert and incident (syncKeyed), so a click or the focus survives the
  // redraws that every arriving alert and the ages' ticking cause.
  const alertLine = (a: Alert) => [
    levelText(a.level),
    fraudTypeText(a.fraudType),
    age(a.raisedAt),
    bi(a.reason),
  ];
  const incidentLine = (i: IncidentReport) => [
    `P${i.priority}`,
    categoryText(i.category),
    age(i.occurredAt),
    i.address ?? i.description ?? '',
  ];
  const isSelected = (id: string) => (selected?.id === id ? ' selected' : '');

  const drawQueue = () => {
    const open = store.openAlerts();
    queueTitle.textContent = `${t('alertQueue')} (${open.length})`;
    queue.dataset.count = String(open.length);
    syncKeyed(queue, open, {
      key: (a) => a.alertId,
      signature: (a) => [a.level, isSelected(a.alertId), ...alertLine(a)].join('\u0000'),
      create: (a) =>
        h('li', { dataset: { alert: a.alertId }, tabIndex: 0, onclick: () => select('alert', a.alertId) }),
      draw: (li, a) => {
        const [level, type, ago, reason] = alertLine(a);
        li.className = `item ${a.level}${isSelected(a.alertId)}`;
        li.dataset.level = a.level;
        fill(
          li,
          h(
            'div.line',
            null,
            h(`span.badge.${a.level}`, null, level),
            h('b', null, type),
            h('span.age', null, ago),
          ),
          h('p.reason', null, reason),
        );
      },
      empty: () => h('li.muted', null, t('noAlerts')),
    });
    const list = [...store.incidents.values()]
      .sort((a, b) => a.priority - b.priority || (a.occurredAt < b.occurredAt ? -1 : 1))
      .slice(0, 50);
    incidentTitle.textContent = `${t('incidents')} (${store.incidents.size})`;
    syncKeyed(incidents, list, {
      key: (i) => i.incidentId,
      signature: (i) => [isSelected(i.incidentId), ...incidentLine(i)].join('\u0000'),
      create: (i) =>
        h('li', { dataset: { incident: i.incidentId }, onclick: () => select('incident', i.incidentId) }),
      draw: (li, i) => {
        const [priority, category, ago, where] = incidentLine(i);
        li.className = `item incident${isSelected(i.incidentId)}`;
        fill(
          li,
          h(
            'div.line',
            null,
            h('span.badge.incident', null, priority),
            h('b', null, category),
            h('span.age', null, ago),
          ),
          where ? h('p.reason', null, where) : null,
        );
      },
    });
  };

  const drawTabs = () => {
    const item = (id: Tab, label: string) =>
      h(
        'button',
        {
          class: tab === id ? 'active' : '',
          dataset: { tab: id },
          onclick: () => {
            tab = id;
            drawTabs();
            drawRight();
          },
        },
        label,
      );
    fill(
      tabs,
      item('detail', t('timeline')),
      item('call', t('callTaker')),
      item('pursuits', t('interceptions')),
    );
  };

  const drawRight = () => {
    if (tab === 'call') {
      if (call.el.parentElement !== body) fill(body, call.el);
      return;
    }
    if (tab !== 'detail') {
      detail = undefined;
      // Made once (and again after a language switch), then updated in place like the detail.
      if (pursuits && pursuits.el.parentElement === body) pursuits.update();
      else {
        pursuits = pursuitsPanel(ctx);
        fill(body, pursuits.el);
      }
      return;
    }
    pursuits = undefined;
    // The selected matter's detail is made once and updated in place, so what the operator is doing
    // in it (a unit chosen, the last command's answer) survives the updates that keep arriving.
    const m = matter();
    if (!m) {
      detail = undefined;
      fill(body, noMatter());
      return;
    }
    const ref = m.kind === 'alert' ? m.alert.alertId : m.incident.incidentId;
    if (detail?.ref === ref && detail.view.el.parentElement === body) detail.view.update(m);
    else {
      detail = { ref, view: matterDetail(ctx, m) };
      fill(body, detail.view.el);
    }
  };

  // The queue's ages tick; the detail follows its matter.
  const ticker = setInterval(drawQueue, 15_000);
  const off = store.subscribe((parts: ReadonlySet<Part>) => {
    if (parts.has('alerts') || parts.has('incidents')) drawQueue();
    if (parts.has('figures')) strip.draw(store.figures);
    if (
      tab === 'detail' &&
      (parts.has('alerts') || parts.has('incidents') || parts.has('timeline') || parts.has('orders'))
    )
      drawRight();
    if (tab === 'pursuits' && (parts.has('plans') || parts.has('watchlist'))) drawRight();
  });

  const relabel = () => {
    detail = undefined; // made again in the language just chosen
    pursuits = undefined;
    strip.draw(store.figures);
    drawQueue();
    drawTabs();
    drawRight();
    panel.relabel();
  };
  relabel();
  return {
    relabel,
    dispose() {
      clearInterval(ticker);
      off();
      call.dispose();
      panel.dispose();
    },
  };
}
