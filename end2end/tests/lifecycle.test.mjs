// A person's data in the browser. A fellow prepares an archive of everything of
// theirs and downloads it once the page shows it ready. An administrator deletes a
// fellow's data after typing the address to confirm. Each page is checked with
// axe-core, with and without the bundle, and at phone width.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
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

const EXPORTER = 'fellow.ohio.03@demo.tli-hub.test';
const DELETED = 'fellow.ohio.04@demo.tli-hub.test';

/**
 * Returns the content of entry `name` of a ZIP archive, reading local file headers
 * from the start. That reaches the small entries, which come before the stored uploads.
 */
function zipEntry(bytes, name) {
  let offset = 0;
  while (offset + 30 <= bytes.length && bytes.readUInt32LE(offset) === 0x04034b50) {
    const method = bytes.readUInt16LE(offset + 8);
    const size = bytes.readUInt32LE(offset + 18);
    const nameLength = bytes.readUInt16LE(offset + 26);
    const extraLength = bytes.readUInt16LE(offset + 28);
    const entryName = bytes.subarray(offset + 30, offset + 30 + nameLength).toString('utf8');
    const start = offset + 30 + nameLength + extraLength;
    const data = bytes.subarray(start, start + size);
    if (entryName === name) {
      return method === 8 ? inflateRawSync(data) : data;
    }
    offset = start + size;
  }
  return null;
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('your data', () => {
  test('a fellow prepares and downloads an archive of their data', async () => {
    const view = await openPage(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const { page } = view;
    await signIn(page, server.url, EXPORTER);
    await page.goto(`${server.url}/my-data`);
    await waitForHydration(page);
    await assertAccessible(page, 'your data page');

    const prepare = page.getByRole('button', { name: 'Prepare my archive' });
    await prepare.focus();
    await Promise.all([page.waitForURL(/done=queued/), page.keyboard.press('Enter')]);
    // The archive may already be ready when the page loads; otherwise the page shows
    // its progress.
    await page.locator('progress, a[href$=".zip"]').first().waitFor();
    await waitForHydration(page);
    await assertAccessible(page, 'your data page after the request');

    // The page changes by itself once the archive is ready: no reload by the test.
    const link = page.getByRole('link', { name: /^Download ZIP/ });
    await link.waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004', 'a ZIP archive');
    const listing = bytes.toString('latin1');
    for (const name of ['README.txt', 'profile.json', 'evidence/evidence.json']) {
      assert.ok(listing.includes(name), `the archive holds ${name}`);
    }
    const profile = JSON.parse(zipEntry(bytes, 'profile.json').toString('utf8'));
    assert.equal(profile.account.email, EXPORTER, 'the profile names the fellow');
    await assertAccessible(page, 'your data page with a finished archive');
    const state = await view.context.storageState();
    await assertAccessibleWithoutBundle(browser, `${server.url}/my-data`, 'your data page without the bundle', state);
    view.assertClean();
    await view.close();
  });
});

describe('deleting a fellow', () => {
  test('an administrator deletes a fellow after confirming the address', async () => {
    const view = await openPage(browser);
    const { page } = view;
    await signIn(page, server.url, 'admin@demo.tli-hub.test');
    await page.goto(`${server.url}/admin/users`);
    const row = page.getByRole('row').filter({ hasText: DELETED });
    await Promise.all([
      page.waitForURL(/\/admin\/users\/\d+\/delete$/),
      row.getByRole('link', { name: /^Delete data/ }).click(),
    ]);
    await assertAccessible(page, 'delete a fellow page');
    await page.getByText(/issued credential\(s\) will be revoked/).waitFor();

    // A wrong address is rejected and nothing is deleted.
    const confirm = page.getByLabel('Type their email address to confirm');
    await confirm.fill('someone.else@demo.tli-hub.test');
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name: "Delete this fellow's data" }).click(),
    ]);
    await page.getByText('does not match').first().waitFor();
    await assertAccessible(page, 'delete a fellow page with an error');

    await page.getByLabel('Type their email address to confirm').fill(DELETED);
    await Promise.all([
      page.waitForURL(/done=deleted/),
      page.getByRole('button', { name: "Delete this fellow's data" }).click(),
    ]);
    await page.getByText('The data was deleted').waitFor();
    await page.getByText(/remains only as an anonymous placeholder/).waitFor();
    await assertAccessible(page, 'delete a fellow page after the deletion');

    await page.goto(`${server.url}/admin/audit`);
    await page.getByRole('cell', { name: 'person data deleted' }).first().waitFor();
    view.assertClean();
    await view.close();

    // The deleted fellow can no longer sign in.
    const signInView = await openPage(browser);
    await signInView.page.goto(`${server.url}/sign-in`);
    await signInView.page.getByLabel('Email').fill(DELETED);
    await signInView.page.getByLabel('Password').fill('tli-demo-password');
    await signInView.page.getByRole('button', { name: 'Sign in' }).click();
    await signInView.page.getByText('The email or password is incorrect.').waitFor();
    signInView.allowProblems(/401|Unauthorized/);
    await signInView.close();
  });
});
