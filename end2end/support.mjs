// Shared helpers for the browser tests: a real tli-hub server on a free loopback port
// with its own data directory, Debian's Chromium, console-error capture and axe-core.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const root = resolve(import.meta.dirname, '..');
const binary = process.env.TLI_E2E_BINARY ?? join(root, 'target/debug/tli-hub');
const siteDir = process.env.TLI_SITE_DIR ?? join(root, 'target/site');

const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function runToCompletion(args, env) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`tli-hub ${args.join(' ')} exited with ${code}: ${stderr}`));
    });
  });
}

/** Starts tli-hub with the demo data seeded; resolves once it is listening. */
export async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tli-e2e-'));
  const env = {
    PATH: process.env.PATH,
    TLI_DATA_DIR: dataDir,
    TLI_SITE_DIR: siteDir,
    TLI_BIND: '127.0.0.1:0',
    TLI_LOG_FORMAT: 'json',
    TLI_LOG: 'warn,tli_hub=info,server=info',
  };
  await runToCompletion(['seed', '--demo'], env);

  const child = spawn(binary, ['serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error('tli-hub did not start within 30 s')), 30_000);
    child.on('exit', (code) => reject(new Error(`tli-hub exited early with ${code}`)));
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line);
        if (entry.fields?.message === 'TLI Hub is listening') {
          clearTimeout(timer);
          resolvePromise(entry.fields.url);
        }
      } catch {
        // Not a JSON log line; ignore it.
      }
    });
  });

  return {
    url,
    async stop() {
      const exited = new Promise((resolvePromise) => child.on('exit', resolvePromise));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
}

/**
 * Opens a page that records console errors and warnings (hydration warnings included)
 * and uncaught exceptions. Call `assertClean()` before closing it.
 */
export async function openPage(browser, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  return {
    page,
    context,
    allowProblems(pattern) {
      for (let i = problems.length - 1; i >= 0; i -= 1) {
        if (pattern.test(problems[i])) problems.splice(i, 1);
      }
    },
    assertClean() {
      assert.deepEqual(problems, [], `the page logged problems:\n${problems.join('\n')}`);
    },
    close: () => context.close(),
  };
}

/** Waits until the wasm bundle has hydrated the page's islands. */
export async function waitForHydration(page) {
  await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 15_000 });
}

/** Runs axe-core's WCAG 2.1 A and AA rules on the page as it is now. */
export async function assertAccessible(page, label) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const summary = results.violations.map(
    (violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
  );
  assert.deepEqual(summary, [], `${label} has accessibility violations:\n${summary.join('\n')}`);
}

/**
 * Runs the axe-core rules on `url` as a browser without the wasm bundle renders it. axe
 * needs script access to the page, so this loads the page with JavaScript on but the
 * bundle blocked, which renders the same HTML as a browser with JavaScript off.
 */
export async function assertAccessibleWithoutBundle(browser, url, label, storageState) {
  const context = await browser.newContext({ storageState });
  await context.route('**/pkg/frontend*', (route) => route.abort());
  const page = await context.newPage();
  await page.goto(url);
  await assertAccessible(page, label);
  await context.close();
}

/** The password of every demo account that `tli-hub seed --demo` creates. */
export const DEMO_PASSWORD = 'tli-demo-password';

/** Signs in through the sign-in page and waits for the home page it leads to. */
export async function signIn(page, baseUrl, email) {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/sign-in')),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
}
