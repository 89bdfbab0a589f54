// The reviewer workspace in the browser. A reviewer scores a submission with the
// keyboard alone, closes the tab midway, comes back to the saved draft and finalizes,
// then scores in a rubric window of its own.
// Staff pages for assignment and calibration are checked for accessibility, and no
// reviewer page names a fellow.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, launchBrowser, openPage, signIn, startServer, waitForHydration } from '../support.mjs';

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

/** Fails when the page text or title names a demo fellow by email. */
async function assertBlind(page, label) {
  const text = `${await page.title()}\n${await page.locator('body').innerText()}`;
  assert.doesNotMatch(text, /fellow[.\w]*@demo\.tli-hub\.test/, `${label} shows a fellow's email`);
}

describe('a reviewer scoring from the keyboard', () => {
  test('keyboard scoring survives closing the tab', async () => {
    const first = await openPage(browser);
    await signIn(first.page, server.url, 'reviewer@demo.tli-hub.test');
    await first.page.goto(`${server.url}/reviews`);
    await first.page.getByRole('heading', { level: 1, name: 'Review queue' }).waitFor();
    await assertAccessible(first.page, 'the review queue');
    await assertBlind(first.page, 'the review queue');
    const link = first.page.getByRole('link', { name: /^S-/ }).first();
    const code = (await link.innerText()).trim();
    await link.click();
    await first.page.waitForURL(/\/reviews\/\d+$/);
    const reviewUrl = first.page.url();
    await waitForHydration(first.page);
    assert.match(await first.page.title(), new RegExp(`^${code}`), 'the title names the code only');
    await assertBlind(first.page, 'the review page');
    await assertAccessible(first.page, 'the review page');

    // The shortcut list opens with ? and closes with Escape.
    await first.page.keyboard.press('?');
    await first.page.getByRole('heading', { name: 'Keyboard shortcuts' }).waitFor();
    await assertAccessible(first.page, 'the shortcut list');
    await first.page.keyboard.press('Escape');
    await first.page.locator('#shortcuts').waitFor({ state: 'hidden' });

    // First criterion: level 2 ("Progressing", which does not pass) and a comment.
    const keys = first.page.keyboard;
    await keys.press('j');
    const criteria = first.page.locator('fieldset.criterion');
    assert.equal(await criteria.first().evaluate((element) => element === document.activeElement), true, 'j focuses the first criterion');
    const focusStyle = await criteria.first().evaluate((element) => getComputedStyle(element).outlineStyle);
    assert.notEqual(focusStyle, 'none', 'focus is visible');
    await keys.press('2');
    await keys.press('c');
    await keys.type('Name the families you wrote for.');
    await keys.press('Escape');
    // Second criterion: level 1.
    await keys.press('j');
    await keys.press('1');
    await first.page.locator('#autosave-status[data-status="saved"]').waitFor({ timeout: 10_000 });
    await first.page.getByText(/^Saved /).waitFor();

    // Close the tab midway and come back in a new one.
    await first.page.close();
    const second = await openPage(browser, { storageState: await first.context.storageState() });
    await second.page.goto(reviewUrl);
    await waitForHydration(second.page);
    const restored = second.page.locator('fieldset.criterion');
    assert.equal(await restored.nth(0).locator('input[type=radio]').nth(1).isChecked(), true, 'the first level came back');
    assert.equal(await restored.nth(1).locator('input[type=radio]').nth(0).isChecked(), true, 'the second level came back');
    assert.equal(await restored.nth(0).locator('textarea').inputValue(), 'Name the families you wrote for.');

    // Finish from the keyboard: the remaining criteria pass.
    const keys2 = second.page.keyboard;
    await keys2.press('j');
    await keys2.press('j');
    await keys2.press('j');
    await keys2.press('1');
    await keys2.press('j');
    await keys2.press('1');
    await keys2.press('o');
    await keys2.type('Clear writing for families; one gap to close.');
    await keys2.press('Escape');
    await second.page.locator('#autosave-status[data-status="saved"]').waitFor({ timeout: 10_000 });
    await keys2.press('f');
    await second.page.waitForURL(/confirm=1/);
    await second.page.getByRole('heading', { name: 'Finalize this review?' }).waitFor();
    await second.page.getByText('Finalizing now records: not yet.').waitFor();
    await assertAccessible(second.page, 'the finalize confirmation');
    const focused = await second.page.evaluate(() => document.activeElement?.textContent?.trim());
    assert.equal(focused, 'Finalize', 'the confirmation takes the focus');
    await Promise.all([second.page.waitForURL(/done=released-not-yet/), keys2.press('Enter')]);
    await second.page.getByText('Finalized. The decision, not yet').waitFor();
    await assertBlind(second.page, 'the page after finalizing');
    second.assertClean();
  });

  test('rubric window stays in step', async () => {
    const view = await openPage(browser);
    const { page, context } = view;
    await signIn(page, server.url, 'reviewer@demo.tli-hub.test');
    await page.goto(`${server.url}/reviews`);
    await page.getByRole('link', { name: /^S-/ }).first().click();
    await page.waitForURL(/\/reviews\/\d+$/);
    await waitForHydration(page);

    // Opening the rubric's own window hides the rubric here.
    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('link', { name: 'Open the rubric in its own window' }).click(),
    ]);
    await popup.waitForLoadState('domcontentloaded');
    await popup.locator('body[data-hydrated="true"]').waitFor({ timeout: 15_000 });
    await page.locator('#rubric-pane').waitFor({ state: 'hidden' });
    await page.getByText('The rubric is open in its own window.').waitFor();
    assert.equal(await popup.locator('#evidence-pane').count(), 0, 'the rubric window shows the rubric alone');

    // Another tab on another submission leaves the pair where it is.
    const mainUrl = page.url();
    const popupUrl = popup.url();
    const other = await context.newPage();
    await other.goto(`${server.url}/reviews?show=done`);
    await other.getByRole('link', { name: /^S-/ }).first().click();
    await other.waitForURL(/\/reviews\/\d+$/);
    await other.locator('body[data-hydrated="true"]').waitFor({ timeout: 15_000 });
    await other.waitForTimeout(1_000);
    assert.equal(page.url(), mainUrl, 'the page stays on its submission');
    assert.equal(popup.url(), popupUrl, 'the rubric window stays on its submission');
    assert.equal(await other.locator('#rubric-pane').isVisible(), true, 'the other tab shows its own rubric');
    await other.close();

    // A level chosen there is saved, and the page shows it once that window closes.
    const radio = popup.locator('fieldset.criterion').nth(2).locator('input[type=radio]').nth(1);
    await radio.check();
    await popup.locator('#autosave-status[data-status="saved"]').waitFor({ timeout: 10_000 });
    await Promise.all([page.waitForEvent('load'), popup.close()]);
    await page.locator('#rubric-pane').waitFor();
    assert.equal(
      await page.locator('fieldset.criterion').nth(2).locator('input[type=radio]').nth(1).isChecked(),
      true,
      'the page shows the level chosen in the rubric window',
    );
    view.assertClean();
  });

  test('staff pages are accessible', async () => {
    const { page } = await openPage(browser);
    await signIn(page, server.url, 'facilitator@demo.tli-hub.test');
    await page.goto(`${server.url}/reviews/manage`);
    await page.getByRole('heading', { level: 1, name: 'Reviewing' }).waitFor();
    await page.getByRole('heading', { name: /Waiting for a reviewer \(\d+\)/ }).waitFor();
    await assertAccessible(page, 'the reviewing page');
    await page.goto(`${server.url}/reviews/calibration`);
    await page.getByRole('heading', { level: 1, name: 'Calibration and reviewer agreement' }).waitFor();
    await assertAccessible(page, 'the calibration page');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/reviews/manage`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the reviewing page fits a phone (overflow ${overflow}px)`);
  });
});
