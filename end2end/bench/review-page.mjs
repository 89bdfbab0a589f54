// Measures the review page in headless Chromium against the seeded demo: the time from
// navigation until the islands have hydrated, and the time from a click on a rubric
// level until the server acknowledges the save. The evidence library page is measured
// in the same run as the baseline for hydration. Prints Markdown table rows.

import { launchBrowser, openPage, signIn, startServer } from '../support.mjs';

const LOADS = 20;
const CLICKS = 40;

function percentile(sorted, share) {
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(sorted.length * share))) - 1];
}

/** Records when the page hydrated, in milliseconds since navigation began. */
const HYDRATION_PROBE = () => {
  const mark = () => {
    if (document.body?.dataset.hydrated === 'true' && window.__hydratedAt === undefined) {
      window.__hydratedAt = performance.now();
    }
  };
  new MutationObserver(mark).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
};

async function hydrationTimes(page, url) {
  const times = [];
  for (let i = 0; i < LOADS; i += 1) {
    await page.goto(url);
    await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 15_000 });
    times.push(await page.evaluate(() => window.__hydratedAt));
  }
  return times.sort((a, b) => a - b);
}

async function saveTimes(page) {
  const times = [];
  const radios = page.locator('fieldset.criterion').first().locator('input[type=radio]');
  for (let i = 0; i < CLICKS; i += 1) {
    const radio = radios.nth(i % 2);
    const elapsed = await radio.evaluate((input) => new Promise((resolve) => {
      const status = document.getElementById('autosave-status');
      const started = performance.now();
      const observer = new MutationObserver(() => {
        if (status.dataset.status === 'saved') {
          observer.disconnect();
          resolve(performance.now() - started);
        }
      });
      observer.observe(status, { attributes: true, childList: true, characterData: true, subtree: true });
      input.click();
    }));
    times.push(elapsed);
  }
  return times.sort((a, b) => a - b);
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const { page, context } = await openPage(browser);
  await context.addInitScript(HYDRATION_PROBE);
  await signIn(page, server.url, 'reviewer@demo.tli-hub.test');
  await page.goto(`${server.url}/reviews`);
  const href = await page.getByRole('link', { name: /^S-/ }).first().getAttribute('href');
  const reviewUrl = `${server.url}${href}`;
  const review = await hydrationTimes(page, reviewUrl);
  const queue = await hydrationTimes(page, `${server.url}/reviews`);
  await page.goto(reviewUrl);
  await page.waitForFunction(() => window.__hydratedAt !== undefined);
  const saves = await saveTimes(page);
  const date = new Date().toISOString().slice(0, 10);
  const ms = (value) => `${value.toFixed(0)} ms`;
  console.log('| Date | What | Samples | p50 | p95 | max | Baseline p95 (review queue page) | Ratio |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  console.log(`| ${date} | Review page until hydrated | ${LOADS} | ${ms(percentile(review, 0.5))} | ${ms(percentile(review, 0.95))} | ${ms(review.at(-1))} | ${ms(percentile(queue, 0.95))} | ${(percentile(review, 0.95) / percentile(queue, 0.95)).toFixed(2)} |`);
  console.log(`| ${date} | Rubric click until the save is acknowledged | ${CLICKS} | ${ms(percentile(saves, 0.5))} | ${ms(percentile(saves, 0.95))} | ${ms(saves.at(-1))} | | |`);
} finally {
  await browser.close();
  await server.stop();
}
