// A fellow's portfolio in the browser. The first test uploads evidence with a progress
// bar, writes with live word counts and autosave, restores text after the tab closed
// mid-edit, fixes what the pre-submission check lists, and submits. The second covers
// two tabs in conflict, edits made offline, and edits made after the session ended.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** Writes a PDF-typed file of `size` bytes and returns its path. */
function pdfFile(dir, name, size) {
  const head = Buffer.from('%PDF-1.7\n% lesson plan\n');
  const body = Buffer.alloc(size - head.length, 0x20);
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([head, body]));
  return path;
}

async function postAndWait(page, click) {
  await Promise.all([page.waitForURL(() => true), page.waitForLoadState('domcontentloaded'), click()]);
}

describe('a fellow building a submission', () => {
  test('fellow writes and submits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tli-e2e-'));
    const view = await openPage(browser);
    const { page, context } = view;
    await signIn(page, server.url, 'fellow@demo.tli-hub.test');

    // Choose the competencies whose micro-credentials the fellow will write.
    await page.getByRole('link', { name: 'my competencies and growth' }).click();
    await page.getByLabel(/^Communication:/).check();
    await page.getByLabel(/^Group Processes:/).check();
    await postAndWait(page, () => page.getByRole('button', { name: 'Save term 1 choices' }).click());
    await page.getByText('First-term choices saved.').waitFor();

    // Upload with a slowed connection, so that the progress bar shows.
    await page.goto(`${server.url}/evidence`);
    await waitForHydration(page);
    await page.getByText('200 MB each', { exact: false }).waitFor();
    await assertAccessible(page, 'the empty evidence library');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 1024 * 1024,
    });
    await page.getByLabel('Title').first().fill('Unit plan');
    await page.getByLabel('File', { exact: true }).setInputFiles(pdfFile(dir, 'unit-plan.pdf', 3 * 1024 * 1024));
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText(/Uploading… \d+% of 3 MB/).waitFor();
    assert.equal(await page.locator('progress#upload-bar').count(), 1, 'the progress bar shows');
    await page.waitForURL(/\/evidence\/\d+\?done=uploaded/, { timeout: 30_000 });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1,
    });
    await page.getByRole('heading', { level: 1, name: 'Unit plan' }).waitFor();
    await assertAccessible(page, 'an evidence page');

    // A disguised web page is refused with its reason, and Retry is offered.
    await page.goto(`${server.url}/evidence`);
    await waitForHydration(page);
    const fake = join(dir, 'notes.pdf');
    writeFileSync(fake, '<!DOCTYPE html><script>alert(1)</script>');
    await page.getByLabel('File', { exact: true }).setInputFiles(fake);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText('web page or an SVG drawing', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Retry upload' }).waitFor();

    // Open the micro-credential from home.
    await page.goto(`${server.url}/fellow`);
    await page.locator('a[href$="/submissions/communication"]').first().click();
    await page.getByRole('heading', { level: 2, name: 'Part 1: Overview questions' }).waitFor();
    await waitForHydration(page);
    await assertAccessible(page, 'the composer');

    // Word counts update while typing, and the draft saves itself.
    const first = page.locator('#answer-0');
    await first.fill('We met every week to plan.');
    await page.locator('#words-answer-0').filter({ hasText: '6 words of 250–300 suggested (below the guidance)' }).waitFor();
    await page.locator('.autosave-status[data-status="saved"]').waitFor({ timeout: 10_000 });

    // Text typed just before the tab closes comes back.
    await page.locator('#answer-1').fill('Typed right before closing the tab.');
    await page.close();
    const reopened = await context.newPage();
    await reopened.goto(`${server.url}${new URL(page.url()).pathname}`);
    await waitForHydration(reopened);
    await reopened.waitForFunction(
      () => document.querySelector('#answer-1')?.value === 'Typed right before closing the tab.',
      null,
      { timeout: 10_000 },
    );
    await reopened.locator('.autosave-status[data-status="saved"]').waitFor({ timeout: 10_000 }).catch(async (error) => {
      const line = reopened.locator('#autosave-status');
      const conflict = reopened.locator('#conflict');
      throw new Error(`${error.message}\nstatus: ${await line.getAttribute('data-status')} ${await line.textContent()} conflict hidden=${await conflict.getAttribute('hidden')} ${await conflict.textContent()} kept=${await reopened.evaluate(() => JSON.stringify(localStorage))}`);
    });

    // The check lists what is missing.
    await postAndWait(reopened, () => reopened.getByRole('button', { name: 'Check before submitting' }).click());
    await reopened.getByText('Question 3 is not answered yet.').waitFor();
    await reopened.getByText('The reflection is not written yet.').waitFor();
    await assertAccessible(reopened, 'the composer with the check');

    // Fix it: full answers, evidence and a reflection that names a student.
    const words = 'We planned the unit together, tried it with students and measured progress weekly. '.repeat(22);
    for (const index of [0, 1, 2]) {
      await reopened.locator(`#answer-${index}`).fill(words);
    }
    await reopened.locator('#artifact-0').selectOption({ label: 'Unit plan (Written artifact (PDF preferred))' });
    await reopened.locator('#artifact-1').selectOption({ label: 'Unit plan (Written artifact (PDF preferred))' });
    await reopened.locator('#reflection').fill('Jayden asked sharper questions by the end of the unit.');
    await reopened.locator('.autosave-status[data-status="saved"]').waitFor({ timeout: 10_000 });
    await postAndWait(reopened, () => reopened.getByRole('button', { name: 'Check before submitting' }).click());
    await reopened.getByText('“Jayden” in the text may be a person\'s name', { exact: false }).waitFor();
    await postAndWait(reopened, () => reopened.getByRole('button', { name: 'Not a name: dismiss' }).click());
    await reopened.getByText('Nothing blocks your submission.').waitFor();
    await postAndWait(reopened, () => reopened.getByRole('button', { name: 'Submit for review' }).click());
    await reopened.getByText('Submitted.', { exact: false }).waitFor();
    await reopened.getByText('Submitted', { exact: true }).first().waitFor();
    await assertAccessible(reopened, 'the submitted composer');
    view.allowProblems(/Failed to load resource/);
    view.assertClean();
    await view.close();
  });

  test('unsent edits survive conflicts and outages', async () => {
    const view = await openPage(browser);
    const { page: first, context } = view;
    await signIn(first, server.url, 'fellow@demo.tli-hub.test');
    await first.goto(`${server.url}/fellow`);
    const links = await first.locator('a[href*="/submissions/"]').evaluateAll(
      (anchors) => anchors.map((anchor) => anchor.getAttribute('href')),
    );
    const composer = links.find((href) => !href.endsWith('/communication'));
    assert.ok(composer, `a second micro-credential to write: ${links}`);

    await first.goto(`${server.url}${composer}`);
    await waitForHydration(first);
    await first.locator('#answer-0').fill('Written in the first tab.');
    await first.locator('.autosave-status[data-status="saved"]').waitFor({ timeout: 10_000 });

    const second = await context.newPage();
    await second.goto(`${server.url}${composer}`);
    await waitForHydration(second);
    assert.equal(await second.locator('#answer-0').inputValue(), 'Written in the first tab.');

    // The first tab saves again; the second, still on the older version, conflicts.
    await first.locator('#answer-0').fill('Newer text from the first tab.');
    await first.locator('.autosave-status[data-status="saved"]').waitFor({ timeout: 10_000 });
    await second.locator('#answer-0').fill('Text from the second tab.');
    const conflict = second.getByRole('alert').filter({ hasText: 'changed in another tab' });
    await conflict.waitFor({ timeout: 10_000 });
    await conflict.getByText('Newer text from the first tab.').waitFor();
    await conflict.getByText('Text from the second tab.').waitFor();
    await assertAccessible(second, 'the composer with a conflict');
    await conflict.getByRole('button', { name: 'Keep my version' }).click();
    await second.locator('.autosave-status[data-status="saved"]').waitFor({ timeout: 10_000 });
    await first.reload();
    assert.equal(await first.locator('#answer-0').inputValue(), 'Text from the second tab.');

    // Offline edits stay in the browser and are sent when the connection returns.
    await context.setOffline(true);
    await second.locator('#answer-1').fill('Typed while offline.');
    await second.locator('.autosave-status[data-status="offline"]').waitFor({ timeout: 10_000 });
    await context.setOffline(false);
    await second.locator('.autosave-status[data-status="saved"]').waitFor({ timeout: 10_000 });
    await first.reload();
    assert.equal(await first.locator('#answer-1').inputValue(), 'Typed while offline.');

    // An ended session keeps the text in the browser; after signing in again it is saved.
    await context.clearCookies();
    await second.locator('#answer-2').fill('Typed after the session ended.');
    await second.locator('.autosave-status[data-status="signed-out"]').waitFor({ timeout: 10_000 });
    await second.getByRole('link', { name: 'Sign in again' }).waitFor();
    await second.close();
    const third = await context.newPage();
    await signIn(third, server.url, 'fellow@demo.tli-hub.test');
    await third.goto(`${server.url}${composer}`);
    await waitForHydration(third);
    await third.waitForFunction(
      () => document.querySelector('#answer-2')?.value === 'Typed after the session ended.',
      null,
      { timeout: 10_000 },
    );
    await third.locator('.autosave-status[data-status="saved"]').waitFor({ timeout: 10_000 });
    await first.reload();
    assert.equal(await first.locator('#answer-2').inputValue(), 'Typed after the session ended.');
    view.allowProblems(/Failed to load resource|net::ERR_INTERNET_DISCONNECTED/);
    view.assertClean();
    await view.close();
  });
});
