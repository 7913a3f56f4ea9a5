/**
 * Grid-worker reports over HTTP:
 * - `GET /r/<cellId>`: the cell's public QR form with a fresh form token (404 for a cell the city
 *   does not have); `POST /r/<cellId>`: a `GridReportRequest` as JSON (the photo in base64) → 202
 *   `GridReportAccepted`, 429 with `Retry-After` past the address or cell limit.
 * - `POST /api/grid-reports`: the same report from a signed-in grid worker, about their own cell.
 * - `GET /api/attachments/<id>`: a report's photo, for who may see the cell's reports.
 * - `GET /api/cells/<cellId>/summary?date=YYYY-MM-DD`: the cell's reports of a UTC day by category.
 *
 * JSON with a base64 photo rather than multipart: express 5 and its body parsers read no multipart
 * (that would be a new dependency such as busboy or multer), the form needs script anyway for "use
 * my location" and the token's minimum age, and one validated JSON body keeps one decode at the
 * boundary. The cost is a third more bytes on the wire for the photo, under a 3 MB body limit.
 */
import { randomBytes } from 'node:crypto';
import { Codecs, type GridReportRequest, type UserIdentity } from '@fenghuo/contracts';
import { type AuthTokens, requireUser } from '@fenghuo/kit';
import express, { type Request, type Response } from 'express';
import type { CellDirectory, CellInfo } from '../grid/cells.ts';
import { type ReportDeps, type ReportFrom, submitGridReport } from '../grid/submit-report.ts';
import { type ReportSummaries, utcDay } from '../grid/summaries.ts';
import type { PeopleWriter } from '../people/writer.ts';
import { GatewayError } from './gateway-error.ts';
import { formPage, formPagePolicy, unknownCellPage } from './grid-report-page.ts';

export interface GridRoutesDeps extends ReportDeps {
  readonly cells: CellDirectory;
  readonly summaries: ReportSummaries;
  readonly tokens: Pick<AuthTokens, 'verify'>;
  readonly writer: Pick<PeopleWriter, 'audit'>;
  readonly addressOf: (req: Request) => string;
}

/** Largest report body: a 2 MiB photo in base64 is 2.8 MB, plus the text. */
const BODY_LIMIT = '3mb';

function decodeReport(body: unknown): GridReportRequest {
  const checked = Codecs.GridReportRequest.validate(body);
  if (!checked.ok) {
    throw new GatewayError(400, 'validation_failed', `${checked.errors.length} field(s) invalid`, {
      details: checked.errors.map((e) => ({ path: e.path, reason: e.message })),
    });
  }
  return checked.value;
}

export function gridReportRoutes(deps: GridRoutesDeps): express.Router {
  const router = express.Router();
  const json = express.json({ limit: BODY_LIMIT, type: () => true });

  const cellOr404 = (cellId: string | undefined): CellInfo => {
    const cell = cellId === undefined ? undefined : deps.cells.cell(cellId);
    if (!cell) throw new GatewayError(404, 'not_found', `no grid cell ${String(cellId)}`);
    return cell;
  };

  const denied = (req: Request, user: UserIdentity, kind: string, id: string) => {
    deps.writer
      .audit({
        action: 'access_denied',
        result: 'denied',
        user,
        address: deps.addressOf(req),
        target: { kind, id },
        correlationId: String(req.id),
      })
      .catch((err: unknown) => req.log.error({ err }, 'audit of a refused report access failed'));
    return new GatewayError(403, 'forbidden', `not allowed to see ${kind} ${id}`);
  };

  const submit = async (req: Request, res: Response, cell: CellInfo, from: ReportFrom) => {
    const accepted = await submitGridReport(
      decodeReport(req.body),
      { cell, from, requestId: String(req.id) },
      deps,
    );
    // A filled-in honeypot is answered like a success, so a bot learns nothing from it.
    res.status(202).json(accepted ?? { incidentId: `gr-${randomBytes(16).toString('hex')}` });
  };

  router.get('/r/:cellId', (req, res) => {
    const cell = deps.cells.cell(req.params.cellId);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!cell) {
      res.status(404).type('html').send(unknownCellPage(req.params.cellId));
      return;
    }
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Security-Policy', formPagePolicy(nonce));
    res.type('html').send(
      formPage({
        cellId: cell.id,
        formToken: deps.formTokens.issue(cell.id, deps.now()),
        minAgeMs: deps.formTokens.minAgeMs,
        maxPhotoBytes: deps.attachments.maxBytes,
        nonce,
      }),
    );
  });

  router.post('/r/:cellId', json, async (req, res) => {
    const cell = cellOr404(req.params.cellId);
    await submit(req, res, cell, { channel: 'qr', address: deps.addressOf(req) });
  });

  router.post(
    '/api/grid-reports',
    requireUser(deps.tokens, { roles: ['grid_worker'] }),
    json,
    async (req, res) => {
      const user = req.user as UserIdentity;
      if (user.gridCellId === undefined || !deps.cells.cell(user.gridCellId)) {
        throw new GatewayError(403, 'forbidden', 'this grid worker is bound to no cell of the city');
      }
      await submit(req, res, cellOr404(user.gridCellId), { channel: 'grid_worker', username: user.username });
    },
  );

  router.get('/api/attachments/:id', requireUser(deps.tokens), async (req, res) => {
    const user = req.user as UserIdentity;
    const photo = await deps.attachments.get(req.params.id as string);
    if (!photo) throw new GatewayError(404, 'not_found', `no attachment ${req.params.id}`);
    if (!deps.cells.maySee(user, photo.cellId))
      throw denied(req, user, 'attachment', req.params.id as string);
    res.setHeader('Content-Type', photo.type);
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Disposition', 'inline');
    res.end(photo.bytes);
  });

  router.get('/api/cells/:cellId/summary', requireUser(deps.tokens), async (req, res) => {
    const user = req.user as UserIdentity;
    const cell = cellOr404(req.params.cellId as string);
    const date = req.query.date === undefined ? utcDay(deps.now()) : req.query.date;
    if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
      throw new GatewayError(400, 'validation_failed', 'expected ?date=YYYY-MM-DD', {
        details: [{ path: 'date', reason: 'expected a UTC day, YYYY-MM-DD' }],
      });
    }
    if (!deps.cells.maySee(user, cell.id)) throw denied(req, user, 'cell', cell.id);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json(await deps.summaries.summary(cell.id, date));
  });

  return router;
}
