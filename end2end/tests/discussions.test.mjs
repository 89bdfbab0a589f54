// A module discussion in the browser. One fellow previews and posts a thread, a
// classmate replies from a browser context of their own, and the first fellow then
// sees the reply marked New. The page is checked with axe-core, with and without the
// wasm bundle, and on a phone-sized screen.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, assertAccessibleWithoutBundle, launchBrowser, openPage, signIn, startServer } from '../support.mjs';

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

/**
 * Returns the address of the demo Ohio cohort's Design discussion, read from the
 * cohort's JSON as the signed-in page's session sees it.
 */
async function designDiscussion(page) {
  for (let cohortId = 1; cohortId <= 4; cohortId += 1) {
    const response = await page.request.get(`${server.url}/api/cohort?cohort_id=${cohortId}`);
    if (!response.ok()) continue;
    const cohort = await response.json();
    if (cohort.name !== 'Ohio 2027') continue;
    const module = cohort.terms
      .find((term) => term.in_progress)
      ?.modules.find((candidate) => candidate.name === 'Design');
    assert.ok(module, 'the Ohio cohort has a Design module in its current term');
    return `${server.url}/cohorts/${cohortId}/modules/${module.id}/discussion`;
  }
  throw new Error('the demo Ohio cohort was not found');
}

describe('a module discussion', () => {
  test('reply from a classmate shows as new', async () => {
    const first = await openPage(browser);
    await signIn(first.page, server.url, 'fellow@demo.tli-hub.test');
    const discussionUrl = await designDiscussion(first.page);
    await first.page.goto(discussionUrl);
    await first.page.getByRole('heading', { level: 1, name: 'Discussion: Design' }).waitFor();
    await assertAccessible(first.page, 'the discussion page');

    // Preview keeps the typed text and shows the sanitized result.
    const thread = first.page.locator('#new-thread');
    const text = 'Our **family math night** needs a theme. <script>alert(1)</script>';
    await thread.getByLabel('Your post').fill(text);
    await Promise.all([
      first.page.waitForURL(/preview=1/),
      thread.getByRole('button', { name: 'Preview' }).click(),
    ]);
    const preview = first.page.getByRole('region', { name: 'Preview' });
    await preview.locator('strong', { hasText: 'family math night' }).waitFor();
    assert.equal(await preview.locator('script').count(), 0, 'the preview runs no script');
    assert.equal(await first.page.locator('#new-thread').getByLabel('Your post').inputValue(), text);
    await assertAccessible(first.page, 'the discussion page with a preview');

    await Promise.all([
      first.page.waitForURL(/done=posted/),
      first.page.locator('#new-thread').getByRole('button', { name: 'Post thread' }).click(),
    ]);
    await first.page.getByText('Your thread is posted.').waitFor();
    const postId = new URL(first.page.url()).hash.replace('#post-', '');
    assert.match(postId, /^\d+$/, 'the address points at the new post');
    first.assertClean();

    // A classmate replies from a browser context of their own, with a mention.
    const second = await openPage(browser);
    await signIn(second.page, server.url, 'fellow.ohio.01@demo.tli-hub.test');
    await second.page.goto(discussionUrl);
    const post = second.page.locator(`#post-${postId}`);
    await post.getByText('family math night').waitFor();
    await post.locator('summary', { hasText: 'Reply' }).click();
    await post.getByLabel('Your reply to Fen Marlow').fill('Try a board game theme, @Fen Marlow.');
    await assertAccessible(second.page, 'the discussion page with a reply form open');
    await Promise.all([
      second.page.waitForURL(/done=replied/),
      post.getByRole('button', { name: 'Post reply' }).click(),
    ]);
    await second.page.getByText('Your reply is posted.').waitFor();
    await second.page.getByText('Notified by mention: Fen Marlow.').waitFor();
    second.assertClean();
    await second.close();

    // The first fellow sees the reply marked New, and only that post.
    await first.page.goto(discussionUrl);
    const reply = first.page.locator('article', { hasText: 'Try a board game theme' });
    await reply.waitFor();
    assert.equal(await reply.locator('.discussion-new').innerText(), 'New');
    await reply.locator('.mention', { hasText: '@Fen Marlow' }).waitFor();
    await first.page.getByText('1 new post', { exact: true }).waitFor();
    assert.equal(await first.page.locator('.discussion-new').count(), 1, 'only the reply is new');
    await assertAccessible(first.page, 'the discussion page with a new reply');

    // A second visit has nothing new.
    await first.page.reload();
    assert.equal(await first.page.locator('.discussion-new').count(), 0, 'the visit marked the reply read');

    await first.page.setViewportSize({ width: 390, height: 844 });
    await first.page.goto(discussionUrl);
    const overflow = await first.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the discussion page fits a phone (overflow ${overflow}px)`);
    await assertAccessible(first.page, 'the discussion page on a phone');
    await assertAccessibleWithoutBundle(
      browser,
      discussionUrl,
      'the discussion page without the bundle',
      await first.context.storageState(),
    );
    first.assertClean();
    await first.close();
  });
});
