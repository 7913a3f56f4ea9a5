/** A matter's timeline as a list: time, step, who or which unit, and the step's details. */
import type { TimelineEvent } from '@fenghuo/contracts';
import { h } from '../dom.ts';
import { clock, duration, yuan } from '../format.ts';
import { escalationReasonText, levelText, outcomeText, rungText, t, timelineText } from '../i18n.ts';

export function timelineList(entries: readonly TimelineEvent[]): HTMLElement {
  if (entries.length === 0) return h('p.muted', { dataset: { timeline: '0' } }, t('noTimeline'));
  return h(
    'ol.timeline',
    { dataset: { timeline: String(entries.length) } },
    entries.map((e) =>
      h(
        'li',
        { dataset: { type: e.type } },
        h('time', null, clock(e.at)),
        h('b.kind', null, timelineText(e.type)),
        h('span', null, detail(e)),
      ),
    ),
  );
}

function detail(e: TimelineEvent): string {
  const who = e.actor ? ` · ${e.actor.username}` : '';
  switch (e.type) {
    case 'raised':
      return `${e.level ? levelText(e.level) : ''} ${e.summary ?? ''}${who}`.trim();
    case 'dispatched':
      return `${e.unitId}${e.etaSec === undefined ? '' : ` · ${t('eta')} ${duration(e.etaSec)}`}${who}`;
    case 'acknowledged':
    case 'on_scene':
      return `${e.unitId}${who}`;
    case 'en_route':
      return `${e.unitId}${e.etaSec === undefined ? '' : ` · ${t('eta')} ${duration(e.etaSec)}`}`;
    case 'refused':
    case 'stood_down':
      return `${e.unitId}${e.reason ? ` · ${e.reason}` : ''}${who}`;
    case 'escalated':
      return `${e.rung ? rungText(e.rung) : ''} · ${escalationReasonText(e.reason)}`;
    case 'resolved':
      return `${e.unitId ?? ''}${e.note ? ` · ${e.note}` : ''}`;
    case 'incident.resolved':
      return [e.unitId, e.outcome, e.satisfaction, e.note].filter((x) => x !== undefined).join(' · ');
    case 'outcome':
      return `${outcomeText(e.outcome)}${e.amountSaved ? ` · ${yuan(e.amountSaved)}` : ''}${e.lossAmount ? ` · ${yuan(e.lossAmount)}` : ''}${who}`;
    case 'closed':
      return `${e.reason}${who}`;
    default: {
      const unreachable: never = e;
      return String(unreachable);
    }
  }
}
