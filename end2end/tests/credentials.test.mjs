// Credentials in the browser. A reviewer finalizes earning reviews; the fellow
// downloads the badge image and checks it on the verifier page. The fellow then builds
// and submits a capstone, a facilitator gives feedback and sets the cohort's
// rule and approves the certificate, and the fellow downloads the certificate PDF and
// checks it on the verifier page too. Each new page is checked with axe-core.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertAccessible,
  launchBrowser,
  openPage,
  signIn,
  startServer,
  waitForHydration,
} from '../support.mjs';

let server;
let browser;

/** A demo fellow whose seeded submission the demo reviewer is assigned. */
const EARNER = 'fellow.ohio.02@demo.tli-hub.test';

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * Finalizes every open review in the demo reviewer's queue with every criterion
 * passing, so that the demo fellows whose work was assigned earn their credentials.
 */
async function finalizeEarningReviews() {
  const view = await openPage(browser);
  const { page } = view;
  await signIn(page, server.url, 'reviewer@demo.tli-hub.test');
  for (let round = 0; round < 3; round += 1) {
    await page.goto(`${server.url}/reviews`);
    const links = page.getByRole('link', { name: /^S-/ });
    if ((await links.count()) === 0) {
      break;
    }
    await links.first().click();
    await page.waitForURL(/\/reviews\/\d+$/);
    await waitForHydration(page);
    const count = await page.locator('fieldset.criterion').count();
    for (let index = 0; index < count; index += 1) {
      await page.keyboard.press('j');
      await page.keyboard.press('1');
    }
    await page.locator('#autosave-status[data-status="saved"]').waitFor({ timeout: 10_000 });
    await page.keyboard.press('f');
    await page.getByRole('heading', { name: 'Finalize this review?' }).waitFor();
    await Promise.all([page.waitForURL(/done=released-earned/), page.keyboard.press('Enter')]);
  }
  await view.context.close();
}

/** Downloads what `link` points to and returns the saved file's path. */
async function download(page, link) {
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  return file.path();
}

/** Uploads `path` on the verifier page and waits for a valid result. */
async function verifyFile(page, path, label) {
  await page.goto(`${server.url}/verify`);
  await page.getByLabel('Badge image (PNG), certificate (PDF) or credential file (JSON)').setInputFiles(path);
  await Promise.all([page.waitForURL(/\/verify#report$/), page.getByRole('button', { name: 'Verify' }).click()]);
  const result = page.locator('#report');
  await result.waitFor();
  const text = await result.innerText();
  assert.match(text, /Valid: this credential is genuine/, `${label}: ${text}`);
  return text;
}

/** Returns the id of the Ohio cohort from the fellow's home page. */
async function fellowCohort(page) {
  await page.goto(`${server.url}/fellow`);
  const href = await page.getByRole('link', { name: 'capstone' }).first().getAttribute('href');
  return href.match(/\/cohorts\/(\d+)\/capstone/)[1];
}

describe('credentials', () => {
  test('a fellow verifies the badge and, after the capstone, the certificate', async () => {
    await finalizeEarningReviews();

    const fellowView = await openPage(browser, { acceptDownloads: true });
    const fellow = fellowView.page;
    // The demo seeds reviews of the work of the cohort's second and fourth generated
    // fellows; the second is the one followed here.
    await signIn(fellow, server.url, EARNER);
    await fellow.goto(`${server.url}/credentials`);
    await fellow.getByRole('heading', { level: 1, name: 'My credentials' }).waitFor();
    await assertAccessible(fellow, 'my credentials');
    await fellow.locator('.credential-list a').first().click();
    await fellow.getByText('✓ Issued').waitFor();
    await assertAccessible(fellow, 'the credential page');
    const badge = await download(fellow, fellow.getByRole('link', { name: 'Download the badge image' }));
    await verifyFile(fellow, badge, 'the badge');
    await assertAccessible(fellow, 'the verifier with a result');

    // The capstone: project, portfolio, milestones in both terms, then submission.
    const cohort = await fellowCohort(fellow);
    await fellow.goto(`${server.url}/cohorts/${cohort}/capstone`);
    await fellow.getByRole('heading', { level: 1, name: 'Capstone project' }).waitFor();
    await assertAccessible(fellow, 'the capstone page');
    await fellow.getByLabel('Title').fill('Family literacy nights');
    await fellow.getByLabel('The leadership challenge in your setting').fill('Few families join school events.');
    await fellow.getByLabel('Pathway').selectOption({ index: 1 });
    await fellow.locator('input[name^="evidence["]').first().check();
    await fellow.getByLabel('Growth reflection').fill('My communication moved from Developing to Performing.');
    await fellow.getByRole('button', { name: 'Save capstone' }).click();
    await fellow.getByText('Your capstone is saved.').waitFor();
    for (const [term, title] of [['1', 'Survey families'], ['2', 'Host the first night']]) {
      await fellow.getByLabel('New milestone').fill(title);
      await fellow.getByLabel('Term', { exact: true }).selectOption(term);
      await fellow.getByRole('button', { name: 'Add milestone' }).click();
      await fellow.getByText(title).first().waitFor();
    }
    await fellow.getByRole('button', { name: 'Submit Capstone Portfolio' }).click();
    await fellow.getByText('Your Capstone Portfolio is submitted.').waitFor();

    // A facilitator of the cohort gives feedback; coaches review only their own fellows.
    const coachView = await openPage(browser);
    const coach = coachView.page;
    await signIn(coach, server.url, 'facilitator@demo.tli-hub.test');
    await coach.goto(`${server.url}/cohorts/${cohort}/capstones`);
    await assertAccessible(coach, 'the capstone list');
    await coach.getByRole('row', { name: /Family literacy nights/ }).getByRole('link').click();
    await coach.getByRole('heading', { level: 1, name: /^Capstone: / }).waitFor();
    await assertAccessible(coach, 'the capstone review page');
    await coach.getByLabel('Feedback on leadership growth').fill('A strong plan; name your audience.');
    await coach.getByRole('button', { name: 'Send feedback' }).click();
    await coach.getByText('Feedback sent.').waitFor();
    await coachView.context.close();

    // The facilitator sets the rule to what this demo fellow earned, then approves.
    const staffView = await openPage(browser);
    const staff = staffView.page;
    await signIn(staff, server.url, 'facilitator@demo.tli-hub.test');
    await staff.goto(`${server.url}/cohorts/${cohort}/certificates`);
    await assertAccessible(staff, 'the certificates page');
    await staff.getByLabel('Overarching micro-credentials').fill('1');
    await staff.getByLabel('Pathway micro-credentials').fill('0');
    await staff.getByLabel('DECC micro-credentials').fill('0');
    await staff.getByRole('button', { name: 'Save rule' }).click();
    await staff.getByText('Completion rule saved.').waitFor();
    await staff.getByRole('button', { name: /^Approve/ }).first().click();
    await staff.getByText('Certificate approved and issued.').waitFor();
    await staffView.context.close();

    // The fellow downloads the certificate PDF and verifies it.
    await fellow.goto(`${server.url}/credentials`);
    await fellow.getByRole('link', { name: 'Leadership Certificate of Distinction' }).click();
    await fellow.getByText('✓ Issued').waitFor();
    const pdf = await download(fellow, fellow.getByRole('link', { name: 'Download the certificate (PDF)' }));
    const report = await verifyFile(fellow, pdf, 'the certificate PDF');
    assert.match(report, /Leadership Certificate of Distinction/);
    fellowView.assertClean();
  });
});
