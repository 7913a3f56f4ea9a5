/**
 * The router's built-in complaint-risk rules (it runs them where `incident.resolved` is written):
 * repeat calls from the same address within 30 days, disputes between neighbours or within a
 * family, an outcome left unresolved and a dissatisfied caller. A follow-up opens at a high risk
 * (60): for instance a dissatisfied caller whose matter is unresolved, or a dispute whose caller is
 * dissatisfied, or a repeat caller whose matter is unresolved.
 */
import type { ComplaintRiskSet } from '@fenghuo/contracts';

export function builtinComplaintRisk(ruleSetId: string): ComplaintRiskSet {
  return {
    version: 1,
    kind: 'complaint_risk',
    ruleSetId,
    ruleSetVersion: 0,
    publishedAt: new Date(0).toISOString(),
    publishedBy: 'builtin',
    description: 'Built into the router',
    repeatWindowDays: 30,
    thresholds: { medium: 30, high: 60 },
    followUpAt: 'high',
    rules: [
      {
        id: 'repeat-calls',
        name: 'Repeat calls from the same address',
        weight: 30,
        when: [{ op: 'gte', field: 'repeatCalls', value: 2 }],
        reason: '{repeatCalls} earlier calls from this address in {windowDays} days',
      },
      {
        id: 'dispute',
        name: 'Dispute between neighbours or within a family',
        weight: 25,
        when: [{ op: 'in', field: 'category', values: ['neighbour_dispute', 'family_dispute'] }],
        reason: 'A {category}: such disputes often come back',
      },
      {
        id: 'unresolved',
        name: 'Outcome unresolved',
        weight: 30,
        when: [{ op: 'eq', field: 'outcome', value: 'unresolved' }],
        reason: 'The officer recorded the matter as unresolved',
      },
      {
        id: 'dissatisfied',
        name: 'Caller dissatisfied',
        weight: 35,
        when: [{ op: 'eq', field: 'satisfaction', value: 'dissatisfied' }],
        reason: 'The caller was dissatisfied with the handling',
      },
    ],
  };
}
