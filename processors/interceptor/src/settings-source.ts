/**
 * The interception settings in force: the built-in ones until a newer version of the configured
 * settings id arrives on `rules.sets` (kind `interception_settings`); settings that make no sense
 * to the planner (rings not growing outward) are refused and the old ones stay.
 */
import type { InterceptionSettings, RuleSet } from '@fenghuo/contracts';

export interface SettingsUpdateResult {
  readonly applied: boolean;
  readonly reason: string;
}

/** Why the planner cannot use these settings, or undefined when it can. */
export function settingsProblem(s: InterceptionSettings): string | undefined {
  for (let i = 1; i < s.rings.length; i++) {
    if ((s.rings[i]?.maxVehicleSec ?? 0) <= (s.rings[i - 1]?.maxVehicleSec ?? 0)) {
      return `rings[${i}].maxVehicleSec must be larger than rings[${i - 1}]'s (rings go from the inside out)`;
    }
  }
  if (s.rings.every((r) => r.maxCheckpoints === 0)) return 'every ring has maxCheckpoints 0';
  return undefined;
}

export class SettingsSource {
  private settings: InterceptionSettings;

  constructor(
    initial: InterceptionSettings,
    private readonly settingsId: string,
  ) {
    this.settings = initial;
  }

  current = (): InterceptionSettings => this.settings;

  offer(ruleSet: RuleSet): SettingsUpdateResult {
    switch (ruleSet.kind) {
      case 'fraud':
        return { applied: false, reason: 'kind fraud' };
      case 'escalation_ladder':
      case 'complaint_risk':
        return { applied: false, reason: `kind ${ruleSet.kind}` };
      case 'interception_settings': {
        if (ruleSet.ruleSetId !== this.settingsId)
          return { applied: false, reason: `other settings ${ruleSet.ruleSetId}` };
        const cur = this.settings;
        if (cur.ruleSetId === ruleSet.ruleSetId && ruleSet.ruleSetVersion <= cur.ruleSetVersion) {
          return {
            applied: false,
            reason: `version ${ruleSet.ruleSetVersion} not newer than ${cur.ruleSetVersion}`,
          };
        }
        const problem = settingsProblem(ruleSet);
        if (problem) return { applied: false, reason: `not usable: ${problem}` };
        this.settings = ruleSet;
        return { applied: true, reason: `now ${ruleSet.ruleSetId} v${ruleSet.ruleSetVersion}` };
      }
      default: {
        const unreachable: never = ruleSet;
        return { applied: false, reason: `unknown kind ${JSON.stringify(unreachable)}` };
      }
    }
  }
}
