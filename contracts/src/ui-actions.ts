/**
 * Every button a person presses, with what it sends and what it produces: the socket event (or HTTP
 * route) and payload, the Kafka event and topic the gateway writes, and what the owner of that state
 * does next (the timeline entries the router adds). docs/events.md renders it; the types keep it
 * true to the contracts, and a test checks that every command and acknowledgement has a button.
 */
import type { UserRole } from './common.ts';
import type { AckStatus } from './events/dispatch.ts';
import type { OperatorCommandType, PursuitResult } from './events/operator-command.ts';
import type { Outcome } from './events/outcome-label.ts';
import type { TimelineEventType } from './events/timeline.ts';
import type { UnitStatusRequest } from './socket/payloads.ts';
import { Topic, type TopicName } from './topics.ts';

export type UiActionVia =
  | { readonly socket: 'order:ack'; readonly status: AckStatus }
  | { readonly socket: 'unit:set-status'; readonly status: UnitStatusRequest['status'] }
  | {
      readonly socket: 'command:issue';
      readonly command: OperatorCommandType;
      readonly result?: PursuitResult;
    }
  | { readonly socket: 'outcome:record'; readonly outcomes: readonly Outcome[] }
  | { readonly http: string };

export interface UiAction {
  /** The button as the console labels it. */
  readonly button: string;
  /** Roles that see the button. */
  readonly who: readonly UserRole[];
  readonly via: UiActionVia;
  /** The topic the gateway (or the rules service) writes; its event is the topic's contract. */
  readonly topic: TopicName;
  /** Timeline entries that follow (written by the router), in order. */
  readonly timeline: readonly TimelineEventType[];
  /** What else happens, in a few words. */
  readonly effect: string;
}

const OFFICER: readonly UserRole[] = ['officer'];
const OPERATORS: readonly UserRole[] = ['operator', 'supervisor'];

export const UI_ACTIONS: readonly UiAction[] = [
  {
    button: '(phone shows a new order)',
    who: OFFICER,
    via: { socket: 'order:ack', status: 'received' },
    topic: Topic.DispatchAcks,
    timeline: [],
    effect: 'the router knows the phone has it',
  },
  {
    button: 'Accept',
    who: OFFICER,
    via: { socket: 'order:ack', status: 'accepted' },
    topic: Topic.DispatchAcks,
    timeline: ['acknowledged'],
    effect: 'the escalation clock stops',
  },
  {
    button: 'Refuse',
    who: OFFICER,
    via: { socket: 'order:ack', status: 'refused' },
    topic: Topic.DispatchAcks,
    timeline: ['refused', 'escalated', 'dispatched'],
    effect: 'the router escalates at once to the next candidate',
  },
  {
    button: 'En route',
    who: OFFICER,
    via: { socket: 'order:ack', status: 'en_route' },
    topic: Topic.DispatchAcks,
    timeline: ['en_route'],
    effect: 'the router sets the unit `en_route` on `units.status`',
  },
  {
    button: 'On scene',
    who: OFFICER,
    via: { socket: 'order:ack', status: 'on_scene' },
    topic: Topic.DispatchAcks,
    timeline: ['on_scene'],
    effect: 'the router sets the unit `on_scene`',
  },
  {
    button: 'Done',
    who: OFFICER,
    via: { socket: 'order:ack', status: 'completed' },
    topic: Topic.DispatchAcks,
    timeline: ['resolved'],
    effect: 'the order is `completed`; the unit is `available` again',
  },
  {
    button: 'Record outcome',
    who: OFFICER,
    via: { socket: 'outcome:record', outcomes: ['dissuaded', 'loss_prevented', 'too_late', 'false_alarm'] },
    topic: Topic.OutcomesLabelled,
    timeline: ['outcome', 'closed'],
    effect: 'the scorer closes the alert; backtests get the label (amount saved or lost with it)',
  },
  {
    button: 'On duty',
    who: OFFICER,
    via: { socket: 'unit:set-status', status: 'available' },
    topic: Topic.UnitsStatus,
    timeline: [],
    effect: 'the router offers the unit again',
  },
  {
    button: 'Busy',
    who: OFFICER,
    via: { socket: 'unit:set-status', status: 'busy' },
    topic: Topic.UnitsStatus,
    timeline: [],
    effect: 'the router stops offering the unit',
  },
  {
    button: 'Off duty',
    who: OFFICER,
    via: { socket: 'unit:set-status', status: 'off_duty' },
    topic: Topic.UnitsStatus,
    timeline: [],
    effect: 'the router stops offering the unit; its unacknowledged orders escalate',
  },
  {
    button: 'Create incident (110 call form)',
    who: OPERATORS,
    via: { socket: 'command:issue', command: 'create_incident' },
    topic: Topic.OperatorCommands,
    timeline: ['raised', 'dispatched'],
    effect: 'routed like a reported incident; `fleeing_vehicle` also opens a pursuit',
  },
  {
    button: 'Assign',
    who: OPERATORS,
    via: { socket: 'command:issue', command: 'assign' },
    topic: Topic.OperatorCommands,
    timeline: ['dispatched'],
    effect: 'a new order to the chosen unit, with the operator as `assignedBy`',
  },
  {
    button: 'Reassign',
    who: OPERATORS,
    via: { socket: 'command:issue', command: 'reassign' },
    topic: Topic.OperatorCommands,
    timeline: ['dispatched'],
    effect: 'the old order becomes `superseded`; the new one names it in `supersedes`',
  },
  {
    button: 'Stand down',
    who: OPERATORS,
    via: { socket: 'command:issue', command: 'stand_down' },
    topic: Topic.OperatorCommands,
    timeline: ['stood_down'],
    effect: 'the order becomes `cancelled`; the unit is `available` again',
  },
  {
    button: 'Close',
    who: OPERATORS,
    via: { socket: 'command:issue', command: 'close' },
    topic: Topic.OperatorCommands,
    timeline: ['closed'],
    effect: 'active orders of the matter are `cancelled`',
  },
  {
    button: 'Start pursuit',
    who: OPERATORS,
    via: { socket: 'command:issue', command: 'start_pursuit' },
    topic: Topic.OperatorCommands,
    timeline: ['raised', 'dispatched'],
    effect:
      'the interceptor opens a pursuit and plans (`interceptions.plans`); the router orders the checkpoints',
  },
  {
    button: 'Captured',
    who: OPERATORS,
    via: { socket: 'command:issue', command: 'stop_pursuit', result: 'captured' },
    topic: Topic.OperatorCommands,
    timeline: ['closed'],
    effect: 'the last plan is `captured`; checkpoint orders are `cancelled`',
  },
  {
    button: 'Stop pursuit (lost / called off)',
    who: OPERATORS,
    via: { socket: 'command:issue', command: 'stop_pursuit', result: 'lost' },
    topic: Topic.OperatorCommands,
    timeline: ['closed'],
    effect: 'the last plan is `lost` or `cancelled`; checkpoint orders are `cancelled`',
  },
  {
    button: 'Add to watch list',
    who: OPERATORS,
    via: { socket: 'command:issue', command: 'watchlist_add' },
    topic: Topic.OperatorCommands,
    timeline: [],
    effect: 'the interceptor writes the entry to `vehicles.watchlist`; a sighting then opens a pursuit',
  },
  {
    button: 'Remove from watch list',
    who: OPERATORS,
    via: { socket: 'command:issue', command: 'watchlist_remove' },
    topic: Topic.OperatorCommands,
    timeline: [],
    effect: 'the interceptor writes the entry as `removed`',
  },
  {
    button: 'Publish rule set',
    who: ['analyst', 'admin'],
    via: { http: 'POST /api/rules/drafts/:draftId/publish (gateway → rules service)' },
    topic: Topic.RulesSets,
    timeline: [],
    effect:
      'a new version on `rules.versions`; every processor reloads it within seconds; `rule_change` on `audit.events`',
  },
  {
    button: 'Publish as shadow',
    who: ['analyst', 'admin'],
    via: { http: 'POST /api/rules/drafts/:draftId/shadow' },
    topic: Topic.RulesSets,
    timeline: [],
    effect:
      'under `<ruleSetId>#shadow`: the scorer scores it beside the live version, alerts to `alerts.shadow` only',
  },
  {
    button: 'Roll back',
    who: ['analyst', 'admin'],
    via: { http: 'POST /api/rules/sets/:ruleSetId/rollback' },
    topic: Topic.RulesSets,
    timeline: [],
    effect: "the older version's content is published again as a new version (numbers never go down)",
  },
  {
    button: 'Log in',
    who: ['operator', 'supervisor', 'officer', 'grid_worker', 'analyst', 'admin'],
    via: { http: 'POST /api/auth/login' },
    topic: Topic.AuditEvents,
    timeline: [],
    effect: '`login` or `login_failed` is audited; the token opens the socket',
  },
];
