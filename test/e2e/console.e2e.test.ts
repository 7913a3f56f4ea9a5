/**
 * The console in real headless Chromium against the real services (one gateway serving the built
 * console, one ingest, one fraud scorer, the dispatch router; the real broker and Redis):
 * - an operator sees a fraud warning produced through ingest appear on the map and in the queue
 *   (the time it took is printed);
 * - response circles toggle on and off;
 * - the router sends the warning to the community officer of the victim's cell, who, on a
 *   phone-sized page, opens the resident's contact (sealed away by ingest), accepts it, goes en
 *   route and on scene and records "dissuaded"; the operator
 *   sees the router's timeline update;
 * - a supervisor sees station load; an analyst sees the per-rule figures;
 * - no page requests any URL outside the gateway's origin.
 * Every view is saved to `test-results/<view>.png`. Tests wait on page state, never on sleeps.
 */
import { type DispatchOrder, examples, type FraudIndicator, Topic } from '@fenghuo/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { placeIn } from '../../dispatch-ui/gateway/test/fixtures.ts';
import { consumeMessages, uniquePrefix, waitFor } from '../setup/helpers.ts';
import { launch, logIn, openPage, screenshot, type WatchedPage } from './browser.ts';
import { STATION, type Stack, startStack } from './stack.ts';

const RESIDENT_PHONE = '13800138000';

describe('the map console in a real browser', () => {
  const prefix = uniquePrefix('console-e2e');
  let stack: Stack;
  let browser: Browser;
  const pages: WatchedPage[] = [];
  let operator: Page;
  let alertId: string;
  const where = { location: { lat: 0, lon: 0 }, cellId: '' };

  beforeAll(async () => {
    const started = Date.now();
    stack = await startStack({
      prefix,
      brokers: inject('kafkaBrokers'),
      redisUrl: inject('redisUrl'),
      ingest: true,
      scorer: true,
      router: true,
    });
    Object.assign(where, placeIn(stack.pack, STATION));
    browser = await launch();
    console.log(
      `[e2e] gateway, ingest, scorer, router and Chromium ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await stack?.stop();
  });

  const page = async (viewport: { width: number; height: number }, mobile = false) => {
    const w = await openPage(browser, stack.gatewayUrl, viewport, { mobile });
    pages.push(w);
    return w;
  };

  const noForeignRequests = () => {
    for (const w of pages) expect(w.foreign, 'requests outside the gateway origin').toEqual([]);
  };

  it('shows the login page with no request outside the gateway', async () => {
    const w = await page({ width: 1600, height: 900 });
    await w.page.goto(`${stack.gatewayUrl}/`);
    await w.page.waitForSelector('#login-submit');
    await screenshot(w.page, 'login');
    // A wrong password is refused on the page.
    await w.page.fill('#username', stack.people.operator.username);
    await w.page.fill('#password', 'not-the-password');
    await w.page.click('#login-submit');
    await w.page.waitForFunction("(document.getElementById('login-error')?.textContent ?? '') !== ''");
    noForeignRequests();
  });

  it('an operator sees a fraud warning produced through ingest on the map and in the queue', async () => {
    const w = await page({ width: 1600, height: 900 });
    operator = w.page;
    await logIn(operator, stack.gatewayUrl, stack.people.operator.username, stack.people.operator.password);
    await operator.waitForSelector('#map[data-ready="1"]', { timeout: 60_000 });
    await operator.waitForSelector('#conn-badge[data-state="live"]', { timeout: 30_000 });

    const subjectId = `${prefix}victim-1`;
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    // Three calls from a listed number within 12 minutes, where the resident lives: a notice.
    const calls: FraudIndicator[] = [10, 6, 2].map((m, i) => ({
      ...examples[Topic.FraudIndicators],
      eventId: `${prefix}call-${i}`,
      subjectId,
      occurredAt: minutesAgo(m),
      location: where.location,
      gridCellId: where.cellId,
      // The bank knows the resident's phone: ingest seals it away; the officer may ask for it.
      subjectContact: { phone: RESIDENT_PHONE, name: '王秀英' },
    }));
    const posted = Date.now();
    const res = await fetch(`${stack.ingestUrl}/v1/fraud-indicators`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.bankKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(calls),
    });
    expect(res.status).toBe(202);

    const inQueue = await operator.waitForSelector('#alert-queue li[data-alert]', { timeout: 90_000 });
    const queueMs = Date.now() - posted;
    await operator.waitForFunction("Number(document.getElementById('map')?.dataset.alerts ?? 0) >= 1", null, {
      timeout: 30_000,
    });
    const mapMs = Date.now() - posted;
    console.log(`[e2e] fraud warning: posted to ingest → in the queue ${queueMs} ms, on the map ${mapMs} ms`);
    alertId = (await inQueue.getAttribute('data-alert')) as string;
    expect(alertId).toBeTruthy();
    const reason = await inQueue.$eval('.reason', (el) => el.textContent ?? '');
    expect(reason.length).toBeGreaterThan(4);

    await inQueue.click();
    await operator.waitForSelector(`#detail[data-ref="${alertId}"] .script`);
    await screenshot(operator, 'operator');
    noForeignRequests();
  });

  it('response circles toggle on and off', async () => {
    await operator.click('#toggle-circles');
    await operator.waitForSelector('#map[data-circles="on"]', { timeout: 120_000 });
    await operator.waitForSelector('#coverage span');
    await screenshot(operator, 'operator-response-circles');
    await operator.click('#toggle-circles');
    await operator.waitForSelector('#map[data-circles="off"]');
    await operator.click(`#alert-queue li[data-alert="${alertId}"]`);
    noForeignRequests();
  });

  it('an officer accepts, goes on scene and records "dissuaded"; the operator sees the timeline update', async () => {
    const officer = stack.people.officer;
    // The operator picks a unit in the alert's detail; the updates that follow must not lose it.
    const choice = await operator.waitForSelector(
      `#detail[data-ref="${alertId}"] #assign-unit option[value]:not([value=""])`,
      { state: 'attached' },
    );
    const chosenUnit = (await choice.getAttribute('value')) as string;
    await operator.selectOption('#assign-unit', chosenUnit);

    const w = await page({ width: 390, height: 844 }, true);
    const phone = w.page;
    await logIn(phone, stack.gatewayUrl, officer.username, officer.password);
    // The router sends the warning to the community officer of the victim's cell: this officer.
    const card = await phone.waitForSelector('#order-card[data-order]:not([data-order=""])', {
      timeout: 60_000,
    });
    const orderId = (await card.getAttribute('data-order')) as string;
    const orders = await consumeMessages(stack.kafka, {
      topic: `${prefix}${Topic.DispatchOrders}`,
      count: 1,
      timeoutMs: 30_000,
    });
    const order = orders
      .map((m) => JSON.parse(m.value ?? '{}') as DispatchOrder)
      .find((o) => o.orderId === orderId);
    expect(order).toMatchObject({ kind: 'alert', refId: alertId, unitId: officer.unitId });
    await phone.waitForSelector('#officer-script');
    // The resident's contact, on request (audited by the gateway), for the officer of the order.
    await phone.click('#show-contact');
    await phone.waitForSelector(`#resident-contact a[href="tel:${RESIDENT_PHONE}"]`, { timeout: 30_000 });
    await phone.waitForSelector('#map[data-ready="1"]');
    for (const step of ['accepted', 'en_route', 'on_scene'] as const) {
      await phone.click(`button[data-ack="${step}"]:not([disabled])`);
      await phone.waitForSelector(`button[data-ack="${step}"].done`);
    }
    await phone.waitForSelector('#outcome-form');
    await screenshot(phone, 'officer');
    await phone.check('input[name="outcome"][value="dissuaded"]');
    await phone.click('#outcome-submit');
    await phone.waitForSelector('#outcome-recorded');

    // The gateway wrote the officer's answers to Kafka with their identity.
    const acks = await consumeMessages(stack.kafka, {
      topic: `${prefix}${Topic.DispatchAcks}`,
      count: 4,
      timeoutMs: 30_000,
    });
    const statuses = acks.map(
      (m) => JSON.parse(m.value ?? '{}') as { status: string; orderId: string; actor?: { username: string } },
    );
    expect(
      statuses
        .filter((s) => s.orderId === orderId)
        .map((s) => s.status)
        .sort(),
    ).toEqual(['accepted', 'en_route', 'on_scene', 'received'].sort());
    expect(statuses.every((s) => s.actor?.username === officer.username)).toBe(true);
    const labels = await consumeMessages(stack.kafka, {
      topic: `${prefix}${Topic.OutcomesLabelled}`,
      count: 1,
      timeoutMs: 30_000,
    });
    expect(JSON.parse(labels[0]?.value ?? '{}')).toMatchObject({
      alertId,
      outcome: 'dissuaded',
      labelledBy: officer.username,
    });

    // The operator's timeline of the alert shows the officer's steps and the outcome.
    for (const type of ['acknowledged', 'en_route', 'on_scene', 'outcome'])
      await operator.waitForSelector(`#detail[data-ref="${alertId}"] .timeline li[data-type="${type}"]`, {
        timeout: 60_000,
      });
    expect(await operator.inputValue('#assign-unit'), 'the unit the operator chose').toBe(chosenUnit);
    await screenshot(operator, 'operator-timeline');
    noForeignRequests();
  });

  it('interceptions update in place: a re-plan keeps what the operator is typing, "captured" reaches Kafka', async () => {
    const unit =
      stack.pack.units.find((u) => u.stationId === STATION && u.kind === 'patrol_car') ?? stack.pack.units[0];
    if (!unit) throw new Error('the pack has no units');
    const pursuitId = `${prefix}pur-1`;
    const base = examples[Topic.InterceptionsPlans];
    const plan = (revision: number, unitEtaSec: number) => ({
      ...base,
      pursuitId,
      revision,
      plate: '粤B12345',
      createdAt: new Date().toISOString(),
      vehicleLocation: where.location,
      checkpoints: [
        {
          ...base.checkpoints[0]!,
          location: where.location,
          unitId: unit.id,
          unitEtaSec,
          orderId: undefined,
        },
      ],
      track: [
        {
          sightingId: `${prefix}sighting-${revision}`,
          at: new Date().toISOString(),
          location: where.location,
          nodeId: base.checkpoints[0]!.nodeId,
          headingDeg: 90,
          cameraId: 'cam-e2e',
        },
      ],
      reach: [],
    });
    const producer = stack.kafka.producer();
    await producer.connect();
    const publish = (p: ReturnType<typeof plan>) =>
      producer.send({
        topic: `${prefix}${Topic.InterceptionsPlans}`,
        messages: [{ key: p.pursuitId, value: JSON.stringify(p) }],
      });
    try {
      await operator.click('nav.tabs button[data-tab="pursuits"]');
      await operator.fill('#watch-plate', '京A7');
      await publish(plan(1, 95));
      const article = `article.pursuit[data-pursuit="${pursuitId}"]`;
      await operator.waitForSelector(article, { timeout: 60_000 });
      // Mark the element: a panel rebuilt on the next plan would lose the mark (and the typing).
      await operator.$eval(article, (el) => el.setAttribute('data-e2e-mark', 'kept'));
      await publish(plan(2, 80));
      await operator.waitForFunction(
        `document.querySelector('${article} header')?.textContent?.includes('r2') === true`,
        null,
        { timeout: 60_000 },
      );
      expect(await operator.getAttribute(article, 'data-e2e-mark'), 'the same element, updated').toBe('kept');
      expect(await operator.inputValue('#watch-plate'), 'what the operator was typing').toBe('京A7');
      await screenshot(operator, 'operator-interceptions');

      await operator.click(`${article} button.primary`);
      const commands = await consumeMessages(stack.kafka, {
        topic: `${prefix}${Topic.OperatorCommands}`,
        count: 1,
        timeoutMs: 60_000,
        match: (m) => (m.value ?? '').includes(pursuitId),
      });
      expect(JSON.parse(commands[0]?.value ?? '{}')).toMatchObject({
        command: { type: 'stop_pursuit', pursuitId, result: 'captured' },
        user: { username: stack.people.operator.username },
      });
    } finally {
      await producer.disconnect();
      await operator.click('nav.tabs button[data-tab="detail"]');
    }
    noForeignRequests();
  });

  it("a supervisor sees every station's load, and the ladder with a protection order's statutory countdown", async () => {
    const w = await page({ width: 1600, height: 900 });
    await logIn(w.page, stack.gatewayUrl, stack.people.supervisor.username, stack.people.supervisor.password);
    await w.page.waitForSelector('#map[data-ready="1"]', { timeout: 60_000 });
    await w.page.waitForSelector('#station-load tr[data-station]');
    const stations = await w.page.$$eval('#station-load tr[data-station]', (rows) => rows.length);
    expect(stations).toBe(stack.pack.stations.length);
    await screenshot(w.page, 'supervisor');

    // A protection order (urgent: 24 h) reaches the router; the ladder shows its rung, the time
    // left at it and the statutory countdown.
    const incidentId = `${prefix}po-1`;
    const report = {
      ...examples[Topic.IncidentsReported],
      eventId: `${prefix}110-po-1`,
      incidentId,
      occurredAt: new Date().toISOString(),
      category: 'protection_order' as const,
      priority: 1,
      location: where.location,
      gridCellId: undefined,
    };
    const producer = stack.kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        topic: `${prefix}${Topic.IncidentsReported}`,
        messages: [{ key: incidentId, value: JSON.stringify(report) }],
      });
    } finally {
      await producer.disconnect();
    }
    const item = await w.page.waitForSelector(`#ladder li[data-ref="${incidentId}"] .statutory`, {
      timeout: 60_000,
    });
    expect(await item.textContent()).toMatch(/\d/);
    const rung = await w.page.getAttribute(`#ladder li[data-ref="${incidentId}"]`, 'data-rung');
    expect(['officer', 'duty_desk', 'district', 'city']).toContain(rung);
    await screenshot(w.page, 'supervisor-ladder');
    noForeignRequests();
  });

  it('an analyst sees the per-rule figures', async () => {
    const w = await page({ width: 1600, height: 900 });
    await logIn(w.page, stack.gatewayUrl, stack.people.analyst.username, stack.people.analyst.password);
    const row = await w.page.waitForSelector('#rule-figures tr[data-rule]', { timeout: 60_000 });
    expect(await row.getAttribute('data-rule')).toBeTruthy();
    await w.page.waitForSelector('#chart-rules');
    await screenshot(w.page, 'analyst');
    noForeignRequests();
  });

  it('switches language and shows "stale since" while the socket is down', async () => {
    await operator.click('#lang-toggle');
    await waitFor(async () => (await operator.textContent('#logout'))?.trim() === 'Log out', {
      message: 'English labels',
    });
    // Cut the page off the network: the badge says since when the data is stale.
    await operator.context().setOffline(true);
    // engine.io-client closes its transport on the window's `offline` event, as a real outage does.
    await operator.evaluate("window.dispatchEvent(new Event('offline'))");
    await operator.waitForSelector('#conn-badge[data-state="stale"]', { timeout: 90_000 });
    expect(await operator.textContent('#conn-badge')).toMatch(/stale since \d\d:\d\d:\d\d/);
    await screenshot(operator, 'operator-stale-en');
    await operator.context().setOffline(false);
    await operator.waitForSelector('#conn-badge[data-state="live"]', { timeout: 90_000 });
    noForeignRequests();
  });
});
