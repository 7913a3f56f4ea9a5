/** The ops server: the kit's `/healthz` `/readyz` `/metrics`, and `GET /v1/summary`. */
import { createServer, type Server } from 'node:http';
import { Codecs, type ResponseTimeSummary } from '@fenghuo/contracts';
import { createOpsRouter, type OpsOptions } from '@fenghuo/kit';
import express from 'express';

export interface OpsAppOptions extends OpsOptions {
  /** The response-time figures of the last window. */
  readonly summary: () => Promise<ResponseTimeSummary>;
}

export function createOpsApp(opts: OpsAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(createOpsRouter(opts));
  app.get('/v1/summary', async (_req, res) => {
    try {
      const body = await opts.summary();
      res.type('application/json').send(Codecs.ResponseTimeSummary.encode(body));
    } catch (err) {
      res.status(503).json({
        error: { code: 'summary_unavailable', message: `figures unavailable: ${(err as Error).message}` },
      });
    }
  });
  return app;
}

export async function listen(app: express.Express, port: number, host: string): Promise<Server> {
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
