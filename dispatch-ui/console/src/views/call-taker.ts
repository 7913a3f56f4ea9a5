/**
 * The 110 call-taker's form: category, priority, place (picked on the map or typed as "lat, lon"),
 * address, description, caller number. Sent as `create_incident`; the router dispatches it like
 * any reported incident.
 */
import { type GeoPoint, IncidentCategory } from '@fenghuo/contracts';
import { h } from '../dom.ts';
import { clock } from '../format.ts';
import { categoryText, t } from '../i18n.ts';
import { uuid } from '../ids.ts';
import type { CityMap } from '../map/city-map.ts';
import type { AppContext } from './context.ts';

const CATEGORIES = IncidentCategory.anyOf.map((c) => c.const);

export function callTakerForm(ctx: AppContext, map: CityMap): { el: HTMLElement; dispose(): void } {
  let place: GeoPoint | undefined;
  let picking = false;
  const category = h(
    'select',
    { name: 'category', id: 'call-category' },
    CATEGORIES.map((c) => h('option', { value: c }, categoryText(c))),
  );
  const priority = h(
    'select',
    { name: 'priority', id: 'call-priority' },
    [1, 2, 3, 4].map((p) => h('option', { value: String(p), selected: p === 2 }, `P${p}`)),
  );
  const where = h('input', { name: 'place', id: 'call-place', placeholder: 'lat, lon' });
  const address = h('input', { name: 'address', id: 'call-address', maxLength: 256 });
  const description = h('textarea', {
    name: 'description',
    id: 'call-description',
    rows: 3,
    maxLength: 4000,
  });
  const caller = h('input', {
    name: 'caller',
    id: 'call-caller',
    inputMode: 'tel',
    pattern: '\\+?[0-9]{3,20}',
  });
  const status = h('p.action-status', { role: 'status', id: 'call-status' });
  const pick = h('button', { type: 'button', id: 'call-pick' }, t('pickOnMap'));
  pick.addEventListener('click', () => {
    picking = true;
    pick.classList.add('active');
  });
  const off = map.onMapClick((p) => {
    if (!picking) return;
    picking = false;
    pick.classList.remove('active');
    place = p;
    where.value = `${p.lat}, ${p.lon}`;
    map.setPick(p);
  });
  where.addEventListener('change', () => {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(where.value);
    place = m ? { lat: Number(m[1]), lon: Number(m[2]) } : undefined;
    if (place) map.setPick(place);
  });
  const form = h(
    'form.call-taker',
    {
      id: 'call-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        if (!place) {
          status.textContent = `${t('place')}?`;
          return;
        }
        const command = {
          type: 'create_incident' as const,
          incidentId: `inc-${uuid()}`,
          category: category.value as (typeof CATEGORIES)[number],
          priority: Number(priority.value),
          location: place,
          ...(address.value.trim() ? { address: address.value.trim() } : {}),
          ...(description.value.trim() ? { description: description.value.trim() } : {}),
          ...(caller.value.trim() ? { callerNumber: caller.value.trim() } : {}),
        };
        const res = await ctx.conn.send('command:issue', { commandId: uuid(), command });
        status.textContent = res.ok
          ? `${t('done')} · ${clock(new Date())}`
          : `${t('failed')}: ${res.error.message}`;
        if (res.ok) {
          form.reset();
          place = undefined;
          map.setPick(undefined);
        }
      },
    },
    h('label', null, t('category'), category),
    h('label', null, t('priority'), priority),
    h('label', null, t('place'), h('div.row', null, where, pick)),
    h('label', null, t('address'), address),
    h('label', null, t('description'), description),
    h('label', null, t('callerNumber'), caller),
    h('button.primary', { type: 'submit', id: 'call-submit' }, t('createIncident')),
    status,
  );
  return { el: form, dispose: off };
}
