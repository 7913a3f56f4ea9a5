import { describe, expect, it } from 'vitest';
import { lang, setLang, TEXT_TABLES, t } from './i18n.ts';

describe('the UI text', () => {
  it('has every text in Chinese and English, none empty', () => {
    const zh = Object.keys(TEXT_TABLES.zh).sort();
    expect(Object.keys(TEXT_TABLES.en).sort()).toEqual(zh);
    for (const table of Object.values(TEXT_TABLES))
      for (const v of Object.values(table)) expect(v.trim()).not.toBe('');
  });

  it('switches language', () => {
    setLang('en');
    expect(lang()).toBe('en');
    expect(t('login')).toBe('Log in');
    setLang('zh');
    expect(t('login')).toBe('登录');
  });
});
