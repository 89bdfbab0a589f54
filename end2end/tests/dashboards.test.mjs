// Dashboards in the browser. A facilitator filters the progress matrix, opens a fellow
// and exports the filtered matrix as CSV, which must parse to the same rows. The
// submission counts change on the open page, without a reload, when a fellow starts a
// draft. The cohort and program dashboards are checked with axe-core, also at a phone's
// width and without the wasm bundle.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import {
  assertAccessible,
  assertAccessibleWithoutBundle,
  launchBrowser,
  openPage,
  signIn,
  startServer,
  waitForHydration,
} from '../support.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Returns the fellow names in the matrix's rows, in order. */
async function matrixNames(page) {
  return page.locator('#progress-matrix tbody th[scope="row"]').allInnerTexts();
}

/** Opens the Ohio cohort's dashboard from the cohort page and returns its address. */
async function openOhioDashboard(page) {
  await page.goto(`${server.url}/cohorts`);
  await page.getByRole('link', { name: 'Ohio 2027' }).click();
  await page.getByRole('heading', { level: 1, name: 'Ohio 2027' }).waitFor();
  await page.getByRole('link', { name: /^Dashboard/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard: Ohio 2027' }).waitFor();
  return page.url();
}

describe('cohort dashboard', () => {
  test('a facilitator filters the matrix, opens a fellow and exports the same rows', async () => {
    const view = await openPage(browser, { acceptDownloads: true });
    const { page } = view;
    await signIn(page, server.url, 'facilitator@demo.tli-hub.test');
    const dashboardUrl = await openOhioDashboard(page);
    await waitForHydration(page);
    await assertAccessible(page, 'the cohort dashboard');
    const everyone = await matrixNames(page);
    assert.ok(everyone.length >= 20, `the matrix lists the cohort (${everyone.length} rows)`);
    assert.equal(await page.locator('figure.chart').count(), 6, 'six charts');
    assert.ok(await page.locator('figure.chart svg[role="img"]').count() >= 3, 'charts with data are drawn');

    // Filter by part of a surname shared by fewer than all fellows, newest activity first.
    const surname = everyone[2].split(' ').pop();
    await page.getByLabel('Name of fellow or coach').fill(surname);
    await page.getByLabel('Sort by').selectOption({ label: 'Last active' });
    await page.getByLabel('Order').selectOption({ label: 'Descending' });
    await Promise.all([
      page.waitForURL(/q=/),
      page.getByRole('button', { name: 'Apply' }).click(),
    ]);
    const filtered = await matrixNames(page);
    assert.ok(filtered.length >= 1, 'the filter keeps a row');
    assert.ok(filtered.length < everyone.length, `the filter keeps ${filtered.length} rows`);
    for (const name of filtered) {
      assert.ok(name.includes(surname), `${name} matches ${surname}`);
    }
    assert.equal(
      await page.getByRole('columnheader', { name: /Last active/ }).getAttribute('aria-sort'),
      'descending',
    );
    const filteredUrl = page.url();

    // The export contains exactly the rows on the page, in the same order.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download these fellows as CSV' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^cohort-\d+-matrix\.csv$/);
    const text = readFileSync(await download.path(), 'utf8');
    assert.ok(text.startsWith('\uFEFF'), 'UTF-8 with a byte order mark');
    const rows = parse(text, { bom: true });
    assert.equal(rows[0][0], 'Fellow');
    assert.equal(rows[0].at(-1), 'Risks');
    assert.deepEqual(rows.slice(1).map((row) => row[0]), filtered);
    assert.ok(rows.every((row) => row.length === rows[0].length), 'every row has every column');

    // Opening a fellow from the matrix.
    const first = filtered[0];
    await page.locator('#progress-matrix').getByRole('link', { name: first, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: `${first}: progress` }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Micro-credentials' }).waitFor();
    await waitForHydration(page);
    await assertAccessible(page, 'a fellow’s progress page');
    await page.goBack();
    assert.equal(page.url(), filteredUrl);

    // A phone-sized screen: the page fits, and the matrix scrolls in its own region.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(dashboardUrl);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the dashboard fits a phone (overflow ${overflow}px)`);
    await assertAccessible(page, 'the cohort dashboard on a phone');
    await assertAccessibleWithoutBundle(
      browser,
      filteredUrl,
      'the filtered dashboard without the bundle',
      await view.context.storageState(),
    );
    view.assertClean();
    await view.close();
  });

  test('submission counts update on the open page when a fellow starts a draft', async () => {
    const staff = await openPage(browser);
    await signIn(staff.page, server.url, 'facilitator@demo.tli-hub.test');
    await openOhioDashboard(staff.page);
    await waitForHydration(staff.page);
    const drafts = staff.page.locator('#live-drafts');
    const before = Number(await drafts.innerText());

    // The fellow opens the composer of each micro-credential they chose; the first
    // visit to one not yet started creates its draft.
    const fellow = await openPage(browser);
    await signIn(fellow.page, server.url, 'fellow.ohio.08@demo.tli-hub.test');
    await fellow.page.goto(`${server.url}/fellow`);
    const composers = await fellow.page
      .locator('a[href*="/submissions/"]')
      .evaluateAll((links) => [...new Set(links.map((link) => link.getAttribute('href')))]);
    assert.ok(composers.length > 0, 'the fellow has chosen competencies');
    for (const href of composers) {
      await fellow.page.goto(`${server.url}${href}`);
    }

    await staff.page.waitForFunction(
      (count) => Number(document.getElementById('live-drafts').textContent) > count,
      before,
      { timeout: 30_000 },
    );
    await staff.page.getByText('Counts changed. Reload for the matrix.').waitFor();
    staff.assertClean();
    await staff.close();
    await fellow.close();
  });

  test('administrators see the program across cohorts', async () => {
    const view = await openPage(browser);
    const { page } = view;
    await signIn(page, server.url, 'admin@demo.tli-hub.test');
    await page.goto(`${server.url}/admin`);
    await page.getByRole('link', { name: 'Program dashboard' }).click();
    await page.getByRole('heading', { level: 1, name: 'Program dashboard' }).waitFor();
    const cohorts = page.locator('section[aria-labelledby="cohorts-heading"] tbody th');
    assert.deepEqual((await cohorts.allInnerTexts()).sort(), ['Nevada 2027', 'Ohio 2027']);
    await assertAccessible(page, 'the program dashboard');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the program dashboard fits a phone (overflow ${overflow}px)`);
    await assertAccessible(page, 'the program dashboard on a phone');
    view.assertClean();
    await view.close();
  });
});
