// The program structure in the browser: a fellow picks competencies (and gets a clear
// message when a pick breaks a rule) and rates their growth; an administrator exports
// the framework and imports it again with an identical result; staff pages pass axe.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

async function saveAndWait(page, buttonName) {
  await Promise.all([
    page.waitForLoadState('domcontentloaded'),
    page.waitForURL(() => true),
    page.getByRole('button', { name: buttonName }).click(),
  ]);
}

describe('a fellow choosing competencies', () => {
  test('gets a message for each invalid pick and saves valid ones', async () => {
    const view = await openPage(browser);
    const { page } = view;
    await signIn(page, server.url, 'fellow@demo.tli-hub.test');
    await page.getByRole('link', { name: 'my competencies and growth' }).click();
    await page.getByRole('heading', { level: 1, name: 'My competencies' }).waitFor();
    await assertAccessible(page, 'the competencies page');

    // One overarching competency is not enough.
    await page.getByLabel(/^Communication:/).check();
    await saveAndWait(page, 'Save term 1 choices');
    await page.getByText('Choose two overarching competencies; you chose one.').waitFor();
    await page.getByRole('alert').first().waitFor();
    assert.equal(await page.getByLabel(/^Communication:/).isChecked(), true, 'the pick is kept after the error');
    await assertAccessible(page, 'the competencies page with an error');

    // Two different ones are saved.
    await page.getByLabel(/^Communication:/).check();
    await page.getByLabel(/^Group Processes:/).check();
    await saveAndWait(page, 'Save term 1 choices');
    await page.getByText('First-term choices saved.').waitFor();
    await page.getByText('Chosen: Communication and Group Processes.').waitFor();
    assert.equal(await page.getByLabel(/^Communication:/).isChecked(), true);

    // A competency from another pathway than the one chosen is refused.
    await page.getByRole('radio', { name: 'Policy Leadership' }).check();
    await page.getByRole('radio', { name: /^Coaching and Mentoring:/ }).check();
    await page.getByRole('radio', { name: /^Valuing Diversity:/ }).check();
    await saveAndWait(page, 'Save term 2 choices');
    await page.getByText('Coaching and Mentoring is not in the Policy Leadership pathway.', { exact: false }).waitFor();
    await page.getByRole('radio', { name: 'Instructional Leadership' }).check();
    await page.getByRole('radio', { name: /^Coaching and Mentoring:/ }).check();
    await page.getByRole('radio', { name: /^Valuing Diversity:/ }).check();
    await saveAndWait(page, 'Save term 2 choices');
    await page.getByText('Second-term choices saved.').waitFor();

    // A self-rating shows in the chart's description and the history.
    await page.getByText('Rate yourself on Communication').click();
    const form = page.locator('form').filter({ has: page.locator('input[name="competency_id"]') }).first();
    await form.getByLabel('Rating for').selectOption('1-start');
    await form.getByRole('radio', { name: /^Developing/ }).check();
    await form.getByRole('button', { name: 'Save rating' }).click();
    await page.getByText('Rating saved.', { exact: false }).waitFor();
    const chart = page.getByRole('img', { name: 'Growth in Communication' });
    await chart.waitFor();
    assert.match(await chart.locator('desc').textContent(), /Term 1 start Developing/);
    await assertAccessible(page, 'the competencies page with a rating');

    // The definition of a chosen micro-credential is one click away.
    await page.getByRole('link', { name: /What the Communication micro-credential asks for/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Communication' }).waitFor();
    await page.getByRole('heading', { name: 'Rubric' }).waitFor();
    await assertAccessible(page, 'a micro-credential as fellows read it');
    await page.goBack();

    // The page fits a phone-sized screen without sideways scrolling.
    await page.setViewportSize({ width: 375, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone screen`);
    view.assertClean();
    await view.close();
  });
});

describe('an administrator moving the framework', () => {
  test('export, import and export again give the same file', async () => {
    const view = await openPage(browser, { acceptDownloads: true });
    const { page } = view;
    await signIn(page, server.url, 'admin@demo.tli-hub.test');
    await page.goto(`${server.url}/admin/framework`);
    await page.getByRole('heading', { level: 1, name: 'Competency framework' }).waitFor();
    await assertAccessible(page, 'the framework page');

    const exportOnce = async () => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Export the framework (JSON)' }).click(),
      ]);
      assert.equal(download.suggestedFilename(), 'tli-framework.json');
      return readFileSync(await download.path(), 'utf8');
    };
    const first = await exportOnce();
    assert.equal(JSON.parse(first).schema_version, 1);

    const dir = mkdtempSync(join(tmpdir(), 'tli-framework-'));
    const file = join(dir, 'tli-framework.json');
    writeFileSync(file, first);
    await page.getByLabel('Framework file to import').setInputFiles(file);
    await saveAndWait(page, 'Import framework');
    await page.getByText('Framework imported: 5 groups, 21 competencies, 21 micro-credentials.', { exact: false }).waitFor();
    const second = await exportOnce();
    assert.equal(second, first, 'the round trip must be identical');

    // A broken file is refused with its location and changes nothing.
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, first.replace('"passing_level": "Pass"', '"passing_level": "Great"'));
    await page.getByLabel('Framework file to import').setInputFiles(broken);
    await saveAndWait(page, 'Import framework');
    await page.getByRole('alert').filter({ hasText: 'The framework was not imported and nothing changed.' }).waitFor();
    await page.getByText('"Great" is not one of the levels', { exact: false }).waitFor();
    await assertAccessible(page, 'the framework page with an import error');
    assert.equal(await exportOnce(), first);
    view.assertClean();
    await view.close();
  });

  test('definition, cohort and fellows pages are accessible', async () => {
    const view = await openPage(browser);
    const { page } = view;
    await signIn(page, server.url, 'admin@demo.tli-hub.test');
    await page.goto(`${server.url}/admin/microcredentials/communication`);
    await page.getByRole('heading', { level: 1, name: 'Communication' }).waitFor();
    await assertAccessible(page, 'the definition editor');

    await page.goto(`${server.url}/cohorts`);
    await page.getByRole('link', { name: 'Ohio 2027' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ohio 2027' }).waitFor();
    await page.getByText('In progress').first().waitFor();
    await assertAccessible(page, 'the cohort page');

    await page.getByRole('link', { name: 'Fellows, their choices and growth' }).click();
    await page.getByRole('heading', { level: 1, name: 'Fellows' }).waitFor();
    await assertAccessible(page, 'the fellows page');
    await page.getByRole('link', { name: 'Fen Marlow' }).click();
    await page.getByRole('heading', { level: 1, name: 'Fen Marlow: competencies' }).waitFor();
    await assertAccessible(page, "a fellow's plan as staff see it");
    const cookies = await view.context.storageState();
    await assertAccessibleWithoutBundle(browser, `${server.url}/admin/framework`, 'the framework page without the bundle', cookies);
    view.assertClean();
    await view.close();
  });
});
