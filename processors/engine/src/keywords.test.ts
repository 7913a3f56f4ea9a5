import { describe, expect, it } from 'vitest';
import { KeywordAutomaton, KeywordSets, normalizeText } from './keywords.ts';

describe('KeywordAutomaton', () => {
  it('finds overlapping and nested keywords in one pass', () => {
    const a = new KeywordAutomaton(['he', 'she', 'his', 'hers']);
    expect([...a.scan('ushers')].map((i) => a.keywords[i]).sort()).toEqual(['he', 'hers', 'she']);
  });

  it('finds Chinese keywords that share prefixes and suffixes', () => {
    const a = new KeywordAutomaton(['安全账户', '账户', '公安局', '公安']);
    const found = [...a.scan('这里是公安局，请转到安全账户')].map((i) => a.keywords[i]).sort();
    expect(found).toEqual(['公安', '公安局', '安全账户', '账户'].sort());
  });

  it('returns nothing when no keyword occurs', () => {
    expect(new KeywordAutomaton(['洗钱']).scan('今天天气很好').size).toBe(0);
  });
});

describe('KeywordSets', () => {
  it('normalises width, case and inserted spaces', () => {
    expect(normalizeText('ＡＰＰ 下 载')).toBe('app下载');
    // Spellings that dodge filters fold to the word they stand for.
    expect(normalizeText('加薇 信 ab12，或➕扣扣，转帐到 VX')).toBe('加微信ab12,或加qq,转账到微信');
    // "Add" with a one-character stand-in, and emoji between a word's characters (tenth pass); a
    // name or word with the same character stays as it is.
    expect(normalizeText('+威 x h 8 8 6，加薇：jz-77，微❤信 k1，点👍')).toBe(
      '加微信xh886,加微信:jz-77,微信k1,点',
    );
    expect(normalizeText('张薇说对方威胁她')).toBe('张薇说对方威胁她');
    const sets = new KeywordSets({ apps: ['ZOOM', '屏幕共享'] });
    expect(sets.match('请下载 Ｚｏｏｍ 并开启屏 幕 共 享').get('apps')?.sort()).toEqual(
      ['ZOOM', '屏幕共享'].sort(),
    );
  });

  it('reports a keyword once per set that holds it', () => {
    const sets = new KeywordSets({ a: ['转账', '汇款'], b: ['转账'] });
    const hits = sets.match('马上转账，再转账');
    expect(hits.get('a')).toEqual(['转账']);
    expect(hits.get('b')).toEqual(['转账']);
  });
});
