/** The strip of figures: warnings today, dissuaded, losses prevented, median times, open work. */
import type { Figures } from '@fenghuo/contracts';
import { fill, h } from '../dom.ts';
import { duration, yuan } from '../format.ts';
import { type TextKey, t } from '../i18n.ts';

export function figuresStrip(): { el: HTMLElement; draw(f: Figures | undefined): void } {
  const el = h('section.figures', { id: 'figures' });
  const item = (key: TextKey, value: string, tone = '') =>
    h(
      `div.figure${tone ? `.${tone}` : ''}`,
      { dataset: { figure: key } },
      h('b', null, value),
      h('span', null, t(key)),
    );
  return {
    el,
    draw(f) {
      const n = (v: number | undefined) => (v === undefined ? '—' : String(v));
      fill(
        el,
        item('warningsToday', n(f?.alerts.raised)),
        item('openAlerts', n(f?.alerts.open), f && f.alerts.urgent > 0 ? 'hot' : ''),
        item('dissuaded', n(f ? f.outcomes.dissuaded + f.outcomes.loss_prevented : undefined), 'good'),
        item('lossesPrevented', f ? yuan(f.amountSavedCny) : '—', 'good'),
        item(
          'medianToDispatch',
          f?.medianToDispatchSec === undefined ? '—' : duration(f.medianToDispatchSec),
        ),
        item('medianToOnScene', f?.medianToOnSceneSec === undefined ? '—' : duration(f.medianToOnSceneSec)),
        item('activeOrders', n(f?.orders.active)),
      );
    },
  };
}
