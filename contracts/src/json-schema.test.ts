import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { staleSchemaFiles } from '../scripts/write-json-schemas.ts';
import { Codecs } from './catalogue.ts';
import { isDateTime } from './codec.ts';
import { contractExamples, examples, fraudIndicatorExamples } from './examples.ts';
import { renderJsonSchemas } from './json-schema.ts';

const schemasDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');

describe('JSON Schema export', () => {
  const files = renderJsonSchemas();

  it('has one file per contract, and the committed files are current', () => {
    expect([...files.keys()].sort()).toEqual(
      Object.keys(Codecs)
        .map((n) => `${n}.json`)
        .sort(),
    );
    expect(staleSchemaFiles(schemasDir, files), 'run npm run contracts:jsonschema').toEqual([]);
  });

  it('is valid JSON Schema that a second validator (Ajv) agrees with', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
    const check = (name: string, value: unknown): boolean => {
      const doc = JSON.parse(files.get(`${name}.json`)!) as { $id: string };
      const validate = ajv.getSchema(doc.$id) ?? ajv.compile(doc);
      return validate(value) as boolean;
    };
    for (const e of fraudIndicatorExamples) {
      expect(check('FraudIndicator', e)).toBe(true);
      expect(check('FraudIndicator', { ...e, subjectId: '' })).toBe(false);
    }
    expect(check('IncidentReport', examples['incidents.reported'])).toBe(true);
    expect(check('IncidentReport', { ...examples['incidents.reported'], priority: 9 })).toBe(false);
    expect(check('Alert', examples['alerts.raised'])).toBe(true);
    expect(check('RuleSet', examples['rules.sets'])).toBe(true);
    expect(check('RuleSet', { ...examples['rules.sets'], rules: [{ kind: 'window' }] })).toBe(false);
  });

  // Ajv generates and compiles code for every schema file (3 s on an idle core); on a loaded one-core
  // machine that took over the suite's 20 s default, so this test gets a minute. No figure is asserted.
  it('loads every file into one validator, and each contract example passes its file', {
    timeout: 60_000,
  }, () => {
    const ajv = new Ajv2020({ strict: false });
    ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
    for (const text of files.values()) ajv.addSchema(JSON.parse(text) as object);
    for (const [name, example] of Object.entries(contractExamples)) {
      const validate = ajv.getSchema(`https://fenghuo.local/contracts/${name}.json`);
      expect(validate, name).toBeDefined();
      expect(validate!(example), `${name}: ${JSON.stringify(validate!.errors)}`).toBe(true);
    }
    const command = examples['operator.commands'];
    const validate = ajv.getSchema('https://fenghuo.local/contracts/OperatorCommand.json')!;
    expect(validate({ ...command, command: { ...command.command, type: 'launch' } })).toBe(false);
  });
});

describe('event catalogue', () => {
  it('docs/events.md is current (run npm run docs:events)', async () => {
    const { readFileSync } = await import('node:fs');
    const { renderEventCatalogue } = await import('./event-catalogue.ts');
    const doc = readFileSync(join(schemasDir, '..', '..', 'docs', 'events.md'), 'utf8');
    expect(doc).toBe(renderEventCatalogue());
    expect(doc).toContain('| `rules.sets` | ruleSetId | 1 | compact | forever | rules | RuleSet |');
  });
});
