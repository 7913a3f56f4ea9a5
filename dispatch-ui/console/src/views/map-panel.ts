/**
 * The live map as a panel: units by status (gliding), alerts by level, incidents, pursuits, and the
 * response-circles switch with the coverage figures, plus a legend. Shared by the operator's,
 * supervisor's and officer's views; it listens to the store itself.
 */
import type { ResponseCircles } from '@fenghuo/contracts';
import { fill, h } from '../dom.ts';
import { percent } from '../format.ts';
import { levelText, t, unitStateText } from '../i18n.ts';
import type { Part } from '../live/store.ts';
import { CityMap, type CityMapOptions } from '../map/city-map.ts';
import { LEVEL_COLOURS, UNIT_COLOURS } from '../map/style.ts';
import type { AppContext } from './context.ts';

export interface MapPanel {
  readonly el: HTMLElement;
  readonly map: CityMap;
  relabel(): void;
  dispose(): void;
  /** The alert drawn as selected. */
  select(alertId: string | undefined): void;
}

export function mapPanel(
  ctx: AppContext,
  opts: CityMapOptions & { readonly circlesSwitch?: boolean; readonly legend?: boolean } = {},
): MapPanel {
  const { store } = ctx;
  const mapEl = h('div.map', { id: 'map' });
  const overlay = h('div.map-overlay');
  const el = h('section.map-panel', null, mapEl, overlay);
  if (!ctx.basemap) throw new Error('the map needs the basemap');
  const map = new CityMap(mapEl, ctx.basemap, opts);
  if (ctx.session.user.unitId) map.setMine(ctx.session.user.unitId);
  let selected: string | undefined;
  let circles: ResponseCircles | undefined;
  let loadingCircles = false;

  const toggle = h('input', { type: 'checkbox', id: 'toggle-circles' });
  const coverage = h('div.coverage', { id: 'coverage' });
  toggle.addEventListener('change', async () => {
    const on = toggle.checked;
    if (on && !circles && !loadingCircles) {
      loadingCircles = true;
      toggle.disabled = true;
      try {
        circles = await ctx.session.get<ResponseCircles>('/api/city/response-circles');
        map.setCircles(circles);
      } finally {
        loadingCircles = false;
        toggle.disabled = false;
      }
    }
    map.showCircles(toggle.checked);
    relabel();
  });

  const relabel = () => {
    const items: HTMLElement[] = [];
    if (opts.circlesSwitch !== false && !opts.compact) {
      items.push(h('label.switch', null, toggle, h('span', null, t('responseCircles'))));
      if (toggle.checked && circles) {
        fill(
          coverage,
          ...circles.coverage.map((c) =>
            h('span', null, `${Math.round(c.limitS / 60)} ${t('minutes')}: ${percent(c.cellShare)}`),
          ),
          h(
            'span',
            { class: circles.gaps.features.length ? 'gap' : '' },
            circles.gaps.features.length ? `■ ${t('coverageGaps')}` : t('noGaps'),
          ),
        );
        items.push(coverage);
      }
    }
    if (opts.legend !== false && !opts.compact) {
      items.push(
        h(
          'div.legend',
          null,
          (['available', 'dispatched', 'en_route', 'on_scene', 'busy', 'off_duty'] as const).map((s) =>
            h('span', null, h('i', { style: { background: UNIT_COLOURS[s] } }), unitStateText(s)),
          ),
          (['urgent', 'warning', 'notice'] as const).map((l) =>
            h('span', null, h('i.ring', { style: { borderColor: LEVEL_COLOURS[l] } }), levelText(l)),
          ),
        ),
      );
    }
    fill(overlay, ...items);
  };
  relabel();

  const draw = (parts: ReadonlySet<Part>) => {
    if (parts.has('units') || parts.has('positions')) map.updateUnits(store.units.values());
    if (parts.has('alerts')) map.setAlerts(store.openAlerts(), selected);
    if (parts.has('incidents')) map.setIncidents([...store.incidents.values()]);
    // Checkpoint links follow their units; with no pursuit there is nothing to redraw.
    if (parts.has('plans') || (parts.has('positions') && store.plans.size > 0))
      map.setPlans([...store.plans.values()], store.tracks);
  };
  // Start on the person's own area: an operator's station or district, else the whole city.
  void map.ready.then(() => {
    const region = ctx.session.user.region;
    const basemap = ctx.basemap;
    if (!basemap) return;
    const stations = !region
      ? undefined
      : region.kind === 'station'
        ? new Set([region.id])
        : new Set(basemap.districts.find((d) => d.id === region.id)?.stationIds ?? []);
    const box: [number, number, number, number] = [180, 90, -180, -90];
    for (const f of basemap.cells.features) {
      if (stations && !stations.has(f.properties.stationId)) continue;
      const rings = f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.coordinates.flat();
      for (const ring of rings)
        for (const [lon, lat] of ring) {
          box[0] = Math.min(box[0], lon);
          box[1] = Math.min(box[1], lat);
          box[2] = Math.max(box[2], lon);
          box[3] = Math.max(box[3], lat);
        }
    }
    if (box[0] < box[2]) map.showBox(box);
  });
  const off = store.subscribe(draw);
  draw(new Set<Part>(['units', 'alerts', 'incidents', 'plans']));
  const onResize = () => map.resize();
  window.addEventListener('resize', onResize);
  return {
    el,
    map,
    relabel,
    select(alertId) {
      selected = alertId;
      map.setAlerts(store.openAlerts(), selected);
    },
    dispose() {
      off();
      window.removeEventListener('resize', onResize);
      map.remove();
    },
  };
}
