/**
 * The shape of a day of 110 calls: hour-of-day counts and the category mix, taken from real
 * calls-for-service data so the simulated day has realistic peaks and mix. The simulator must run
 * without `../shared`, so the few figures it needs are copied here.
 *
 * Source: San Diego Police Department calls for service, 2023-01-01 to 2023-01-20 (26,595 calls;
 * `../shared/data/calls-for-service/sdpd_calls_for_service_2023_jan01-20.csv`, see
 * `../shared/data/SOURCES.txt`: zalvatore/Police_Calls_for_Service_San_Diego,
 * pd_calls_for_service_2023_datasd.csv, San Diego open data). Counted by us on 2026-12-03:
 * officer-initiated and administrative call types (SELENF, T, MPSSTP, FU, MTG, 1186, 1016, 1021,
 * INFO, COURT, 1151, 1149, 1150, FD, AU1, AU2, AU23103) left out, leaving 17,647 calls from the
 * public (882 a day for a city of 1.4 million); each call type mapped to our categories by its
 * description in `sdpd_cfs_calltypes_lookup.csv` (e.g. 415 DISTURBING PEACE → disturbance,
 * 459A BURGLARY ALARM → alarm, 10851R CAR THEFT REPORT → theft, 1183 NO DETAIL ACCIDENT →
 * traffic, 1140OD AMBULANCE CALL → medical; welfare checks, hang-ups and hazards → other).
 */
import type { IncidentCategory } from '@fenghuo/contracts';

/** Calls from the public per hour of day (0 = 00:00–00:59), summed over the 20 days. */
export const CALLS_BY_HOUR: readonly number[] = [
  682, 504, 461, 429, 402, 369, 494, 748, 810, 805, 950, 937, 913, 909, 867, 1002, 975, 938, 816, 793, 793,
  764, 702, 584,
];

/** Calls per category over the 20 days (17,647 in all). */
export const CALLS_BY_CATEGORY: Readonly<Partial<Record<IncidentCategory, number>>> = {
  other: 5135,
  disturbance: 3209,
  traffic: 2309,
  theft: 1666,
  alarm: 1466,
  violence: 1394,
  medical: 1281,
  fire: 446,
  missing_person: 268,
  robbery: 213,
  fraud: 152,
  suspicious: 102,
  fleeing_vehicle: 6,
};

/** Calls from the public per day in the source city (17,647 / 20). */
export const SOURCE_CALLS_PER_DAY = 882;

/** Priority we give each category (1 is the most urgent); the source's priorities are not ours. */
export const CATEGORY_PRIORITY: Readonly<Record<IncidentCategory, 1 | 2 | 3 | 4>> = {
  violence: 1,
  robbery: 1,
  fire: 1,
  medical: 1,
  fleeing_vehicle: 1,
  missing_person: 2,
  theft: 2,
  traffic: 2,
  alarm: 2,
  protection_order: 2,
  fraud: 3,
  neighbour_dispute: 3,
  family_dispute: 3,
  disturbance: 3,
  suspicious: 3,
  other: 4,
};
