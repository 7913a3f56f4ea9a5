/**
 * The live map: the offline basemap plus one GeoJSON source per live layer. Units are one source of
 * points updated once per animation frame while any of them glides (never one DOM marker per unit);
 * alerts, incidents, circles, plans and the route are one source each, replaced when they change.
 * The container carries the page state the browser tests read (`data-ready`, `data-units`,
 * `data-alerts`, `data-incidents`, `data-circles`, `data-plans`, `data-route`).
 */
import type {
  Alert,
  CityBasemap,
  GeoPoint,
  IncidentReport,
  InterceptionPlan,
  LonLatPair,
  ResponseCircles,
} from '@fenghuo/contracts';
import { bi, levelText, t, unitKindText, unitStateText } from '../i18n.ts';
import type { UnitView } from '../live/store.ts';
import { convexHull } from './hull.ts';
import { gl } from './renderer.ts';
import { CIRCLE_LAYERS, cityStyle, type LiveSource } from './style.ts';
import { UnitMotion } from './unit-motion.ts';

interface PointFeature {
  type: 'Feature';
  id?: number;
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: Record<string, string | number | boolean>;
}

type GeoJson = { type: 'FeatureCollection'; features: unknown[] };

export interface CityMapOptions {
  /** Phone layout: no station labels, fewer controls. @defaultValue false */
  readonly compact?: boolean;
  /** Milliseconds a unit takes to glide to its next position (the gateway's push interval). @defaultValue 500 */
  readonly glideMs?: number;
}

const pt = (p: GeoPoint): [number, number] => [p.lon, p.lat];

export class CityMap {
  readonly map: InstanceType<typeof gl.Map>;
  readonly ready: Promise<void>;
  private readonly el: HTMLElement;
  private readonly motion = new UnitMotion();
  private readonly unitFeatures = new Map<string, PointFeature>();
  private readonly units: { type: 'FeatureCollection'; features: PointFeature[] } = {
    type: 'FeatureCollection',
    features: [],
  };
  private frame = 0;
  private loaded = false;
  private unitsDirty = false;
  private mine: string | undefined;
  private readonly glideMs: number;
  private circlesShown = false;
  private readonly popup: InstanceType<typeof gl.Popup>;

  constructor(container: HTMLElement, basemap: CityBasemap, opts: CityMapOptions = {}) {
    this.el = container;
    this.glideMs = opts.glideMs ?? 500;
    const [minLon, minLat, maxLon, maxLat] = basemap.bbox;
    this.map = new gl.Map({
      container,
      // biome-ignore lint/suspicious/noExplicitAny: the style is plain JSON shared by both renderers' typings.
      style: cityStyle(basemap) as any,
      bounds: [
        [minLon, minLat],
        [maxLon, maxLat],
      ],
      fitBoundsOptions: { padding: 10 },
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
    });
    this.map.addControl(new gl.NavigationControl({ showCompass: false }), 'bottom-right');
    this.popup = new gl.Popup({ closeButton: true, closeOnClick: true, maxWidth: '280px' });
    this.ready = new Promise((resolve) => {
      this.map.on('load', () => {
        this.loaded = true;
        this.map.resize();
        this.el.dataset.ready = '1';
        if (this.unitsDirty) this.flushUnits();
        resolve();
      });
    });
    this.el.dataset.units = '0';
    this.el.dataset.alerts = '0';
    this.el.dataset.incidents = '0';
    this.el.dataset.circles = 'off';
    if (!opts.compact) {
      for (const f of basemap.stations.features) {
        const label = document.createElement('div');
        label.className = 'station-label';
        label.textContent = f.properties.name;
        new gl.Marker({ element: label, anchor: 'top', offset: [0, 10] })
          .setLngLat(f.geometry.coordinates)
          .addTo(this.map);
      }
    }
    this.map.on('click', 'units', (e) => {
      const f = e.features?.[0];
      if (!f) return;
      const p = f.properties as { id: string; callSign?: string; status?: string; kind?: string };
      this.popup
        .setLngLat(e.lngLat)
        .setHTML(
          `<b>${escapeHtml(p.callSign ?? p.id)}</b><br>${escapeHtml(
            p.kind ? unitKindText(p.kind as never) : '',
          )} · ${escapeHtml(p.status && p.status !== 'unknown' ? unitStateText(p.status as never) : '—')}`,
        )
        .addTo(this.map);
    });
    for (const layer of ['units', 'alerts', 'incidents', 'stations', 'posts']) {
      this.map.on('mouseenter', layer, () => {
        this.map.getCanvas().style.cursor = 'pointer';
      });
      this.map.on('mouseleave', layer, () => {
        this.map.getCanvas().style.cursor = '';
      });
    }
    this.map.on('click', 'stations', (e) => {
      const p = e.features?.[0]?.properties as { name?: string } | undefined;
      if (p?.name)
        this.popup
          .setLngLat(e.lngLat)
          .setText(`${t('station')}: ${p.name}`)
          .addTo(this.map);
    });
  }

  private source(id: LiveSource) {
    return this.map.getSource(id) as { setData(data: unknown): void } | undefined;
  }

  private set(id: LiveSource, data: GeoJson): void {
    if (!this.loaded) {
      void this.ready.then(() => this.source(id)?.setData(data));
      return;
    }
    this.source(id)?.setData(data);
  }

  /** The officer's own unit is drawn larger, ringed in white. */
  setMine(unitId: string | undefined): void {
    this.mine = unitId;
  }

  /**
   * Units whose position or status changed. Positions glide; the frame loop writes them. Units with
   * no known position are not drawn.
   */
  updateUnits(units: Iterable<UnitView>, nowMs = performance.now()): void {
    for (const u of units) {
      if (!u.position) continue;
      let f = this.unitFeatures.get(u.unitId);
      const { lon, lat } = u.position.location;
      if (!f) {
        f = {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [lon, lat] },
          properties: { id: u.unitId },
        };
        this.unitFeatures.set(u.unitId, f);
        this.units.features.push(f);
      }
      f.properties.status = u.status ?? 'unknown';
      f.properties.callSign = u.callSign ?? u.unitId;
      if (u.kind) f.properties.kind = u.kind;
      f.properties.mine = u.unitId === this.mine;
      const last = this.motion.at(u.unitId, nowMs);
      if (!last || last[0] !== lon || last[1] !== lat)
        this.motion.moveTo(u.unitId, lon, lat, nowMs, this.glideMs);
    }
    this.unitsDirty = true;
    this.el.dataset.units = String(this.units.features.length);
    this.schedule();
  }

  private schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame((now) => this.tick(now));
  }

  private tick(now: number): void {
    this.frame = 0;
    const moved = this.motion.step(now, (id, lon, lat) => {
      const f = this.unitFeatures.get(id);
      if (f) {
        f.geometry.coordinates[0] = lon;
        f.geometry.coordinates[1] = lat;
      }
    });
    if (moved > 0) this.unitsDirty = true;
    if (this.unitsDirty && this.loaded) this.flushUnits();
    if (this.motion.movingCount > 0 || (this.unitsDirty && !this.loaded)) this.schedule();
  }

  private flushUnits(): void {
    this.unitsDirty = false;
    this.source('units')?.setData(this.units);
  }

  /** The drawn position of a unit (for the officer's view to centre on). */
  unitAt(unitId: string): [number, number] | undefined {
    return this.motion.at(unitId, performance.now());
  }

  setAlerts(alerts: readonly Alert[], selected?: string): void {
    const features = alerts.flatMap((a) =>
      a.location
        ? [
            {
              type: 'Feature',
              geometry: { type: 'Point', coordinates: pt(a.location) },
              properties: { id: a.alertId, level: a.level, selected: a.alertId === selected },
            },
          ]
        : [],
    );
    this.set('alerts', { type: 'FeatureCollection', features });
    this.el.dataset.alerts = String(features.length);
  }

  onAlertClick(handler: (alertId: string) => void): void {
    this.map.on('click', 'alerts', (e) => {
      const id = (e.features?.[0]?.properties as { id?: string } | undefined)?.id;
      if (id) handler(id);
    });
  }

  setIncidents(incidents: readonly IncidentReport[]): void {
    const features = incidents.map((i) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: pt(i.location) },
      properties: { id: i.incidentId, category: i.category, priority: i.priority },
    }));
    this.set('incidents', { type: 'FeatureCollection', features });
    this.el.dataset.incidents = String(features.length);
  }

  setCircles(circles: ResponseCircles): void {
    this.set('circles', circles.circles as GeoJson);
    this.set('gaps', circles.gaps as GeoJson);
  }

  showCircles(on: boolean): void {
    this.circlesShown = on;
    const apply = () => {
      for (const layer of CIRCLE_LAYERS)
        this.map.setLayoutProperty(layer, 'visibility', on ? 'visible' : 'none');
      this.el.dataset.circles = on ? 'on' : 'off';
    };
    if (this.loaded) apply();
    else void this.ready.then(apply);
  }

  get circlesVisible(): boolean {
    return this.circlesShown;
  }

  /**
   * Pursuits: the suspect's track, where the vehicle can reach (the plan's reach areas, else the
   * ring its checkpoints close), the checkpoints, and a line from each checkpoint's unit to it.
   */
  setPlans(plans: readonly InterceptionPlan[], tracks: ReadonlyMap<string, readonly GeoPoint[]>): void {
    const active = plans.filter((p) => p.status === 'active');
    // The reachable area the interceptor sends (each horizon, largest first), else the checkpoints' ring.
    const area = active.flatMap((p): unknown[] => {
      if (p.reach && p.reach.length > 0)
        return [...p.reach]
          .sort((a, b) => b.withinSec - a.withinSec)
          .map((r) => ({
            type: 'Feature',
            geometry: { type: 'MultiPolygon', coordinates: r.polygons },
            properties: { id: p.pursuitId, withinSec: r.withinSec },
          }));
      const hull = convexHull([...p.checkpoints.map((c) => pt(c.location)), pt(p.vehicleLocation)]);
      return hull.length >= 3
        ? [
            {
              type: 'Feature',
              geometry: { type: 'Polygon', coordinates: [[...hull, hull[0] as LonLatPair]] },
              properties: { id: p.pursuitId },
            },
          ]
        : [];
    });
    // The suspect's track: the plan's own sightings, else the vehicle's place in each plan seen.
    const track = active.flatMap((p) => {
      const points = (
        p.track && p.track.length > 0 ? p.track.map((tp) => tp.location) : (tracks.get(p.pursuitId) ?? [])
      ).map(pt);
      return points.length >= 2
        ? [
            {
              type: 'Feature',
              geometry: { type: 'LineString', coordinates: points },
              properties: { id: p.pursuitId },
            },
          ]
        : [];
    });
    const points = active.flatMap((p) => [
      {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: pt(p.vehicleLocation) },
        properties: { role: 'vehicle', id: p.pursuitId, plate: p.plate },
      },
      ...p.checkpoints.map((c) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: pt(c.location) },
        properties: { role: 'checkpoint', unitId: c.unitId, unitEtaSec: c.unitEtaSec },
      })),
    ]);
    const links = active.flatMap((p) =>
      p.checkpoints.flatMap((c) => {
        const from = this.unitAt(c.unitId);
        return from
          ? [
              {
                type: 'Feature',
                geometry: { type: 'LineString', coordinates: [from, pt(c.location)] },
                properties: { unitId: c.unitId },
              },
            ]
          : [];
      }),
    );
    this.set('plan-area', { type: 'FeatureCollection', features: area });
    this.set('plan-track', { type: 'FeatureCollection', features: track });
    this.set('plan-points', { type: 'FeatureCollection', features: points });
    this.set('plan-links', { type: 'FeatureCollection', features: links });
    this.el.dataset.plans = String(active.length);
  }

  /** The officer's way to their order (or nothing). */
  setRoute(coordinates: readonly LonLatPair[] | undefined, destination?: GeoPoint): void {
    const features: unknown[] = [];
    if (coordinates && coordinates.length >= 2)
      features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates }, properties: {} });
    this.set('route', { type: 'FeatureCollection', features });
    this.setPick(destination);
    this.el.dataset.route = String(coordinates?.length ?? 0);
  }

  /** A picked place (call-taker form) or a destination. */
  setPick(point: GeoPoint | undefined): void {
    this.set('pick', {
      type: 'FeatureCollection',
      features: point
        ? [{ type: 'Feature', geometry: { type: 'Point', coordinates: pt(point) }, properties: {} }]
        : [],
    });
  }

  /** The next click on the map (not on a feature's popup) gives a place. */
  onMapClick(handler: (p: GeoPoint) => void): () => void {
    const listener = (e: { lngLat: { lng: number; lat: number } }) =>
      handler({ lat: round(e.lngLat.lat), lon: round(e.lngLat.lng) });
    this.map.on('click', listener);
    return () => this.map.off('click', listener);
  }

  /** Shows a box `[minLon, minLat, maxLon, maxLat]` at once (a person's region). */
  showBox(box: readonly [number, number, number, number]): void {
    this.map.fitBounds(
      [
        [box[0], box[1]],
        [box[2], box[3]],
      ],
      { padding: 20, duration: 0 },
    );
  }

  flyTo(p: GeoPoint, zoom = 15): void {
    this.map.easeTo({ center: pt(p), zoom, duration: 600 });
  }

  fitTo(points: readonly GeoPoint[], padding = 60): void {
    if (points.length === 0) return;
    let [minLon, minLat, maxLon, maxLat] = [180, 90, -180, -90];
    for (const p of points) {
      minLon = Math.min(minLon, p.lon);
      maxLon = Math.max(maxLon, p.lon);
      minLat = Math.min(minLat, p.lat);
      maxLat = Math.max(maxLat, p.lat);
    }
    this.map.fitBounds(
      [
        [minLon - 0.003, minLat - 0.003],
        [maxLon + 0.003, maxLat + 0.003],
      ],
      { padding, duration: 600, maxZoom: 16 },
    );
  }

  /** A popup describing an alert (used by the queue when the alert is selected). */
  showAlertPopup(a: Alert): void {
    if (!a.location) return;
    this.popup
      .setLngLat(pt(a.location))
      .setHTML(`<b>${escapeHtml(levelText(a.level))}</b> · ${escapeHtml(bi(a.reason))}`)
      .addTo(this.map);
  }

  resize(): void {
    this.map.resize();
  }

  remove(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.map.remove();
  }
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}
