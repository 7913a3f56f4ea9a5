import { describe, expect, it } from 'vitest';
import { bindingFor } from '../catalogue.ts';
import { examples, operatorCommandExamples } from '../examples.ts';
import { Topic } from '../topics.ts';
import { operatorCommandKey } from './operator-command.ts';

describe('operator.commands partition key', () => {
  it('is the matter: the incident or alert id, or the plate for pursuits and the watch list', () => {
    const keys = Object.fromEntries(operatorCommandExamples.map((c) => [c.type, operatorCommandKey(c)]));
    expect(keys).toEqual({
      create_incident: 'inc-3f0c9a7e-51d2-4a8e-9d0b-7a1e2c3b4d5f',
      assign: 'inc-20261127-7781',
      reassign: 'inc-20261127-7781',
      stand_down: 'inc-20261127-7781',
      close: 'al-res-000123-1764232200',
      start_pursuit: '沪A12345',
      stop_pursuit: '沪A12345',
      watchlist_add: '沪A12345',
      watchlist_remove: '沪A12345',
    });
    const command = examples[Topic.OperatorCommands];
    expect(bindingFor(Topic.OperatorCommands).key(command)).toBe('inc-20261127-7781');
  });
});
