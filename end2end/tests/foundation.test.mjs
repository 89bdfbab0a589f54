// Server rendering, hydration, a server function round trip, the no-JavaScript path,
// the 404 page, accessibility and phone-sized layout.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertAccessible,
  assertAccessibleWithoutBundle,
  launchBrowser,
  openPage,
  signIn,
  startServer,
  waitForHydration,
} from '../support.mjs';

const ADMIN = 'admin@demo.tli-hub.test';

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

function uniqueName(prefix) {
  return `${prefix} ${Date.now().toString(36)}`;
}

describe('with JavaScript', () => {
  test('home page is server-rendered, then hydrates', async () => {
    const view = await openPage(browser);
    const response = await view.page.goto(`${server.url}/`);
    assert.equal(response.status(), 200);
    const html = await response.text();
    assert.match(html, /<h1>Teacher Leadership Institute<\/h1>/, 'the heading must be in the server HTML');

    await waitForHydration(view.page);
    assert.equal(await view.page.title(), 'Home · TLI Hub');
    await assertAccessible(view.page, 'home page');
    view.assertClean();
    await view.close();
  });

  test('adding a cohort saves it without reloading the page', async () => {
    const view = await openPage(browser);
    const { page } = view;
    await signIn(page, server.url, ADMIN);
    await page.goto(`${server.url}/cohorts`);
    await waitForHydration(page);
    await assertAccessible(page, 'cohorts page');

    // A full page load would drop this marker; a hydrated submit keeps it.
    await page.evaluate(() => { window.stillSamePage = true; });
    const name = uniqueName('Ohio');
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Year').fill('2027');
    await page.getByRole('button', { name: 'Add cohort' }).click();

    await page.getByRole('cell', { name, exact: true }).waitFor();
    await page.getByRole('status').filter({ hasText: `Added ${name} (2027).` }).waitFor();
    assert.equal(await page.evaluate(() => window.stillSamePage), true, 'the page must not reload');
    assert.equal(await page.getByLabel('Name').inputValue(), '', 'the form must clear after saving');

    await page.reload();
    await page.getByRole('cell', { name, exact: true }).waitFor();
    view.assertClean();
    await view.close();
  });

  test('invalid year shows a message at the field and saves nothing', async () => {
    const view = await openPage(browser);
    const { page } = view;
    await signIn(page, server.url, ADMIN);
    await page.goto(`${server.url}/cohorts`);
    await waitForHydration(page);

    const name = uniqueName('Nevada');
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Year').fill('soon');
    await page.getByRole('button', { name: 'Add cohort' }).click();

    const yearInput = page.getByLabel('Year');
    await page.locator('#cohort-year-error').filter({ hasText: 'is not a valid year' }).waitFor();
    assert.equal(await yearInput.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Name').inputValue(), name, 'typed text must be kept');
    await assertAccessible(page, 'cohorts page with a field error');

    await page.reload();
    assert.equal(await page.getByRole('cell', { name, exact: true }).count(), 0);
    // The browser logs the failed request's 422 status; that is the expected outcome here.
    view.allowProblems(/status of 422/);
    view.assertClean();
    await view.close();
  });

  test('keyboard users can skip to the main content', async () => {
    const view = await openPage(browser);
    const { page } = view;
    await page.goto(`${server.url}/sign-in`);
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent);
    assert.equal(focused, 'Skip to main content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    view.assertClean();
    await view.close();
  });

  test('unknown address shows the styled 404 page', async () => {
    const view = await openPage(browser);
    const response = await view.page.goto(`${server.url}/no/such/page`);
    assert.equal(response.status(), 404);
    await view.page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await view.page.getByRole('navigation', { name: 'Main' }).waitFor();
    await assertAccessible(view.page, '404 page');
    // The browser logs the 404 response itself.
    view.allowProblems(/status of 404/);
    view.assertClean();
    await view.close();
  });

  test('pages fit a phone-sized screen', async () => {
    const view = await openPage(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await signIn(view.page, server.url, ADMIN);
    for (const path of ['/', '/cohorts', '/admin/users', '/admin/audit']) {
      await view.page.goto(`${server.url}${path}`);
      await waitForHydration(view.page);
      const overflow = await view.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px on a phone`);
      await assertAccessible(view.page, `${path} on a phone`);
    }
    view.assertClean();
    await view.close();
  });
});

describe('without JavaScript', () => {
  test('the cohort form posts, redirects back and shows the result', async () => {
    const view = await openPage(browser, { javaScriptEnabled: false });
    const { page } = view;
    await signIn(page, server.url, ADMIN);
    await page.goto(`${server.url}/cohorts`);

    const name = uniqueName('Maine');
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Year').fill('2028');
    await Promise.all([page.waitForURL(/\/cohorts/), page.getByRole('button', { name: 'Add cohort' }).click()]);
    await page.getByRole('cell', { name, exact: true }).waitFor();
    await assertAccessibleWithoutBundle(browser, page.url(), 'cohorts page without JavaScript', await view.context.storageState());

    await page.getByLabel('Name').fill('Maine');
    await page.getByLabel('Year').fill('1800');
    await page.getByRole('button', { name: 'Add cohort' }).click();
    await page.locator('#cohort-year-error').filter({ hasText: 'is not a valid year' }).waitFor();
    await assertAccessibleWithoutBundle(
      browser,
      page.url(),
      'cohorts page with an error, without JavaScript',
      await view.context.storageState(),
    );
    view.assertClean();
    await view.close();
  });
});
