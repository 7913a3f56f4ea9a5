import { describe, expect, it } from 'vitest';
import { bindingFor, Codecs } from './catalogue.ts';
import { isDateTime, pointerToPath } from './codec.ts';
import { OPERATOR_COMMAND_TYPES } from './events/operator-command.ts';
import { TIMELINE_EVENT_TYPES } from './events/timeline.ts';
import {
  contractExamples,
  escalationLadderExample,
  examples,
  fraudIndicatorExamples,
  interceptionSettingsExample,
  operatorCommandExamples,
  timelineExamples,
} from './examples.ts';
import type { TopicName } from './topics.ts';

describe('pointerToPath', () => {
  it('turns JSON pointers into field paths', () => {
    expect(pointerToPath('')).toBe('');
    expect(pointerToPath('/amount')).toBe('amount');
    expect(pointerToPath('/location/lat')).toBe('location.lat');
    expect(pointerToPath('/urls/2')).toBe('urls[2]');
    expect(pointerToPath('/a~1b/c~0d')).toBe('a/b.c~d');
  });
});

describe('isDateTime', () => {
  it.each(['2026-11-27T08:46:16Z', '2026-11-27T08:46:16.123+08:00', '2026-02-28t23:59:60.5z'])(
    'accepts %s',
    (v) => {
      expect(isDateTime(v)).toBe(true);
    },
  );
  it.each(['2026-11-27', '2026-13-01T00:00:00Z', '2026-11-27T24:00:00Z', '2026-11-27T08:46:16', 'yesterday'])(
    'rejects %s',
    (v) => {
      expect(isDateTime(v)).toBe(false);
    },
  );
});

describe('FraudIndicator codec', () => {
  const codec = Codecs.FraudIndicator;

  it('accepts every kind', () => {
    for (const e of fraudIndicatorExamples) expect(codec.validate(e)).toEqual({ ok: true, value: e });
    expect(new Set(fraudIndicatorExamples.map((e) => e.kind))).toEqual(
      new Set(['call', 'sms', 'app_install', 'transfer', 'report']),
    );
  });

  it('names the discriminator when the kind is missing or unknown', () => {
    const { kind: _kind, ...noKind } = fraudIndicatorExamples[0]!;
    expect(codec.validate(noKind)).toEqual({
      ok: false,
      errors: [{ path: 'kind', message: 'required; one of call, sms, app_install, transfer, report' }],
    });
    const r = codec.validate({ ...noKind, kind: 'fax' });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors[0]).toEqual({ path: 'kind', message: expect.stringContaining('"fax" is not one of') });
  });

  it('reports every problem of the variant with its field path', () => {
    const transfer = fraudIndicatorExamples[3]!;
    const r = codec.validate({ ...transfer, amount: -5, currency: 'USD', occurredAt: 'now', extra: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = new Set(r.errors.map((e) => e.path));
    expect(paths).toEqual(new Set(['amount', 'currency', 'occurredAt', 'extra']));
  });

  it('reports nested paths', () => {
    const r = codec.validate({ ...fraudIndicatorExamples[3]!, location: { lat: 91, lon: 0 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toEqual(['location.lat']);
  });

  it('rejects non-objects', () => {
    for (const v of [null, 42, 'x', [1]]) {
      const r = codec.validate(v);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors[0]?.path).toBe('');
    }
  });

  it('decodes JSON and bytes, and reports bad JSON', () => {
    const e = fraudIndicatorExamples[1]!;
    expect(codec.decode(JSON.stringify(e))).toEqual({ ok: true, value: e });
    expect(codec.decode(codec.encode(e))).toEqual({ ok: true, value: e });
    const bad = codec.decode('{"kind":');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]?.message).toMatch(/^not valid JSON/);
    const notUtf8 = codec.decode(new Uint8Array([0xff, 0xfe, 0x7b]));
    expect(notUtf8.ok).toBe(false);
  });
});

describe('every contract', () => {
  it('accepts its example and rejects it with a field removed', () => {
    for (const [name, codec] of Object.entries(Codecs)) {
      const example = contractExamples[name as keyof typeof contractExamples];
      expect(codec.validate(example), name).toEqual({ ok: true, value: example });
      expect(codec.decode(codec.encode(example as never)), name).toEqual({ ok: true, value: example });
      // Remove the discriminator of a union, else the first required field (when there is one).
      const field = codec.discriminator ?? (codec.schema as { required?: string[] }).required?.[0];
      if (field === undefined) continue;
      const { [field]: _removed, ...without } = example as Record<string, unknown>;
      const r = codec.validate(without);
      expect(r.ok, name).toBe(false);
      if (!r.ok)
        expect(
          r.errors.map((e) => e.path),
          name,
        ).toContain(field);
    }
  });

  it('every topic event example passes its binding and is keyed as documented', () => {
    for (const topic of Object.keys(examples) as TopicName[]) {
      const binding = bindingFor(topic);
      const example = examples[topic];
      expect(binding.codec.validate(example), topic).toEqual({ ok: true, value: example });
      expect(binding.key(example as never), topic).not.toBe('');
    }
  });

  it('caps the number of errors', () => {
    const r = Codecs.IncidentReport.validate({}, 3);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toHaveLength(3);
  });
});

describe('unions told apart by a literal', () => {
  it('RuleSet is discriminated on kind: fraud rules, interception settings, escalation ladder', () => {
    expect(Codecs.RuleSet.discriminator).toBe('kind');
    const { kind: _kind, ...noKind } = examples['rules.sets'];
    expect(Codecs.RuleSet.validate(noKind)).toEqual({
      ok: false,
      errors: [
        {
          path: 'kind',
          message: 'required; one of fraud, interception_settings, escalation_ladder, complaint_risk',
        },
      ],
    });
    const r = Codecs.RuleSet.validate({ ...examples['rules.sets'], kind: 'ladder' });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors).toEqual([
        {
          path: 'kind',
          message: '"ladder" is not one of fraud, interception_settings, escalation_ladder, complaint_risk',
        },
      ]);
    expect(Codecs.RuleSet.validate(interceptionSettingsExample)).toEqual({
      ok: true,
      value: interceptionSettingsExample,
    });
    const bad = Codecs.RuleSet.validate({ ...interceptionSettingsExample, rings: [] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.path)).toEqual(['rings']);
  });

  it('an escalation ladder is a rule set whose errors are its own', () => {
    expect(Codecs.RuleSet.validate(escalationLadderExample)).toEqual({
      ok: true,
      value: escalationLadderExample,
    });
    const r = Codecs.RuleSet.validate({
      ...escalationLadderExample,
      ladders: { alert: [{ rung: 'mayor' }] },
      deadlinesSec: { p1: 0 },
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => e.path).sort()).toEqual(['deadlinesSec.p1', 'ladders.alert[0].rung']);
    }
  });

  it('every timeline type and every command type validates', () => {
    for (const e of timelineExamples)
      expect(Codecs.TimelineEvent.validate(e), e.type).toEqual({ ok: true, value: e });
    expect(new Set(timelineExamples.map((e) => e.type))).toEqual(new Set(TIMELINE_EVENT_TYPES));
    for (const c of operatorCommandExamples) {
      expect(Codecs.OperatorCommandBody.validate(c), c.type).toEqual({ ok: true, value: c });
      const wrapped = { ...examples['operator.commands'], command: c };
      expect(Codecs.OperatorCommand.validate(wrapped), c.type).toEqual({ ok: true, value: wrapped });
    }
    expect(new Set(operatorCommandExamples.map((c) => c.type))).toEqual(new Set(OPERATOR_COMMAND_TYPES));
  });

  it("a timeline entry's errors are its variant's own", () => {
    const dispatched = examples['timeline.events'];
    const r = Codecs.TimelineEvent.validate({ ...dispatched, escalationLevel: -1, outcome: 'dissuaded' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path).sort()).toEqual(['escalationLevel', 'outcome']);
  });

  it("a nested union reports the chosen variant's fields with their full path", () => {
    const command = examples['operator.commands'];
    const { unitId: _u, ...noUnit } = command.command as Extract<
      typeof command.command,
      { type: 'reassign' }
    >;
    const r = Codecs.OperatorCommand.validate({ ...command, command: { ...noUnit, reason: 7 } });
    expect(r).toEqual({
      ok: false,
      errors: [
        { path: 'command.unitId', message: 'Expected required property' },
        { path: 'command.reason', message: 'Expected string' },
      ],
    });
    const unknown = Codecs.OperatorCommand.validate({ ...command, command: { type: 'launch' } });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok)
      expect(unknown.errors).toEqual([
        {
          path: 'command.type',
          message: expect.stringMatching(/^"launch" is not one of create_incident, assign/),
        },
      ]);
    const missing = Codecs.OperatorCommand.validate({ ...command, command: {} });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.errors[0]?.path).toBe('command.type');
  });
});

describe('error messages', () => {
  it('report a missing field once and name the allowed values of an enum', () => {
    const transfer = fraudIndicatorExamples[3]!;
    const { currency: _c, ...noCurrency } = transfer as Extract<typeof transfer, { kind: 'transfer' }>;
    const r = Codecs.FraudIndicator.validate({ ...noCurrency, channel: 'pigeon' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      { path: 'currency', message: 'Expected required property' },
      { path: 'channel', message: 'Expected one of: bank_app, online_banking, atm, counter, third_party' },
    ]);
  });
});
