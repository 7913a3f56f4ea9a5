/**
 * The operator's screen: the figures strip on top; the alert queue (most severe, then longest
 * waiting first, each with its plain-language reason) and incidents on the left; the live map in
 * the middle; on the right the selected matter (reason, script, timeline, actions), the 110
 * call-taker's form, and interceptions with the watch list.
 */
import type { Alert } from '@fenghuo/contracts';
import { fill, h } from '../dom.ts';
import { age } from '../format.ts';
import { bi, categoryText, fraudTypeText, levelText, t } from '../i18n.ts';
import type { Part } from '../live/store.ts';
import { type Matter, matterDetail } from './alert-detail.ts';
import { callTakerForm } from './call-taker.ts';
import type { AppContext, View } from './context.ts';
import { figuresStrip } from './figures-strip.ts';
import { mapPanel } from './map-panel.ts';
import { pursuitsPanel } from './pursuits.ts';

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

  const queueItem = (a: Alert) =>
    h(
      'li',
      {
        class: `item ${a.level}${selected?.id === a.alertId ? ' selected' : ''}`,
        dataset: { alert: a.alertId, level: a.level },
        tabIndex: 0,
        onclick: () => select('alert', a.alertId),
      },
      h(
        'div.line',
        null,
        h(`span.badge.${a.level}`, null, levelText(a.level)),
        h('b', null, fraudTypeText(a.fraudType)),
        h('span.age', null, age(a.raisedAt)),
      ),
      h('p.reason', null, bi(a.reason)),
    );

  const drawQueue = () => {
    const open = store.openAlerts();
    queueTitle.textContent = `${t('alertQueue')} (${open.length})`;
    queue.dataset.count = String(open.length);
    fill(queue, open.length ? open.map(queueItem) : h('li.muted', null, t('noAlerts')));
    const list = [...store.incidents.values()].sort(
      (a, b) => a.priority - b.priority || (a.occurredAt < b.occurredAt ? -1 : 1),
    );
    incidentTitle.textContent = `${t('incidents')} (${list.length})`;
    fill(
      incidents,
      list.slice(0, 50).map((i) =>
        h(
          'li',
          {
            class: `item incident${selected?.id === i.incidentId ? ' selected' : ''}`,
            dataset: { incident: i.incidentId },
            onclick: () => select('incident', i.incidentId),
          },
          h(
            'div.line',
            null,
            h('span.badge.incident', null, `P${i.priority}`),
            h('b', null, categoryText(i.category)),
            h('span.age', null, age(i.occurredAt)),
          ),
          i.address || i.description ? h('p.reason', null, i.address ?? i.description ?? '') : null,
        ),
      ),
    );
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
    fill(body, tab === 'detail' ? matterDetail(ctx, matter()) : pursuitsPanel(ctx));
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
