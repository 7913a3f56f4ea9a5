/**
 * A cell's public QR form in real headless Chromium on a phone viewport (390×844), against the
 * gateway as a process with its default form settings (the 3 s minimum form age included): the
 * form loads nothing from anywhere else, a resident picks a category, writes, attaches a photo and
 * sends; the page says it was sent with the reference, and that incident is on `incidents.reported`
 * as a `grid_worker` report of the cell with the photo's attachment id. Screenshots of the filled
 * form and of the answer go to `test-results/`.
 */

import { loadOrGenerateDefaultPack } from '@fenghuo/city';
import type { IncidentReport } from '@fenghuo/contracts';
import { Topic } from '@fenghuo/contracts';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consumeMessages, uniquePrefix } from '../setup/helpers.ts';
import { launch, logIn, openPage, screenshot } from './browser.ts';
import { STATION, type Stack, startStack } from './stack.ts';

const GRID_PASSWORD = 'e2e-grid-password-123';

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe("a cell's QR report form on a phone", () => {
  const prefix = uniquePrefix('grid-form-e2e');
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    const { pack } = loadOrGenerateDefaultPack();
    const cell = pack.cells.find((c) => c.stationId === STATION)!;
    stack = await startStack({
      prefix,
      brokers: inject('kafkaBrokers'),
      redisUrl: inject('redisUrl'),
      extraUsers: [
        { username: 'e2e-grid', role: 'grid_worker', gridCellId: cell.id, password: GRID_PASSWORD },
      ],
    });
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('is filled in and sent, and the report is on incidents.reported with its photo id', async () => {
    const cell = stack.pack.cells.find((c) => c.stationId === STATION)!;
    const { page, foreign, errors } = await openPage(
      browser,
      stack.gatewayUrl,
      { width: 390, height: 844 },
      { mobile: true },
    );
    const res = await page.goto(`${stack.gatewayUrl}/r/${cell.id}`);
    expect(res?.status()).toBe(200);
    await page.selectOption('#category', 'disturbance');
    await page.fill(
      '#text',
      '5号楼两户邻居因漏水争吵，需要民警调解。Neighbours in building 5 quarrelling over a leak.',
    );
    await page.setInputFiles('#photo', { name: 'leak.png', mimeType: 'image/png', buffer: PNG });
    await screenshot(page, 'grid-report-form-phone');
    await page.click('#send');
    await page.waitForSelector('#status.ok:has-text("已提交")', { timeout: 60_000 });
    const status = await page.textContent('#status');
    await screenshot(page, 'grid-report-form-phone-sent');
    const reference = /gr-[0-9a-f-]{36}/.exec(status ?? '')?.[0];
    expect(reference).toBeDefined();
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);

    const [msg] = await consumeMessages(stack.kafka, {
      topic: `${prefix}${Topic.IncidentsReported}`,
      count: 1,
      timeoutMs: 60_000,
    });
    const incident = JSON.parse(msg!.value!) as IncidentReport;
    expect(incident).toMatchObject({
      incidentId: reference,
      channel: 'grid_worker',
      category: 'disturbance',
      priority: 3,
      gridCellId: cell.id,
    });
    expect(incident.attachments?.[0]).toMatch(/^att-/);
  });

  it("takes a signed-in grid worker's report from the phone view, and the cell's officer sees the day's summary", async () => {
    const cell = stack.pack.cells.find((c) => c.stationId === STATION)!;
    const grid = await openPage(browser, stack.gatewayUrl, { width: 390, height: 844 }, { mobile: true });
    await logIn(grid.page, stack.gatewayUrl, 'e2e-grid', GRID_PASSWORD);
    await grid.page.waitForSelector('#grid-report');
    await grid.page.selectOption('#report-category', 'fire');
    await grid.page.fill('#report-text', '消防通道被电动车堵住。Fire lane blocked by scooters.');
    await grid.page.click('#report-send');
    await grid.page.waitForSelector('#report-note:has-text("gr-")', { timeout: 60_000 });
    expect(await grid.page.textContent('#report-note')).toMatch(/gr-[0-9a-f-]{36}/);
    await grid.page.waitForSelector('#cell-summary [data-total="2"]', { timeout: 60_000 });
    await screenshot(grid.page, 'grid-worker-phone');
    expect(grid.foreign).toEqual([]);

    const officer = await openPage(browser, stack.gatewayUrl, { width: 390, height: 844 }, { mobile: true });
    await logIn(officer.page, stack.gatewayUrl, stack.people.officer.username, stack.people.officer.password);
    await officer.page.waitForSelector('#cell-summary [data-total="2"]', { timeout: 60_000 });
    const text = await officer.page.textContent('#cell-summary');
    expect(text).toContain(cell.id);
    await officer.page.locator('#cell-summary').scrollIntoViewIfNeeded();
    await screenshot(officer.page, 'officer-cell-summary-phone');
    expect(officer.foreign).toEqual([]);
  });
});
