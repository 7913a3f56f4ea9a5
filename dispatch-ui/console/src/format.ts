/** Times, durations and amounts as operators read them. */
import { lang, t } from './i18n.ts';

export function clock(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return d.toLocaleTimeString('en-GB', { hour12: false });
}

/** "3 min" / "45 s" since a time. */
export function age(iso: string, nowMs = Date.now()): string {
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  return duration(s);
}

export function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} ${t('seconds')}`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} ${t('minutes')}`;
  // Whole minutes first, so 3 h 59.9 min reads 4 h 0 min, not 3 h 60 min.
  const minutes = Math.round(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return lang() === 'zh' ? `${h}小时${m}分` : `${h} h ${m} min`;
}

export function yuan(amount: number): string {
  if (lang() === 'zh' && amount >= 10_000) return `¥${(amount / 10_000).toFixed(amount >= 1e6 ? 0 : 1)}万`;
  return `¥${Math.round(amount).toLocaleString('en-US')}`;
}

export function percent(share: number | undefined): string {
  return share === undefined ? '—' : `${Math.round(share * 100)}%`;
}

/** Straight-line metres between two points (good enough to sort nearby units). */
export function metres(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const r = 6_371_000;
  const dLat = ((b.lat - a.lat) * Math.PI) / 180;
  const dLon = ((b.lon - a.lon) * Math.PI) / 180;
  const la = (a.lat * Math.PI) / 180;
  const lb = (b.lat * Math.PI) / 180;
  const x = Math.sin(dLat / 2) ** 2 + Math.cos(la) * Math.cos(lb) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(x));
}
