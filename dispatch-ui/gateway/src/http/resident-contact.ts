/**
 * `GET /api/residents/:subjectId/contact`: a resident's own contact details (phone, address, name),
 * decrypted from the contact store that ingest fills, for ONE person: the officer whose user record
 * (as it is now in the users file, not as the token remembers it) is bound to the unit of an
 * active order about an open alert on that resident. Everyone else gets 403. Every view and every
 * refusal goes to `audit.events` as `contact_view` with who (the person, their role and address),
 * whom (the resident's id) and why (the order, or the reason of the refusal); the contact itself is
 * never logged or audited.
 */
import type { Alert, DispatchOrder, ResidentContact, UserIdentity } from '@fenghuo/contracts';
import { type AuthTokens, type ContactStore, requireUser } from '@fenghuo/kit';
import express, { type Request, type Response } from 'express';
import type { StateStore } from '../live/state-store.ts';
import type { PeopleWriter } from '../people/writer.ts';
import { CITY_ROOM, unitRoom } from '../rooms.ts';
import { identityOf, type UserStore } from '../users/user-store.ts';
import { GatewayError } from './gateway-error.ts';

/** Why a person may not see a resident's contact. */
export type ContactRefusal = 'unknown_user' | 'not_an_officer' | 'no_unit' | 'no_open_order';

export type ContactAccess =
  | { readonly allowed: true; readonly order: DispatchOrder; readonly alertId: string }
  | { readonly allowed: false; readonly reason: ContactRefusal };

/**
 * Whether `user` (their current identity) may see `subjectId`'s contact: they are an officer bound
 * to a unit, and that unit holds an active order about an alert on the resident that is still open.
 * Reads the gateway's live state only (orders under the unit's room, alerts under the city's).
 */
export async function contactAccess(
  user: UserIdentity,
  subjectId: string,
  state: Pick<StateStore, 'read' | 'get'>,
): Promise<ContactAccess> {
  if (user.role !== 'officer') return { allowed: false, reason: 'not_an_officer' };
  if (user.unitId === undefined) return { allowed: false, reason: 'no_unit' };
  const orders = ((await state.read(['orders'], [unitRoom(user.unitId)])).get('orders') ??
    []) as DispatchOrder[];
  for (const order of orders) {
    if (order.unitId !== user.unitId || order.status !== 'active' || order.kind !== 'alert') continue;
    const alert = await state.get<Alert>('alerts', CITY_ROOM, order.refId);
    if (alert?.subjectId === subjectId && alert.status === 'open') {
      return { allowed: true, order, alertId: alert.alertId };
    }
  }
  return { allowed: false, reason: 'no_open_order' };
}

export interface ResidentContactDeps {
  readonly tokens: Pick<AuthTokens, 'verify'>;
  readonly users: Pick<UserStore, 'get'>;
  readonly state: Pick<StateStore, 'read' | 'get'>;
  readonly contacts: Pick<ContactStore, 'get'>;
  readonly writer: Pick<PeopleWriter, 'audit'>;
}

const SUBJECT_ID = /^[^\s/]{1,64}$/;

export function residentContactRoutes(deps: ResidentContactDeps, addressOf: (req: Request) => string) {
  const router = express.Router();
  router.get(
    '/api/residents/:subjectId/contact',
    requireUser(deps.tokens),
    async (req: Request, res: Response) => {
      const subjectId = String(req.params.subjectId);
      if (!SUBJECT_ID.test(subjectId)) {
        throw new GatewayError(400, 'validation_failed', 'not a resident id', {
          details: [{ path: 'subjectId', reason: 'expected 1 to 64 characters without spaces' }],
        });
      }
      const token = req.user!;
      // The user as the users file has them now: a disabled officer, or one moved to another unit,
      // is refused even with a token issued before.
      const record = deps.users.get(token.username);
      const user = record === undefined ? undefined : identityOf(token.username, record);
      const access =
        user === undefined
          ? ({ allowed: false, reason: 'unknown_user' } as const)
          : await contactAccess(user, subjectId, deps.state);
      const audit = {
        action: 'contact_view' as const,
        user: user ?? token,
        address: addressOf(req),
        target: { kind: 'resident', id: subjectId },
        correlationId: String(req.id),
      };
      if (!access.allowed) {
        await deps.writer.audit({ ...audit, result: 'denied', details: { reason: access.reason } });
        throw new GatewayError(
          403,
          'forbidden',
          "only the officer of an open order about this resident may see the resident's contact",
        );
      }
      const why = {
        reason: 'assigned_order',
        orderId: access.order.orderId,
        alertId: access.alertId,
        unitId: access.order.unitId,
      };
      const stored = await deps.contacts.get(subjectId);
      if (stored === undefined) {
        await deps.writer.audit({ ...audit, result: 'ok', details: { ...why, found: false } });
        throw new GatewayError(404, 'not_found', 'no contact details are on record for this resident');
      }
      // Audited before it is shown: a view that cannot be audited is not given.
      await deps.writer.audit({ ...audit, result: 'ok', details: { ...why, found: true } });
      const body: ResidentContact = {
        subjectId,
        contact: stored.contact,
        orderId: access.order.orderId,
        storedAt: stored.storedAt,
      };
      res.setHeader('Cache-Control', 'no-store');
      res.json(body);
    },
  );
  return router;
}
