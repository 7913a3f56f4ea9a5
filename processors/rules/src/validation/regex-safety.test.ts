import { describe, expect, it } from 'vitest';
import { regexProblems } from './regex-safety.ts';

const hazard = (p: string) => regexProblems(p).map((x) => x.message);

describe('regexProblems', () => {
  it('accepts ordinary patterns', () => {
    for (const p of [
      '^00',
      '^\\+?86',
      '(?:http|https)://[a-z0-9.-]+/\\S*',
      '\\d{6,}',
      '^(?:170|171)\\d{8}$',
      '[\\u4e00-\\u9fa5]{2,}(?:公安|检察)',
      '(?<area>\\d{3})-\\k<area>',
      'a|ab',
      '(ab)+c',
      '(?:a|b)+',
      '\\(x+\\)+',
    ])
      expect(hazard(p), p).toEqual([]);
  });

  it('refuses a pattern that does not compile', () => {
    expect(hazard('(unclosed')[0]).toMatch(/^does not compile/);
    expect(regexProblems('a', 'ii')[0]?.message).toMatch(/^does not compile/);
  });

  it('finds nested unbounded quantifiers (star height 2)', () => {
    for (const p of ['(a+)+$', '(a*)*', '(\\w+\\s?)*$', '(?:x+y?)+', '^(\\d+)*$', '(.*,){5,}x', '((ab)*c)+'])
      expect(hazard(p)[0], p).toMatch(/nested quantifier/);
  });

  it('finds repeated alternations whose branches overlap', () => {
    for (const p of ['(a|ab)*c', '(\\d|\\w)+$', '(?:.|\\s)*x'])
      expect(hazard(p)[0], p).toMatch(/alternation/);
  });
});
