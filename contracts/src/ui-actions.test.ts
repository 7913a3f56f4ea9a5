import { describe, expect, it } from 'vitest';
import { ACK_STATUSES } from './events/dispatch.ts';
import { OPERATOR_COMMAND_TYPES } from './events/operator-command.ts';
import { Topic, topicSpec } from './topics.ts';
import { UI_ACTIONS } from './ui-actions.ts';

describe('buttons', () => {
  it('cover every acknowledgement and every operator command', () => {
    const acks = new Set<string>();
    const commands = new Set<string>();
    for (const a of UI_ACTIONS) {
      if ('socket' in a.via && a.via.socket === 'order:ack') acks.add(a.via.status);
      if ('socket' in a.via && a.via.socket === 'command:issue') commands.add(a.via.command);
    }
    expect([...acks].sort()).toEqual([...ACK_STATUSES].sort());
    expect([...commands].sort()).toEqual([...OPERATOR_COMMAND_TYPES].sort());
  });

  it('write the topic the gateway writes for their socket event', () => {
    const topicOf = {
      'order:ack': Topic.DispatchAcks,
      'unit:set-status': Topic.UnitsStatus,
      'command:issue': Topic.OperatorCommands,
      'outcome:record': Topic.OutcomesLabelled,
    } as const;
    for (const a of UI_ACTIONS) {
      expect(topicSpec(a.topic), a.button).toBeDefined();
      if ('socket' in a.via) expect(a.topic, a.button).toBe(topicOf[a.via.socket]);
    }
  });
});
