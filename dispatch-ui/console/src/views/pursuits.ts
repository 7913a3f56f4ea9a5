/**
 * Interceptions and the watch list: each active pursuit with its checkpoints (unit, its ETA, the
 * vehicle's earliest) and "captured" / "stop pursuit"; the watch list with add and remove.
 *
 * The panel is made once and updated in place: plans arrive every few seconds during a pursuit,
 * and a panel rebuilt on each would drop a click falling across the rebuild and wipe a plate the
 * operator is typing into the watch-list form.
 */
import type { InterceptionPlan, OperatorCommandBody, WatchListEntry } from '@fenghuo/contracts';
import { fill, h, syncKeyed } from '../dom.ts';
import { clock, duration } from '../format.ts';
import { t } from '../i18n.ts';
import { uuid } from '../ids.ts';
import type { AppContext } from './context.ts';

export interface PursuitsView {
  readonly el: HTMLElement;
  /** Redraws the pursuits and the watch list from the store; the form and the last answer stay. */
  update(): void;
}

export function pursuitsPanel(ctx: AppContext): PursuitsView {
  const status = h('p.action-status', { role: 'status' });
  const send = async (command: OperatorCommandBody) => {
    const res = await ctx.conn.send('command:issue', { commandId: uuid(), command });
    status.textContent = res.ok
      ? `${t('done')} · ${clock(new Date())}`
      : `${t('failed')}: ${res.error.message}`;
  };
  const stop = (p: InterceptionPlan, result: 'captured' | 'cancelled') =>
    void send({ type: 'stop_pursuit', pursuitId: p.pursuitId, plate: p.plate, result });

  const callSign = (unitId: string) => ctx.store.units.get(unitId)?.callSign ?? unitId;
  const pursuits = h('div.pursuit-list');
  const watchList = h('ul.watchlist');
  const plate = h('input', { placeholder: t('plate'), id: 'watch-plate', maxLength: 16 });
  const reason = h('input', { placeholder: t('reason'), id: 'watch-reason', maxLength: 1000 });
  const el = h(
    'section.pursuits',
    null,
    h('h3', null, t('interceptions')),
    pursuits,
    h('h3', null, t('watchList')),
    watchList,
    h(
      'form.row',
      {
        onsubmit: (e: Event) => {
          e.preventDefault();
          if (plate.value.trim().length >= 2 && reason.value.trim())
            void send({ type: 'watchlist_add', plate: plate.value.trim(), reason: reason.value.trim() });
        },
      },
      plate,
      reason,
      h('button', { type: 'submit' }, t('add')),
    ),
    status,
  );

  const update = () => {
    // The plan shown is the latest revision; its actions act on `current`, never on a stale copy.
    const current = new Map<string, InterceptionPlan>();
    const active = [...ctx.store.plans.values()].filter((p) => p.status === 'active');
    for (const p of active) current.set(p.pursuitId, p);
    syncKeyed(pursuits, active, {
      key: (p) => p.pursuitId,
      // Unit call signs come from another part of the store, so they are part of the signature.
      signature: (p) => `${p.revision}|${p.checkpoints.map((c) => callSign(c.unitId)).join(',')}`,
      create: (p) => {
        const head = h('header');
        const table = h('table.checkpoints');
        const byId = () => current.get(p.pursuitId) ?? p;
        return h(
          'article.pursuit',
          { dataset: { pursuit: p.pursuitId } },
          head,
          table,
          h(
            'div.actions',
            null,
            h('button.primary', { onclick: () => stop(byId(), 'captured') }, t('captured')),
            h('button', { onclick: () => stop(byId(), 'cancelled') }, t('stopPursuit')),
          ),
        );
      },
      draw: (node, p) => {
        const [head, table] = [node.children[0], node.children[1]];
        if (head)
          fill(
            head,
            h('b.plate', null, p.plate),
            ' ',
            h('span.muted', null, `r${p.revision} · ${clock(p.createdAt)}`),
          );
        if (table)
          fill(
            table,
            h(
              'tr',
              null,
              h('th', null, t('checkpoints')),
              h('th', null, t('eta')),
              h('th', null, t('vehicleEta')),
            ),
            p.checkpoints.map((c) =>
              h(
                'tr',
                { class: c.unitEtaSec <= c.vehicleEtaSec ? 'ok' : 'late' },
                h('td', null, `${callSign(c.unitId)} · L${c.layer}`),
                h('td', null, duration(c.unitEtaSec)),
                h('td', null, duration(c.vehicleEtaSec)),
              ),
            ),
          );
      },
      empty: () => h('p.muted', null, t('noPursuits')),
    });
    const watch = [...ctx.store.watchList.values()].filter((w) => w.status === 'active');
    syncKeyed<WatchListEntry>(watchList, watch, {
      key: (w) => w.plate,
      signature: (w) => w.reason,
      create: (w) =>
        h(
          'li',
          null,
          h('b.plate', null, w.plate),
          h('span.reason'),
          h(
            'button.small',
            { onclick: () => void send({ type: 'watchlist_remove', plate: w.plate }) },
            t('remove'),
          ),
        ),
      draw: (node, w) => {
        const text = node.querySelector('.reason');
        if (text) text.textContent = ` ${w.reason} `;
      },
    });
  };
  update();
  return { el, update };
}
