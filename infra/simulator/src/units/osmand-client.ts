/**
 * A phone reporting its position the way Traccar Client does (OsmAnd protocol): `GET /osmand` with
 * the device id, `lat`, `lon`, `timestamp` (epoch ms), `speed` in knots, `bearing` and `accuracy`.
 * Ingest answers a plain 200.
 */
import type { Fix } from './path.ts';

const KPH_PER_KNOT = 1.852;

/** The query of one report. */
export function osmandQuery(deviceId: string, fix: Fix, atMs: number, accuracyM = 8): URLSearchParams {
  const round = (x: number, digits: number) => String(Math.round(x * 10 ** digits) / 10 ** digits);
  return new URLSearchParams({
    id: deviceId,
    lat: round(fix.lat, 6),
    lon: round(fix.lon, 6),
    timestamp: String(Math.round(atMs)),
    speed: round(fix.speedKph / KPH_PER_KNOT, 2),
    bearing: round(fix.headingDeg, 1),
    accuracy: String(accuracyM),
  });
}

/** Sends one report; the HTTP status (0 when ingest could not be reached). */
export async function reportPosition(
  ingestUrl: string,
  deviceId: string,
  fix: Fix,
  atMs: number,
): Promise<number> {
  try {
    const res = await fetch(`${ingestUrl}/osmand?${osmandQuery(deviceId, fix, atMs).toString()}`, {
      signal: AbortSignal.timeout(15_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
