/**
 * Explain templates compiled once: `{name}` placeholders found when the rule set is compiled, so
 * filling one per firing is string concatenation, not a regex (as `fillTemplate` in explain.ts does).
 */
import type { BilingualText } from '@fenghuo/contracts';

/** A template cut once at its placeholders: literal text at even indexes, placeholder names at odd. */
type TemplateParts = readonly string[];

function templateParts(s: string): TemplateParts {
  const parts: string[] = [];
  let last = 0;
  for (const m of s.matchAll(/\{(\w+)\}/g)) {
    parts.push(s.slice(last, m.index), m[1] as string);
    last = m.index + m[0].length;
  }
  parts.push(s.slice(last));
  return parts;
}

function fillParts(parts: TemplateParts, values: Record<string, string | number>): string {
  let out = parts[0] as string;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] as string;
    const v = values[name];
    out += v === undefined ? `{${name}}` : String(v);
    out += parts[i + 1] as string;
  }
  return out;
}

/** An explain template compiled once: fills it as {@link fillTemplate} does, without a regex per call. */
export type CompiledTemplate = (values: Record<string, string | number>) => BilingualText;

export function compileTemplate(template: BilingualText): CompiledTemplate {
  const zh = templateParts(template.zh);
  const en = templateParts(template.en);
  return (values) => ({ zh: fillParts(zh, values), en: fillParts(en, values) });
}
