/**
 * What analysts see of an alert: the rule data (rules fired, score, level, fraud type, reasons,
 * cell) without the resident: the subject id replaced by a keyed pseudonym (stable, so repeats can
 * be counted, but not reversible without the key), the alert id too (the scorer derives it from the
 * subject id), no location, evidence without its values or summaries (they quote masked numbers
 * and texts).
 */
import { createHmac } from 'node:crypto';
import type { Alert } from '@fenghuo/contracts';

const REDACTED = { zh: '[已隐去]', en: '[redacted]' };

export function pseudonym(key: Uint8Array, id: string, prefix = 'r'): string {
  return `${prefix}-${createHmac('sha256', key).update(id).digest('hex').slice(0, 16)}`;
}

export function redactAlert(alert: Alert, key: Uint8Array): Alert {
  const { location: _location, ...rest } = alert;
  return {
    ...rest,
    alertId: pseudonym(key, alert.alertId, 'a'),
    subjectId: pseudonym(key, alert.subjectId),
    evidence: alert.evidence.map(({ values: _values, summary: _summary, ...e }) => ({
      ...e,
      summary: REDACTED,
    })),
  };
}
