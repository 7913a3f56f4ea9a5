/**
 * The officer's phone (390×844): my current order with its route on the map and the instructions or
 * the dissuasion script; accept / en route / on scene / done; the outcome form for fraud warnings
 * (dissuaded, loss prevented with the amount saved, too late with the amount lost, false alarm);
 * my status (on duty, busy, off duty); my cell's grid reports of the day (community officers); my history. A new order rings and notifies (main.ts), and
 * the phone tells the router it has it (`received`).
 */
import type {
  AckStatus,
  DispatchOrder,
  DriveRoute,
  Outcome,
  ResidentContact,
  UnitStatusRequest,
} from '@fenghuo/contracts';
import { RequestError } from '../api.ts';
import { fill, h } from '../dom.ts';
import { clock, duration } from '../format.ts';
import { ackText, bi, levelText, outcomeText, t, unitStateText } from '../i18n.ts';
import type { Part } from '../live/store.ts';
import type { AppContext, View } from './context.ts';
import { cellOfOfficer, cellSummaryCard } from './grid-reports.ts';
import { mapPanel } from './map-panel.ts';

/** The buttons in the order an officer presses them; each is enabled once the one before is done. */
const STEPS: readonly { status: AckStatus; key: 'accept' | 'enRoute' | 'onScene' | 'complete' }[] = [
  { status: 'accepted', key: 'accept' },
  { status: 'en_route', key: 'enRoute' },
  { status: 'on_scene', key: 'onScene' },
  { status: 'completed', key: 'complete' },
];

const TIMELINE_OF: Partial<Record<AckStatus, string>> = {
  accepted: 'acknowledged',
  en_route: 'en_route',
  on_scene: 'on_scene',
  completed: 'resolved',
};

export function mountOfficer(ctx: AppContext): View {
  const { store, session } = ctx;
  const unitId = session.user.unitId;
  const panel = mapPanel(ctx, { compact: true, circlesSwitch: false, legend: false });
  // The card's order, steps and note are redrawn on every update; the outcome form sits in a slot
  // of its own, made once per order and left in place, so an update arriving while the officer
  // fills it in keeps the choice, the amount and the focus.
  const cardMain = h('div');
  const formSlot = h('div');
  const cardNote = h('div');
  // The resident's contact: asked for with a button (each view is audited by the gateway), made
  // once per order like the form, so an update does not hide what the officer opened.
  const contactSlot = h('div');
  const card = h('section.order-card', { id: 'order-card' }, cardMain, contactSlot, formSlot, cardNote);
  let formFor: string | undefined;
  let contactFor: string | undefined;
  const statusBar = h('section.my-status', { id: 'my-status' });
  const history = h('section.history', { id: 'history' });
  // A community officer also sees their cell's grid reports of the day.
  const myCell = cellOfOfficer(ctx, unitId);
  const cellSummary = myCell === undefined ? undefined : cellSummaryCard(ctx, myCell);
  fill(ctx.main, h('div.officer', null, statusBar, panel.el, card, cellSummary?.el, history));

  /** Acks this phone sent per order (the router's timeline confirms them when it runs). */
  const sent = new Map<string, Set<AckStatus>>();
  const recorded = new Set<string>();
  /** The alert whose outcome this phone recorded last: its card stays, marked, until a new order. */
  let lastRecorded: string | undefined;
  let routeFor: string | undefined;
  let note = '';

  const mine = () =>
    [...store.orders.values()]
      .filter((o) => o.unitId === unitId)
      .sort((a, b) => (a.issuedAt < b.issuedAt ? 1 : -1));
  const current = () => mine().find((o) => o.status === 'active');

  const done = (o: DispatchOrder, s: AckStatus) => {
    if (sent.get(o.orderId)?.has(s)) return true;
    const entry = TIMELINE_OF[s];
    return store.timeline(o.refId).some((e) => e.type === entry && 'orderId' in e && e.orderId === o.orderId);
  };

  const ack = async (o: DispatchOrder, status: AckStatus) => {
    const here = unitId ? store.units.get(unitId)?.position?.location : undefined;
    const res = await ctx.conn.send('order:ack', {
      orderId: o.orderId,
      status,
      ...(here ? { location: here } : {}),
    });
    if (res.ok) {
      const set = sent.get(o.orderId) ?? new Set<AckStatus>();
      set.add(status);
      sent.set(o.orderId, set);
      note = `${ackText(status)} · ${clock(new Date())}`;
    } else {
      note = `${t('failed')}: ${res.error.message}`;
    }
    drawCard();
  };

  const outcomeForm = (o: DispatchOrder) => {
    const choice = h(
      'div.outcomes',
      { role: 'radiogroup' },
      (['dissuaded', 'loss_prevented', 'too_late', 'false_alarm'] as Outcome[]).map((v) =>
        h(
          'label.outcome',
          null,
          h('input', { type: 'radio', name: 'outcome', value: v, required: true }),
          outcomeText(v),
        ),
      ),
    );
    const amount = h('input', {
      type: 'number',
      min: '0',
      step: '1',
      name: 'amount',
      id: 'outcome-amount',
      inputMode: 'numeric',
    });
    const amountLabel = h('label.amount', { hidden: true }, h('span'), amount);
    choice.addEventListener('change', () => {
      const v = (choice.querySelector('input:checked') as HTMLInputElement | null)?.value as
        | Outcome
        | undefined;
      amountLabel.hidden = v !== 'loss_prevented' && v !== 'too_late';
      (amountLabel.firstChild as HTMLElement).textContent =
        v === 'too_late' ? t('lossAmount') : t('amountSaved');
    });
    return h(
      'form.outcome-form',
      {
        id: 'outcome-form',
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const v = (choice.querySelector('input:checked') as HTMLInputElement | null)?.value as
            | Outcome
            | undefined;
          if (!v) return;
          const n = Number(amount.value);
          const money = amount.value !== '' && Number.isFinite(n) && n >= 0 ? n : undefined;
          const res = await ctx.conn.send('outcome:record', {
            alertId: o.refId,
            outcome: v,
            ...(money !== undefined && v === 'too_late' ? { lossAmount: money } : {}),
            ...(money !== undefined && (v === 'loss_prevented' || v === 'dissuaded')
              ? { amountSaved: money }
              : {}),
          });
          if (res.ok) {
            recorded.add(o.refId);
            lastRecorded = o.refId;
          }
          note = res.ok ? `${outcomeText(v)} · ${clock(new Date())}` : `${t('failed')}: ${res.error.message}`;
          drawCard();
        },
      },
      h('h3', null, t('outcome')),
      choice,
      amountLabel,
      h('button.primary.wide', { type: 'submit', id: 'outcome-submit' }, t('recordOutcome')),
    );
  };

  const contactBox = (o: DispatchOrder, subjectId: string) => {
    const box = h('div.contact', { id: 'resident-contact' });
    const show = async () => {
      fill(box, h('p.muted', null, '…'));
      try {
        const r = await session.get<ResidentContact>(
          `/api/residents/${encodeURIComponent(subjectId)}/contact`,
        );
        fill(
          box,
          h(
            'dl.contact-details',
            null,
            r.contact.name ? [h('dt', null, t('contactName')), h('dd', null, r.contact.name)] : null,
            r.contact.phone
              ? [
                  h('dt', null, t('contactPhone')),
                  h('dd', null, h('a', { href: `tel:${r.contact.phone}` }, r.contact.phone)),
                ]
              : null,
            r.contact.address ? [h('dt', null, t('contactAddress')), h('dd', null, r.contact.address)] : null,
          ),
          h('p.muted', null, t('contactAudited')),
        );
      } catch (err) {
        const status = err instanceof RequestError ? err.status : 0;
        fill(
          box,
          h(
            'p.action-status',
            null,
            status === 404 ? t('contactNone') : status === 403 ? t('contactRefused') : t('failed'),
          ),
          button(),
        );
      }
    };
    const button = () =>
      h('button.small', { id: 'show-contact', type: 'button', onclick: () => void show() }, t('showContact'));
    fill(box, button());
    box.dataset.order = o.orderId;
    return box;
  };

  const drawCard = () => {
    // The active order; else the latest completed alert still waiting for its outcome, or the one
    // just recorded (its "recorded" mark must not vanish when the router completes or closes the
    // order, whichever of the two answers reaches the phone first).
    const o =
      current() ??
      mine().find(
        (x) =>
          x.kind === 'alert' &&
          (x.refId === lastRecorded || (x.status === 'completed' && !recorded.has(x.refId))),
      );
    card.dataset.order = o?.orderId ?? '';
    const subjectId =
      o?.kind === 'alert' && o.status === 'active' ? store.alerts.get(o.refId)?.subjectId : undefined;
    const contactKey = o && subjectId ? `${o.orderId}:${subjectId}` : undefined;
    if (contactKey !== contactFor) {
      contactFor = contactKey;
      fill(contactSlot, o && subjectId ? contactBox(o, subjectId) : null);
    }
    fill(cardNote, note ? h('p.action-status', { id: 'officer-note' }, note) : null);
    // What the slot holds: the form of this order, the "recorded" mark, or nothing.
    const slot =
      o?.kind !== 'alert'
        ? ''
        : recorded.has(o.refId)
          ? 'recorded'
          : done(o, 'on_scene')
            ? `form:${o.orderId}`
            : '';
    if (slot !== formFor) {
      formFor = slot;
      fill(
        formSlot,
        o && slot.startsWith('form:') ? outcomeForm(o) : null,
        slot === 'recorded' ? h('p.recorded', { id: 'outcome-recorded' }, `✓ ${t('outcome')}`) : null,
      );
    }
    if (!o) {
      fill(cardMain, h('h2', null, t('myOrder')), h('p.muted', null, t('noOrder')));
      return;
    }
    const alert = o.kind === 'alert' ? store.alerts.get(o.refId) : undefined;
    const incident = o.kind === 'incident' ? store.incidents.get(o.refId) : undefined;
    const steps = STEPS.map((s, i) => {
      const isDone = done(o, s.status);
      const ready = i === 0 || done(o, (STEPS[i - 1] as (typeof STEPS)[number]).status);
      return h(
        'button.step',
        {
          class: isDone ? 'done' : '',
          disabled: isDone || !ready || o.status !== 'active',
          dataset: { ack: s.status },
          onclick: () => void ack(o, s.status),
        },
        t(s.key),
      );
    });
    fill(
      cardMain,
      h(
        'header',
        null,
        o.level
          ? h(`span.badge.${o.level}`, null, levelText(o.level))
          : h('span.badge.incident', null, `P${o.priority}`),
        h('h2', null, t('myOrder')),
        h(
          'span.muted',
          null,
          `${clock(o.issuedAt)}${o.etaSec === undefined ? '' : ` · ${t('eta')} ${duration(o.etaSec)}`}`,
        ),
      ),
      alert ? h('p.reason', null, bi(alert.reason)) : null,
      incident ? h('p.reason', null, `${incident.address ?? ''} ${incident.description ?? ''}`) : null,
      o.instructions ? h('p', null, h('b', null, `${t('instructions')}: `), o.instructions) : null,
      alert ? h('blockquote.script', { id: 'officer-script' }, bi(alert.script)) : null,
      h('div.steps', null, steps),
    );
    if (routeFor !== o.orderId && o.status === 'active') {
      routeFor = o.orderId;
      void drawRoute(o);
    }
  };

  const drawRoute = async (o: DispatchOrder) => {
    // The phone's last reported position, else where the unit starts its shift.
    const home = ctx.roster.find((u) => u.unitId === unitId)?.home;
    const from = (unitId ? store.units.get(unitId)?.position?.location : undefined) ?? home;
    panel.map.setPick(o.destination);
    if (!from) {
      panel.map.flyTo(o.destination, 15);
      return;
    }
    try {
      const r = await session.get<DriveRoute>(
        `/api/city/route?from=${from.lat},${from.lon}&to=${o.destination.lat},${o.destination.lon}`,
      );
      panel.map.setRoute(r.coordinates, o.destination);
    } catch {
      panel.map.setRoute(
        [
          [from.lon, from.lat],
          [o.destination.lon, o.destination.lat],
        ],
        o.destination,
      );
    }
    panel.map.fitTo([from, o.destination]);
  };

  const drawStatus = () => {
    const me = unitId ? store.units.get(unitId) : undefined;
    const set = (status: UnitStatusRequest['status']) => async () => {
      const res = await ctx.conn.send('unit:set-status', { status });
      note = res.ok
        ? `${unitStateText(status)} · ${clock(new Date())}`
        : `${t('failed')}: ${res.error.message}`;
      drawCard();
    };
    fill(
      statusBar,
      h(
        'span',
        null,
        `${me?.callSign ?? unitId ?? ''} · ${t('myStatus')}: `,
        h(
          'b',
          { id: 'my-state', dataset: { status: me?.status ?? '' } },
          me?.status ? unitStateText(me.status) : '—',
        ),
      ),
      h('span.spacer'),
      h('button.small', { onclick: set('available') }, t('onDuty')),
      h('button.small', { onclick: set('busy') }, t('busy')),
      h('button.small', { onclick: set('off_duty') }, t('offDuty')),
    );
  };

  const drawHistory = () => {
    const past = mine()
      .filter((o) => o.status !== 'active')
      .slice(0, 20);
    fill(
      history,
      h('h3', null, t('history')),
      past.length
        ? h(
            'ul',
            null,
            past.map((o) =>
              h(
                'li',
                null,
                `${clock(o.issuedAt)} · ${o.kind} · ${o.status}${recorded.has(o.refId) ? ' ✓' : ''}`,
              ),
            ),
          )
        : h('p.muted', null, t('none')),
    );
  };

  // The phone has the order: tell the router (UI_ACTIONS "(phone shows a new order)").
  const received = new Set<string>();
  const receipts = () => {
    for (const o of mine())
      if (o.status === 'active' && !received.has(o.orderId)) {
        received.add(o.orderId);
        void ctx.conn.send('order:ack', { orderId: o.orderId, status: 'received' });
      }
  };

  const off = store.subscribe((parts: ReadonlySet<Part>) => {
    if (parts.has('orders')) receipts();
    if (parts.has('orders') || parts.has('timeline') || parts.has('alerts') || parts.has('incidents')) {
      drawCard();
      drawHistory();
    }
    if (parts.has('units')) drawStatus();
  });
  const relabel = () => {
    drawStatus();
    formFor = undefined; // the form's labels are in the language just chosen
    drawCard();
    drawHistory();
    cellSummary?.relabel();
  };
  receipts();
  relabel();
  return {
    relabel,
    dispose() {
      off();
      panel.dispose();
      cellSummary?.dispose();
    },
  };
}
