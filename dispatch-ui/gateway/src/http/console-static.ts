/**
 * The console's static files (`dispatch-ui/console/dist`, built by the console workspace) at `/`,
 * with its index page for the console's own routes; while it is not built, a small page that says
 * so. `/api`, `/socket.io`, `/r` (grid workers' QR forms, later) and the ops paths are left alone.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type Router } from 'express';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fenghuo gateway</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto">
<h1>烽火 Fenghuo gateway</h1>
<p>The console is not built yet (no <code>dispatch-ui/console/dist</code>). The gateway is running:
log in with <code>POST /api/auth/login</code> and connect with Socket.IO (<code>auth: {token}</code>).</p>
<p>控制台尚未构建。网关正在运行。</p>
</body></html>
`;

const RESERVED = /^\/(api|socket\.io|r|healthz|readyz|metrics)(\/|$)/;

export function consoleRoutes(dir: string): Router {
  const root = resolve(dir);
  const index = join(root, 'index.html');
  const router = express.Router();
  router.use(express.static(root, { index: 'index.html', fallthrough: true, maxAge: '1h' }));
  router.get('/{*path}', (req, res, next) => {
    if (RESERVED.test(req.path)) return next();
    if (existsSync(index)) return res.sendFile(index, { headers: { 'Cache-Control': 'no-cache' } });
    if (req.path !== '/') return next();
    res.type('html').send(NOT_BUILT);
  });
  return router;
}
