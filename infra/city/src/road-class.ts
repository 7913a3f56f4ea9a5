/** Road classes, their default speeds and the time-of-day speed profile used for ETAs. */

export const RoadClass = {
  motorway: 0,
  trunk: 1,
  primary: 2,
  secondary: 3,
  tertiary: 4,
  residential: 5,
  service: 6,
  livingStreet: 7,
  unclassified: 8,
} as const;
export type RoadClass = (typeof RoadClass)[keyof typeof RoadClass];

export const ROAD_CLASS_COUNT = 9;

export const ROAD_CLASS_NAMES: readonly string[] = [
  'motorway',
  'trunk',
  'primary',
  'secondary',
  'tertiary',
  'residential',
  'service',
  'living_street',
  'unclassified',
];

/** Free-flow speed in km/h when the data gives no `maxspeed`. */
export const DEFAULT_SPEED_KPH: readonly number[] = [100, 80, 60, 50, 40, 30, 15, 10, 40];

/** OSM `highway=*` values we route on, mapped to a class (`*_link` maps to its parent). */
export function roadClassFromHighway(highway: string): RoadClass | undefined {
  const base = highway.endsWith('_link') ? highway.slice(0, -5) : highway;
  switch (base) {
    case 'motorway':
      return RoadClass.motorway;
    case 'trunk':
      return RoadClass.trunk;
    case 'primary':
      return RoadClass.primary;
    case 'secondary':
      return RoadClass.secondary;
    case 'tertiary':
      return RoadClass.tertiary;
    case 'residential':
      return RoadClass.residential;
    case 'service':
      return RoadClass.service;
    case 'living_street':
      return RoadClass.livingStreet;
    case 'unclassified':
    case 'road':
      return RoadClass.unclassified;
    default:
      return undefined;
  }
}

/**
 * Multipliers applied to free-flow speed, one row of 24 hourly factors per road class.
 * A factor of 0.6 means traffic moves at 60 % of the free-flow speed during that hour.
 */
export interface SpeedProfile {
  readonly name: string;
  /** `factors[roadClass * 24 + hour]`, each in (0, 1]. */
  readonly factors: Float64Array;
}

/** Free flow at every hour: ETAs equal the edge free-flow times. */
export const FREE_FLOW_PROFILE: SpeedProfile = {
  name: 'free-flow',
  factors: new Float64Array(ROAD_CLASS_COUNT * 24).fill(1),
};

/**
 * A plausible urban weekday: morning (07-09) and evening (17-19) peaks slow arterials most,
 * nights are free-flow. Emergency driving beats normal traffic, so peaks are moderate.
 */
export function urbanWeekdayProfile(): SpeedProfile {
  const factors = new Float64Array(ROAD_CLASS_COUNT * 24);
  const peak = [
    1, 1, 1, 1, 1, 1, 0.9, 0.65, 0.6, 0.75, 0.85, 0.85, 0.8, 0.85, 0.85, 0.8, 0.75, 0.6, 0.6, 0.75, 0.9, 1, 1,
    1,
  ];
  // How strongly each class feels congestion (0 = not at all, 1 = fully).
  const sensitivity = [0.8, 1, 1, 0.9, 0.7, 0.4, 0.2, 0.1, 0.5];
  for (let c = 0; c < ROAD_CLASS_COUNT; c++) {
    for (let h = 0; h < 24; h++) {
      const p = peak[h] as number;
      factors[c * 24 + h] = 1 - (1 - p) * (sensitivity[c] as number);
    }
  }
  return { name: 'urban-weekday', factors };
}
