// Signing in as each role, signing out, the generic sign-in error, and an invitation
// from the users page through to the invited person's first sign-in.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, DEMO_PASSWORD, launchBrowser, openPage, signIn, startServer } from '../support.mjs';

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

const ROLE_HOMES = [
  ['admin@demo.tli-hub.test', '/admin', 'Administration'],
  ['facilitator@demo.tli-hub.test', '/facilitator', 'Facilitator home'],
  ['coach@demo.tli-hub.test', '/coach', 'Coach home'],
  ['reviewer@demo.tli-hub.test', '/reviewer', 'Reviewer home'],
  ['fellow@demo.tli-hub.test', '/fellow', 'Fellow home'],
];

describe('signing in', () => {
  for (const [email, path, heading] of ROLE_HOMES) {
    test(`${path.slice(1)} lands on their home page and can sign out`, async () => {
      const view = await openPage(browser);
      const { page } = view;
      await signIn(page, server.url, email);
      assert.equal(new URL(page.url()).pathname, path);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await assertAccessible(page, `${path} home page`);

      await Promise.all([page.waitForURL(`${server.url}/`), page.getByRole('button', { name: 'Sign out' }).click()]);
      await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
      const response = await page.goto(`${server.url}${path}`);
      assert.equal(response.status(), 401, 'the session must be over');
      await page.getByText('Sign in to continue.').waitFor();
      view.allowProblems(/status of 401/);
      view.assertClean();
      await view.close();
    });
  }

  test('a wrong password gets one generic message', async () => {
    const view = await openPage(browser);
    const { page } = view;
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel('Email').fill('fellow@demo.tli-hub.test');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The email or password is incorrect.' }).waitFor();
    await assertAccessible(page, 'sign-in page with an error');
    view.assertClean();
    await view.close();
  });
});

describe('invitations', () => {
  test('an admin invites a fellow, who sets a password and lands home', async () => {
    const admin = await openPage(browser);
    await signIn(admin.page, server.url, 'admin@demo.tli-hub.test');
    await admin.page.goto(`${server.url}/admin/users`);
    await assertAccessible(admin.page, 'users page');

    const email = `invitee-${Date.now()}@school.test`;
    const form = admin.page.getByRole('region', { name: 'Invite someone' });
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Name', { exact: true }).fill('Zoë Ōkawa-Brown');
    await admin.page.locator('#invite-cohort').selectOption({ label: 'Ohio 2027' });
    await admin.page.locator('#invite-role').selectOption('fellow');
    await admin.page.getByRole('button', { name: 'Send invitation' }).click();
    await admin.page.getByRole('cell', { name: email }).waitFor();

    await admin.page.goto(`${server.url}/admin/outbox`);
    await assertAccessible(admin.page, 'outbox page');
    const body = await admin.page.locator('.message-body').first().textContent();
    const link = body.match(/https?:\/\/\S+\/invitation\?token=[0-9a-f]+/)?.[0];
    assert.ok(link, `no invitation link in: ${body}`);
    admin.assertClean();
    await admin.close();

    const invitee = await openPage(browser);
    await invitee.page.goto(link);
    await assertAccessible(invitee.page, 'invitation page');
    await invitee.page.getByLabel('New password').fill('a long enough password');
    await invitee.page.getByLabel('Type it again').fill('a long enough password');
    await Promise.all([
      invitee.page.waitForURL(`${server.url}/fellow`),
      invitee.page.getByRole('button', { name: 'Set password and sign in' }).click(),
    ]);
    await invitee.page.getByText('Welcome, Zoë Ōkawa-Brown.').waitFor();
    invitee.assertClean();
    await invitee.close();
  });
});

// The password constant is shared with the seed; keep it referenced so a rename breaks here.
assert.ok(DEMO_PASSWORD.length >= 12);
