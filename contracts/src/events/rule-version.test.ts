import { describe, expect, it } from 'vitest';
import { bindingFor, Codecs } from '../catalogue.ts';
import { examples, ruleSetExample } from '../examples.ts';
import { Topic } from '../topics.ts';
import { isShadow, ruleSetKey, SHADOW_KEY_SUFFIX } from './rule-set.ts';

describe('rules.sets keys', () => {
  it('keeps a shadow version under its own key, beside the live one', () => {
    const binding = bindingFor(Topic.RulesSets);
    const shadow = { ...ruleSetExample, shadow: { active: true } };
    expect(binding.key(ruleSetExample)).toBe('example');
    expect(binding.key(shadow)).toBe(`example${SHADOW_KEY_SUFFIX}`);
    expect(ruleSetKey({ ...shadow, shadow: { active: false } })).toBe('example#shadow');
    expect(isShadow(shadow)).toBe(true);
    expect(isShadow(ruleSetExample)).toBe(false);
    expect(Codecs.RuleSet.is(shadow)).toBe(true);
  });
});

describe('rules.versions events', () => {
  it('validate the content they carry with the rule set codec, naming the path', () => {
    const event = examples[Topic.RulesVersions];
    expect(Codecs.RuleVersionEvent.validate(event).ok).toBe(true);
    const bad = { ...event, content: { ...ruleSetExample, levels: { notice: 'low' } } };
    const r = Codecs.RuleVersionEvent.validate(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toContain('content.levels.notice');
  });
});
