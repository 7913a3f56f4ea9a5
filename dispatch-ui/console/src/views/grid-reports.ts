/**
 * Grid-worker reports in the console: the grid worker's phone view (a short report form bound to
 * their own cell, posted to `POST /api/grid-reports`, and the cell's reports of the day), and the
 * daily summary card of a cell that the cell's community officer sees under their order card
 * (`GET /api/cells/<cellId>/summary`, refreshed every minute).
 */
import type { CellReportSummary, GridReportAccepted, IncidentCategory } from '@fenghuo/contracts';
import { RequestError } from '../api.ts';
import { fill, h } from '../dom.ts';
import { clock } from '../format.ts';
import { bi, categoryText } from '../i18n.ts';
import type { AppContext, View } from './context.ts';

/** The categories a grid worker picks from, in the order shown (as on the cell's QR form). */
const REPORT_CATEGORIES: readonly IncidentCategory[] = [
  'disturbance',
  'suspicious',
  'theft',
  'violence',
  'fire',
  'traffic',
  'medical',
  'missing_person',
  'fraud',
  'other',
];

const MAX_PHOTO = 2 * 1024 * 1024;

/** The cell whose community officer is `unitId`, from the basemap. */
export function cellOfOfficer(ctx: AppContext, unitId: string | undefined): string | undefined {
  if (unitId === undefined) return undefined;
  return ctx.basemap?.cells.features.find((f) => f.properties.officerId === unitId)?.properties.id;
}

/** A cell's reports of today (UTC) by category; redraws every minute and on a language switch. */
export function cellSummaryCard(
  ctx: AppContext,
  cellId: string,
): View & { el: HTMLElement; refresh(): void } {
  const el = h('section.cell-summary', { id: 'cell-summary' });
  let last: CellReportSummary | undefined;
  let failed = false;
  const draw = () => {
    const title = h('h3', null, bi({ zh: `网格 ${cellId} 今日上报`, en: `Reports in cell ${cellId} today` }));
    if (!last) {
      fill(el, title, h('p.muted', null, failed ? bi({ zh: '无法加载', en: 'Could not load' }) : '…'));
      return;
    }
    const rows = Object.entries(last.byCategory)
      .sort((a, b) => b[1] - a[1])
      .map(([c, n]) => h('li', null, `${categoryText(c as IncidentCategory)}: ${n}`));
    fill(
      el,
      title,
      h(
        'p',
        { dataset: { total: String(last.total) } },
        bi({
          zh: `共 ${last.total} 条（扫码 ${last.byChannel.qr}，网格员 ${last.byChannel.grid_worker}）`,
          en: `${last.total} in all (QR form ${last.byChannel.qr}, grid worker ${last.byChannel.grid_worker})`,
        }),
      ),
      rows.length > 0 ? h('ul', null, rows) : null,
    );
  };
  const refresh = () => {
    ctx.session
      .get<CellReportSummary>(`/api/cells/${encodeURIComponent(cellId)}/summary`)
      .then((s) => {
        last = s;
        failed = false;
      })
      .catch(() => {
        failed = true;
      })
      .finally(draw);
  };
  draw();
  refresh();
  const timer = setInterval(refresh, 60_000);
  return { el, refresh, relabel: draw, dispose: () => clearInterval(timer) };
}

function readPhoto(file: File | undefined): Promise<string | undefined> {
  if (!file) return Promise.resolve(undefined);
  if (file.size > MAX_PHOTO) return Promise.reject(new Error('photo_too_large'));
  return new Promise((ok, fail) => {
    const r = new FileReader();
    r.onload = () => {
      const s = String(r.result);
      ok(s.slice(s.indexOf(',') + 1));
    };
    r.onerror = () => fail(new Error('photo_unreadable'));
    r.readAsDataURL(file);
  });
}

function here(): Promise<{ lat: number; lon: number } | undefined> {
  return new Promise((ok) => {
    if (!navigator.geolocation) return ok(undefined);
    navigator.geolocation.getCurrentPosition(
      (p) => ok({ lat: p.coords.latitude, lon: p.coords.longitude }),
      () => ok(undefined),
      { timeout: 10_000, maximumAge: 60_000 },
    );
  });
}

/** The grid worker's phone: report about my cell, and my cell's reports of today. */
export function mountGridWorker(ctx: AppContext): View {
  const cellId = ctx.session.user.gridCellId;
  const summary = cellId === undefined ? undefined : cellSummaryCard(ctx, cellId);
  const category = h('select', { id: 'report-category', name: 'category' });
  const text = h('textarea', { id: 'report-text', name: 'text', maxLength: 2000, required: true, rows: 5 });
  const photo = h('input', { id: 'report-photo', type: 'file', accept: 'image/jpeg,image/png,image/webp' });
  const useLocation = h('input', { id: 'report-location', type: 'checkbox' });
  const send = h('button.primary', { id: 'report-send', type: 'submit' });
  const note = h('p.report-note', { id: 'report-note', role: 'status' });
  const labels = {
    title: h('h2'),
    category: h('span'),
    text: h('span'),
    photo: h('span'),
    location: h('span'),
  };
  const form = h(
    'form.grid-report',
    {
      id: 'grid-report',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        if (text.value.trim() === '') return;
        send.disabled = true;
        note.textContent = '…';
        try {
          const [b64, location] = await Promise.all([
            readPhoto(photo.files?.[0]),
            useLocation.checked ? here() : Promise.resolve(undefined),
          ]);
          const res = await ctx.session.send<GridReportAccepted>('POST', '/api/grid-reports', {
            category: category.value,
            text: text.value.trim(),
            ...(b64 ? { photo: b64 } : {}),
            ...(location ? { location } : {}),
          });
          form.reset();
          note.textContent = `${bi({ zh: '已上报', en: 'Reported' })} · ${res.incidentId} · ${clock(new Date())}`;
          summary?.refresh();
        } catch (err) {
          const reason = err instanceof RequestError ? err.message : (err as Error).message;
          note.textContent = `${bi({ zh: '上报失败', en: 'Not sent' })}: ${reason}`;
        } finally {
          send.disabled = false;
        }
      },
    },
    labels.title,
    h('label', null, labels.category, category),
    h('label', null, labels.text, text),
    h('label', null, labels.photo, photo),
    h('label.row', null, useLocation, labels.location),
    send,
    note,
  );
  const relabel = () => {
    labels.title.textContent = bi({
      zh: `网格上报 · ${cellId ?? '—'}`,
      en: `Report in cell ${cellId ?? '—'}`,
    });
    labels.category.textContent = bi({ zh: '类别', en: 'Category' });
    labels.text.textContent = bi({ zh: '情况说明', en: 'What happened, where exactly' });
    labels.photo.textContent = bi({ zh: '照片（可选）', en: 'Photo (optional)' });
    labels.location.textContent = bi({ zh: '使用我的位置', en: 'Use my location' });
    send.textContent = bi({ zh: '提交', en: 'Send' });
    const chosen = category.value;
    fill(
      category,
      REPORT_CATEGORIES.map((c) => h('option', { value: c }, categoryText(c))),
    );
    category.value = chosen || 'disturbance';
    summary?.relabel();
  };
  relabel();
  fill(ctx.main, h('div.officer.grid-worker', null, form, summary?.el));
  return { relabel, dispose: () => summary?.dispose() };
}
