// Learning modules, assignments, coaching and the inbox in the browser. A facilitator
// previews and adds a reading. A fellow marks it done from the keyboard and hands in an
// assignment. The facilitator returns it with a comment, which reaches the fellow's
// inbox. A coach schedules a session. Every page is checked with axe-core, and the
// module page is used at phone width.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, launchBrowser, openPage, signIn, startServer } from '../support.mjs';

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

/** Opens the Ohio cohort's Design module from the cohort page. */
async function openDesignModule(page) {
  await page.goto(`${server.url}/cohorts`);
  await page.getByRole('link', { name: /Ohio 2027/ }).first().click();
  await page.getByRole('link', { name: 'Design', exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name: /Design module/ }).waitFor();
}

describe('modules and assignments', () => {
  test('reading and assignment round trip', async () => {
    const staff = await openPage(browser);
    await signIn(staff.page, server.url, 'facilitator@demo.tli-hub.test');
    await openDesignModule(staff.page);
    const moduleUrl = staff.page.url();
    await assertAccessible(staff.page, 'the module page for a facilitator');
    await staff.page.getByRole('link', { name: 'Edit materials and assignments' }).click();
    await staff.page.getByRole('heading', { level: 1, name: /Edit the Design module/ }).waitFor();
    await assertAccessible(staff.page, 'the module editor');

    const form = staff.page.locator('form', { has: staff.page.getByRole('button', { name: 'Add the material' }) });
    await form.getByLabel('Title').fill('Norms for a team meeting');
    await form.getByLabel(/^Text/).fill('Agree on **three** norms.\n\n<script>window.hacked = true</script>');
    await form.getByRole('button', { name: 'Preview' }).click();
    const preview = staff.page.getByRole('region', { name: 'Preview' });
    await preview.waitFor();
    assert.equal(await preview.locator('strong').innerText(), 'three', 'the preview renders Markdown');
    assert.equal(await staff.page.evaluate(() => window.hacked), undefined, 'the script did not run');
    assert.equal(
      await staff.page.locator('form', { has: staff.page.getByRole('button', { name: 'Add the material' }) }).getByLabel('Title').inputValue(),
      'Norms for a team meeting',
      'the typed text is kept',
    );
    await assertAccessible(staff.page, 'the module editor with a preview');
    await staff.page.getByRole('button', { name: 'Add the material' }).click();
    await staff.page.getByText('Material saved.').waitFor();
    await staff.assertClean();
    await staff.close();

    const fellow = await openPage(browser);
    await signIn(fellow.page, server.url, 'fellow@demo.tli-hub.test');
    await fellow.page.goto(moduleUrl);
    const material = fellow.page.locator('li.material', { hasText: 'Norms for a team meeting' });
    await material.waitFor();
    assert.equal(await material.locator('script').count(), 0, 'no script reaches the fellow');
    // Keyboard only: focus the material's button and press Enter.
    await material.getByRole('button', { name: 'Mark as done' }).focus();
    await fellow.page.keyboard.press('Enter');
    await fellow.page.getByText('Marked as done.').waitFor();
    await fellow.page.locator('li.material', { hasText: 'Norms for a team meeting' }).getByText('Done', { exact: true }).waitFor();
    await assertAccessible(fellow.page, 'the module page for a fellow');

    // Phone width: nothing scrolls sideways.
    await fellow.page.setViewportSize({ width: 390, height: 844 });
    const overflow = await fellow.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the module page scrolls sideways by ${overflow}px at 390 px`);
    await fellow.page.setViewportSize({ width: 1280, height: 900 });

    await fellow.page.getByRole('link', { name: 'Design assignment' }).click();
    await fellow.page.getByRole('heading', { level: 1, name: 'Design assignment' }).waitFor();
    await assertAccessible(fellow.page, 'the assignment page for a fellow');
    await fellow.page.getByLabel('Response (Markdown)').fill('Our team agreed to start every meeting with a student story.');
    await fellow.page.getByRole('button', { name: 'Hand in' }).click();
    await fellow.page.getByText(/Your response is handed in/).waitFor();
    const assignmentUrl = fellow.page.url().split('?')[0];
    await fellow.assertClean();

    const returning = await openPage(browser);
    await signIn(returning.page, server.url, 'facilitator@demo.tli-hub.test');
    await returning.page.goto(assignmentUrl);
    const card = returning.page.locator('li.card', { hasText: 'Fen Marlow' });
    await card.getByLabel(/Comment to the fellow/).fill('Add what changed after the first meeting.');
    await assertAccessible(returning.page, 'the assignment page for a facilitator');
    await card.getByRole('button', { name: 'Return for revision' }).click();
    await returning.page.getByText('Decision saved').waitFor();
    await returning.assertClean();
    await returning.close();

    await fellow.page.goto(`${server.url}/inbox`);
    await fellow.page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    await fellow.page.getByRole('link', { name: /was returned with a comment/ }).waitFor();
    await assertAccessible(fellow.page, 'the inbox');
    await fellow.page.getByRole('link', { name: /was returned with a comment/ }).click();
    await fellow.page.getByText('Add what changed after the first meeting.').waitFor();
    await fellow.page.getByText('Returned for revision').first().waitFor();
    await fellow.assertClean();
    await fellow.close();
  });
});

describe('coaching', () => {
  test('coach schedules, facilitator pairs', async () => {
    const coach = await openPage(browser);
    await signIn(coach.page, server.url, 'coach@demo.tli-hub.test');
    await coach.page.goto(`${server.url}/coaching`);
    await coach.page.getByRole('heading', { level: 2, name: /Coaching Fen Marlow/ }).waitFor();
    await assertAccessible(coach.page, 'the coaching page');
    const section = coach.page.locator('section', { has: coach.page.getByRole('heading', { name: /Coaching Fen Marlow/ }) });
    await section.getByLabel('Date').fill('2031-03-09');
    await section.getByLabel('Time (24-hour)').fill('02:30');
    await section.getByRole('button', { name: 'Schedule' }).click();
    // 2:30 AM on March 9, 2031 does not exist in New York.
    await coach.page.getByText(/does not exist in America\/New_York/).first().waitFor();
    const again = coach.page.locator('section', { has: coach.page.getByRole('heading', { name: /Coaching Fen Marlow/ }) });
    await again.getByLabel('Date').fill('2031-03-10');
    await again.getByLabel('Time (24-hour)').fill('16:00');
    await again.getByRole('button', { name: 'Schedule' }).click();
    await coach.page.getByText('Session scheduled. The fellow was notified.').waitFor();
    await coach.page.getByText(/Mon, Mar 10, 2031, 4:00 PM EDT/).first().waitFor();
    await coach.assertClean();
    await coach.close();

    const staff = await openPage(browser);
    await signIn(staff.page, server.url, 'facilitator@demo.tli-hub.test');
    await staff.page.goto(`${server.url}/cohorts`);
    await staff.page.getByRole('link', { name: /Ohio 2027/ }).first().click();
    await staff.page.getByRole('link', { name: 'Coaching pairs' }).click();
    await staff.page.getByRole('heading', { level: 1, name: /Coaching pairs/ }).waitFor();
    await assertAccessible(staff.page, 'the coaching pairs page');
    await staff.assertClean();
    await staff.close();
  });
});
