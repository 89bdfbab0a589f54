// Workshops, attendance and the calendar feed in the browser. A facilitator schedules
// a workshop, takes attendance and finds it saved after a reload, and subscribes to the
// calendar feed, which must parse as iCalendar with ical.js and put the workshop at the
// right UTC instant. The schedule, event and calendar pages are checked with axe-core,
// also at a phone's width.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
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

/** Opens the Ohio cohort's schedule and returns its address. */
async function openOhioSchedule(page) {
  await page.goto(`${server.url}/cohorts`);
  await page.getByRole('link', { name: 'Ohio 2027' }).click();
  await page.getByRole('heading', { level: 1, name: 'Ohio 2027' }).waitFor();
  const cohortPath = new URL(page.url()).pathname;
  await page.goto(`${server.url}${cohortPath}/events`);
  await page.getByRole('heading', { level: 1, name: 'Workshops and meetings' }).waitFor();
  return page.url();
}

describe('workshops and attendance', () => {
  test('a facilitator schedules a workshop and takes attendance', async () => {
    const view = await openPage(browser);
    const { page } = view;
    await signIn(page, server.url, 'facilitator@demo.tli-hub.test');
    const scheduleUrl = await openOhioSchedule(page);
    await waitForHydration(page);
    await assertAccessible(page, 'the schedule page');

    // Schedule the Design workshop on March 16, 2027 at 5:00 PM New York time, two days
    // after clocks go forward, so the feed must use daylight time: 21:00 UTC.
    const form = page.locator('section', { has: page.getByRole('heading', { name: "Schedule a module's virtual workshop" }) });
    await form.getByLabel('Module', { exact: true }).selectOption({ label: 'Term 1: Design' });
    await form.getByLabel('Title (optional)').fill('Design studio (browser test)');
    await form.getByLabel('Date').fill('2027-03-16');
    await form.getByLabel('Time (24-hour)').fill('17:00');
    await form.getByLabel('Length in minutes').fill('90');
    await form.getByLabel('Join link').fill('https://meet.example.org/design-studio');
    await Promise.all([
      page.waitForURL(/done=scheduled/),
      form.getByRole('button', { name: 'Schedule the workshop' }).click(),
    ]);
    await page.getByText('Event scheduled.').waitFor();
    const scheduled = page.getByRole('link', { name: 'Design studio (browser test)' });
    await scheduled.waitFor();
    assert.match(
      await page.locator('li.event-card', { has: scheduled }).innerText(),
      /Tue, Mar 16, 2027, 5:00 PM EDT \(America\/New_York\)/,
    );

    // Attendance at the first term's Learn workshop, which has ended.
    await page.goto(scheduleUrl);
    await page.locator('section[aria-labelledby="past-heading"]').getByRole('link', { name: 'Learn workshop' }).click();
    await page.getByRole('heading', { level: 1, name: 'Learn workshop' }).waitFor();
    await waitForHydration(page);
    await assertAccessible(page, 'the event page with the attendance form');

    const row = page.locator('fieldset.attendance-row').first();
    const fellow = (await row.locator('legend').innerText()).split(' (')[0];
    const excused = row.getByRole('radio', { name: 'Excused' });
    const target = (await excused.isChecked()) ? row.getByRole('radio', { name: 'Late' }) : excused;
    const targetName = (await target.isChecked()) ? null : await target.getAttribute('value');
    assert.ok(targetName, 'a status to change to');
    await target.check();
    await Promise.all([
      page.waitForURL(/done=attendance/),
      page.getByRole('button', { name: 'Save attendance' }).click(),
    ]);
    await page.getByText("Attendance saved: 1 person's status changed.").waitFor();

    // Saved: after a fresh load the fellow's new status is still chosen.
    await page.reload();
    const reloaded = page.locator('fieldset.attendance-row', { has: page.locator('legend', { hasText: fellow }) });
    assert.equal(await reloaded.locator(`input[value="${targetName}"]`).isChecked(), true, `${fellow} is ${targetName}`);

    // Saving again without changes changes nothing.
    await Promise.all([
      page.waitForURL(/done=attendance&changed=0/),
      page.getByRole('button', { name: 'Save attendance' }).click(),
    ]);
    await page.getByText('Attendance saved: nothing changed.').waitFor();

    // The schedule and event pages fit a phone's width.
    await page.setViewportSize({ width: 390, height: 844 });
    await assertAccessible(page, 'the event page at 390 px');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the event page scrolls sideways by ${overflow} px`);
    await page.goto(scheduleUrl);
    await assertAccessible(page, 'the schedule page at 390 px');
    const scheduleOverflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(scheduleOverflow <= 0, `the schedule page scrolls sideways by ${scheduleOverflow} px`);

    view.assertClean();
    await view.close();
  });
});

describe('the calendar feed', () => {
  test('the feed parses as iCalendar and places events in their zone', async () => {
    const view = await openPage(browser);
    const { page } = view;
    await signIn(page, server.url, 'facilitator@demo.tli-hub.test');

    // A workshop whose UTC instant is known: 5:00 PM EDT on March 16, 2027.
    const scheduleUrl = await openOhioSchedule(page);
    const form = page.locator('section', { has: page.getByRole('heading', { name: "Schedule a module's virtual workshop" }) });
    await form.getByLabel('Module', { exact: true }).selectOption({ label: 'Term 1: Do' });
    await form.getByLabel('Title (optional)').fill('Feed check workshop');
    await form.getByLabel('Date').fill('2027-03-16');
    await form.getByLabel('Time (24-hour)').fill('17:00');
    await form.getByLabel('Join link').fill('https://meet.example.org/feed-check');
    await Promise.all([
      page.waitForURL(/done=scheduled/),
      form.getByRole('button', { name: 'Schedule the workshop' }).click(),
    ]);
    const link = page.getByRole('link', { name: 'Feed check workshop' });
    const eventId = (await link.getAttribute('href')).split('/').pop();
    assert.ok(scheduleUrl);

    await page.goto(`${server.url}/calendar`);
    await page.getByRole('heading', { level: 1, name: 'Calendar feed' }).waitFor();
    await waitForHydration(page);
    await assertAccessible(page, 'the calendar page without a feed');
    await Promise.all([
      page.waitForURL(/done=feed/),
      page.getByRole('button', { name: 'Create my feed address' }).click(),
    ]);
    const address = await page.getByLabel('Your calendar feed address').inputValue();
    assert.match(address, /\/calendar\/feed\/[0-9a-f]{64}\.ics$/);
    await assertAccessible(page, 'the calendar page with a new address');

    const response = await fetch(address);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/calendar; charset=utf-8');
    const text = await response.text();
    for (const line of text.split('\r\n')) {
      assert.ok(Buffer.byteLength(line) <= 75, `a line longer than 75 octets: ${line}`);
    }

    const calendar = new ICAL.Component(ICAL.parse(text));
    assert.equal(calendar.name, 'vcalendar');
    assert.equal(calendar.getFirstPropertyValue('version'), '2.0');
    assert.ok(calendar.getFirstPropertyValue('prodid'));
    const zones = calendar.getAllSubcomponents('vtimezone').map((zone) => zone.getFirstPropertyValue('tzid'));
    assert.ok(zones.includes('America/New_York'), `time zones: ${zones}`);
    assert.ok(zones.includes('America/Los_Angeles'), 'the Nevada cohort is in the feed too');

    const vevent = calendar
      .getAllSubcomponents('vevent')
      .find((component) => component.getFirstPropertyValue('uid').startsWith(`event-${eventId}@`));
    assert.ok(vevent, `event ${eventId} is in the feed`);
    const event = new ICAL.Event(vevent);
    assert.equal(event.summary, 'Feed check workshop');
    // The TZID resolves to the feed's own VTIMEZONE, not to the test machine's zone.
    assert.equal(event.startDate.zone.tzid, 'America/New_York');
    assert.ok(event.startDate.zone.component, 'the zone comes from the VTIMEZONE component');
    assert.equal(event.startDate.toJSDate().toISOString(), '2027-03-16T21:00:00.000Z');
    assert.equal(event.endDate.toJSDate().toISOString(), '2027-03-16T22:30:00.000Z');
    assert.equal(vevent.getFirstPropertyValue('status'), 'CONFIRMED');

    // Reset: the old address stops working.
    await page.goto(`${server.url}/calendar`);
    await Promise.all([
      page.waitForURL(/done=feed/),
      page.getByRole('button', { name: 'Reset my feed address' }).click(),
    ]);
    const replaced = await page.getByLabel('Your calendar feed address').inputValue();
    assert.notEqual(replaced, address);
    assert.equal((await fetch(address)).status, 404);
    assert.equal((await fetch(replaced)).status, 200);

    view.assertClean();
    await view.close();
  });
});
