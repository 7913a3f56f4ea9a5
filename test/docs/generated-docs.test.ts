import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigDoc } from '../../infra/scripts/config-doc.ts';
import { CONFIG_DOC } from '../../infra/scripts/write-config-doc.ts';

describe('generated docs', () => {
  it('docs/configuration.md matches the services config specs (run npm run docs:config)', () => {
    const doc = readFileSync(CONFIG_DOC, 'utf8');
    expect(doc).toBe(renderConfigDoc());
    expect(doc).toContain('| `INGEST_PORT` | `8081` |');
    expect(doc).toContain('| `SCORER_RULE_SET_ID` |');
  });
});
