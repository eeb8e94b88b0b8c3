// The webhook dashboard end to end, in Debian's Chromium against ./hookline local (./hookline browser-test).
// Screenshots of each main screen go to local/target/browser-tests/ (HOOKLINE_BROWSER_TEST_OUTPUT).

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  OUTPUT, api, eventually, freePort, launchBrowser, newPage, screenshot, sendEvent, startReceiver, startStack,
} from './harness.js';

let stack;
let browser;
const receivers = [];

before(async () => {
  [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
});

after(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
  await browser?.close();
  await stack?.stop();
});

async function receiver(port, secret, status) {
  const started = await startReceiver(port, secret, status);
  receivers.push(started);
  return started;
}

async function signIn(page, key = stack.apiKey) {
  await page.goto(stack.dashboardUrl);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
}

function noProblems(page) {
  assert.deepEqual(page.problems, [], 'no script error, CSP violation or dialog');
}

/** The seed's flow, word for word; returns the signing secret the page showed once. */
async function createThroughTheSeedFlow(page, name, url, resource = 'ticket', trigger = 'create') {
  await page.getByRole('link', { name: 'Create new' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Destination URL').fill(url);
  await page.getByLabel('Resource', { exact: true }).selectOption(resource);
  await page.getByLabel('Trigger', { exact: true }).selectOption(trigger);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByText("You won't see this secret again.").waitFor();
  return page.getByLabel('Signing secret').inputValue();
}

async function openWebhook(page, name) {
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

/** The delivery log's rows as [event, status, attempts] once it shows `status` for `event`. */
async function awaitDelivery(page, event, status) {
  return eventually(`a ${event} delivery ${status} in the log`, async () => {
    const rows = page.locator('table.deliveries tbody tr');
    for (const row of await rows.all()) {
      const cells = await row.locator('td').allTextContents();
      if (cells[0] === event && cells[1] === status) return row;
    }
    if (await page.getByRole('button', { name: 'Refresh' }).isEnabled()) {
      await page.getByRole('button', { name: 'Refresh' }).click();
    }
    return null;
  }, 60);
}

/** The error message shown beside a control: the last element its aria-describedby names, visible. */
async function errorBeside(page, control) {
  assert.equal(await control.getAttribute('aria-invalid'), 'true');
  const described = (await control.getAttribute('aria-describedby')).split(' ');
  const error = page.locator(`[id="${described.at(-1)}"]`);
  assert.ok(await error.isVisible(), 'the message is visible');
  return error.textContent();
}

test('sign in, then the seed flow: Create new, name and URL, resource and trigger, Create, listed; a test ping arrives signed and shows as succeeded', async () => {
  const page = await newPage(browser);
  await page.goto(stack.dashboardUrl);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await screenshot(page, '01-sign-in');
  await page.getByLabel('API key').fill(stack.apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('hookline.apiKey')), stack.apiKey, 'in session storage');
  assert.ok(!page.url().includes(stack.apiKey), 'never in the URL');
  assert.deepEqual(await page.context().cookies(), [], 'never in a cookie');

  const port = await freePort();
  await page.getByRole('link', { name: 'Create new' }).click();
  await page.getByLabel('Name').fill('My Example Webhook');
  await page.getByLabel('Destination URL').fill(`http://127.0.0.1:${port}/hook`);
  await page.getByLabel('Resource', { exact: true }).selectOption('ticket');
  const triggers = await page.getByLabel('Trigger', { exact: true }).locator('option').allTextContents();
  assert.deepEqual(triggers.slice(1).map((t) => t.split(' ')[0]).sort(),
    ['create', 'delete', 'paid', 'price_changed', 'scan', 'sold_out', 'update'],
    "only the catalogue's pairs for ticket, and its derived types");
  assert.ok(triggers.includes('sold_out — A ticket type sold out: an update that changed its status to sold_out.'),
    'a derived type shows its meaning');
  await page.getByLabel('Trigger', { exact: true }).selectOption('create');
  await screenshot(page, '03-create');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByText("You won't see this secret again.").waitFor();
  const secret = await page.getByLabel('Signing secret').inputValue();
  assert.match(secret, /^whsec_/);
  await page.getByRole('button', { name: 'Copy secret' }).click();
  await page.getByText('Copied to the clipboard.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  await screenshot(page, '04-secret-once');
  await page.getByRole('button', { name: /^Done/ }).click();

  const row = page.locator('table.list tbody tr', { hasText: 'My Example Webhook' });
  await row.waitFor();
  assert.match(await row.textContent(), /ticket\.create/);
  await screenshot(page, '02-webhooks');

  const endpoint = await receiver(port, secret);
  await openWebhook(page, 'My Example Webhook');
  await page.getByRole('button', { name: 'Send test ping' }).click();
  await eventually('the ping at the receiver', () => endpoint.output().includes('signature: VALID'));
  await awaitDelivery(page, 'ping', 'succeeded');
  await page.locator('figure svg rect.bar.succeeded').first().waitFor();
  await screenshot(page, '05-webhook');

  // What the receiver got, pasted into "Verify a signature": its headers and body, as printed.
  const received = endpoint.output().split('\n');
  const header = (name) => received.find((line) => line.startsWith(`${name}:`));
  const body = received[received.findIndex((line) => line.startsWith('user-agent:')) + 1];
  await page.getByLabel('Payload').fill(body);
  await page.getByLabel('Headers').fill(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map(header).join('\n'));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByText('Valid: this webhook signed it.').waitFor();
  await page.getByLabel('Payload').fill(body.replace('ping', 'pong'));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByText('Not valid: invalid signature.').waitFor();
  noProblems(page);
});

test('edit, disable, rotate (the new secret shown once) and delete', async () => {
  const page = await newPage(browser);
  await signIn(page);
  await createThroughTheSeedFlow(page, 'To be changed', 'http://127.0.0.1:9/hook');
  await page.getByRole('button', { name: /^Done/ }).click();
  await openWebhook(page, 'To be changed');

  await page.getByRole('link', { name: 'Edit' }).click();
  await page.getByLabel('Name').fill('Changed');
  await page.getByRole('button', { name: 'Add another event' }).click();
  await page.getByLabel('Resource of event 2').selectOption('event');
  await page.getByLabel('Trigger of event 2').selectOption('create');
  await page.getByLabel('Triggered by related resources').check();
  await page.getByText('With this option the webhook also fires for:').waitFor();
  await screenshot(page, '06-edit');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: 'Changed', level: 1 }).waitFor();
  await page.getByText('Changes saved.').waitFor();
  assert.match(await page.locator('.facts').textContent(), /ticket\.create, event\.create/);

  await page.getByRole('button', { name: 'Disable' }).click();
  await page.getByRole('button', { name: 'Enable' }).waitFor();
  assert.match(await page.locator('.badges').textContent(), /Inactive/);

  await page.getByRole('button', { name: 'Rotate secret' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click();
  await page.getByText("You won't see this secret again.").waitFor();
  assert.match(await page.getByLabel('Signing secret').inputValue(), /^whsec_/);
  await page.getByRole('button', { name: /^Done/ }).click();
  await page.getByText('Secret rotated.').waitFor();
  assert.equal(await page.getByLabel('Signing secret').count(), 0, 'shown once: gone after Done');

  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('heading', { name: 'Changed', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.getByText('Webhook "Changed" deleted.').waitFor();
  await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Changed', exact: true }).count(), 0);
  noProblems(page);
});

test("a failing endpoint's attempts are visible, and a retry from the UI delivers", async () => {
  const page = await newPage(browser);
  await signIn(page);
  const port = await freePort();
  await page.getByRole('link', { name: 'Create new' }).click();
  await page.getByLabel('Name').fill('Failing endpoint');
  await page.getByLabel('Destination URL').fill(`http://127.0.0.1:${port}/hook`);
  await page.getByLabel('Resource', { exact: true }).selectOption('ticket');
  await page.getByLabel('Trigger', { exact: true }).selectOption('update');
  await page.getByLabel('Retries').fill('1');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByText("You won't see this secret again.").waitFor();
  const secret = await page.getByLabel('Signing secret').inputValue();
  await page.getByRole('button', { name: /^Done/ }).click();

  const failing = await receiver(port, secret, 500);
  await openWebhook(page, 'Failing endpoint');
  // An event, not a ping: pings get one attempt, events their retries.
  assert.match(await sendEvent(stack, 'events/resource-event-ticket-update.json'), /fanned out to \d+ deliver/);
  const row = await awaitDelivery(page, 'ticket.update', 'failed');
  assert.equal((await row.locator('td').allTextContents())[2], '2', 'the first attempt and one retry');
  await row.getByRole('link').click();
  await page.getByRole('heading', { name: 'Attempts' }).waitFor();
  assert.equal(await page.locator('.attempt').count(), 2);
  assert.match(await page.locator('.attempt').first().textContent(), /HTTP 500/);
  await screenshot(page, '07-delivery-failed');

  // The endpoint is fixed: the same port answers 204 now.
  await failing.stop();
  await receiver(port, secret, 204);
  await page.getByRole('button', { name: 'Retry this delivery' }).click();
  await page.getByText('Retried: succeeded.').waitFor({ timeout: 60_000 });
  // A third attempt at least: one may meet the stopped receiver's pooled connection and be retried itself.
  assert.ok(await page.locator('.attempt').count() >= 3);
  assert.match(await page.locator('.attempt').last().textContent(), /HTTP 204/);
  await screenshot(page, '08-delivery-retried');

  await page.getByRole('link', { name: 'Failing endpoint' }).click();
  await page.getByRole('button', { name: 'Recover' }).click();
  await page.getByText(/^Recovery queued: failed deliveries since/).waitFor();
  noProblems(page);
});

test("the API's validation errors appear next to their fields", async () => {
  const page = await newPage(browser);
  await signIn(page);
  await page.getByRole('link', { name: 'Create new' }).click();
  await page.getByLabel('Destination URL').fill('ftp://example.com/hook');
  await page.getByLabel('Retries').fill('11');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByText(/The webhook was not saved/).waitFor();
  for (const label of ['Name', 'Destination URL', 'Retries', 'Resource']) {
    assert.match(await errorBeside(page, page.getByLabel(label, { exact: true })), /\S/, `${label} has its message beside it`);
  }
  assert.equal(await page.evaluate(() => document.activeElement.labels?.[0]?.textContent), 'Name',
    'focus moves to the first field in error');
  await screenshot(page, '09-validation');
  noProblems(page);
});

test('a change filter on ticket.update, a derived type and a reference from the form; a condition\'s error beside it; the list filtered by reference', async () => {
  const page = await newPage(browser);
  await signIn(page);
  await page.getByRole('link', { name: 'Create new' }).click();
  await page.getByLabel('Name').fill('Sold out or repriced');
  await page.getByLabel('Destination URL').fill('http://127.0.0.1:9/hook');
  await page.getByLabel('Resource', { exact: true }).selectOption('ticket');
  await page.getByLabel('Trigger', { exact: true }).selectOption('update');
  await page.getByRole('button', { name: 'Add another event' }).click();
  await page.getByLabel('Resource of event 2').selectOption('ticket');
  await page.getByLabel('Trigger of event 2').selectOption('sold_out');
  await page.getByText('ticket.sold_out: A ticket type sold out: an update that changed its status to sold_out.').waitFor();
  await page.getByText('It narrows ticket.update; the other event types are not filtered.').waitFor();
  assert.ok(await page.locator('.webhook-form').evaluate((form) => form.scrollWidth <= form.clientWidth),
    "a derived type's long meaning does not widen the form");

  await page.getByRole('button', { name: 'Add a condition' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.labels?.[0]?.textContent), 'Field 1', 'focus on the new row');
  await page.getByLabel('Field 1').fill('status');
  await page.getByLabel('To 1').fill('x'.repeat(256));
  await page.getByRole('button', { name: 'Add a condition' }).click();
  await page.getByLabel('Field 2').fill('price');
  await page.getByLabel('From 2').fill('10');
  await page.getByLabel('To 2').fill('null');
  await page.getByRole('button', { name: 'Add a condition' }).click();
  await page.getByRole('button', { name: 'Remove condition 3' }).click();
  await page.getByText('More options').click();
  await page.getByLabel('Reference (optional)').fill('CRM-42');
  await page.getByLabel('Reference origin (optional)').fill('crm');

  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByText(/The webhook was not saved/).waitFor();
  assert.match(await errorBeside(page, page.getByLabel('To 1')), /\S/, 'change_filter[0].to beside To 1');
  assert.equal(await page.getByLabel('Field 1').getAttribute('aria-invalid'), null, 'only To 1 is in error');
  assert.equal(await page.evaluate(() => document.activeElement.labels?.[0]?.textContent), 'To 1', 'focus on it');
  await screenshot(page, '13-change-filter');
  await page.getByLabel('To 1').fill('sold_out');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByText("You won't see this secret again.").waitFor();
  await page.getByRole('button', { name: /^Done/ }).click();

  const listed = await api(stack, 'GET', '/v1/webhooks?reference=CRM-42');
  assert.equal(listed.body.data.length, 1);
  const [created] = listed.body.data;
  assert.deepEqual(created.events, ['ticket.update', 'ticket.sold_out']);
  assert.deepEqual(created.change_filter, [{ field: 'status', to: 'sold_out' }, { field: 'price', from: 10, to: null }],
    'values typed as JSON: 10 a number, null itself, sold_out text');
  assert.equal(created.reference_origin, 'crm');

  await page.getByLabel('Reference', { exact: true }).fill('CRM-42');
  await page.getByLabel('Reference', { exact: true }).press('Enter');
  await eventually('the list filtered by reference', async () => (await page.locator('table.list tbody tr').count()) === 1
    && page.url().includes('reference=CRM-42'));
  assert.match(await page.locator('table.list tbody tr').textContent(), /Sold out or repriced.*CRM-42 \(from crm\)/);
  assert.equal(await page.getByLabel('Reference', { exact: true }).inputValue(), 'CRM-42', 'the filter stays filled in');
  await screenshot(page, '14-webhooks-by-reference');
  await page.getByLabel('Reference', { exact: true }).fill('CRM-4');
  await page.getByLabel('Reference', { exact: true }).press('Enter');
  await page.getByText('No webhook matches these filters.').waitFor();

  await page.goto(`${stack.dashboardUrl}#/webhooks/${created.id}`);
  await page.getByRole('heading', { name: 'Sold out or repriced', level: 1 }).waitFor();
  const facts = await page.locator('.facts').textContent();
  assert.match(facts, /ticket\.sold_out \(A ticket type sold out: an update that changed its status to sold_out\.\)/);
  assert.match(facts, /status changed to "sold_out"/);
  assert.match(facts, /price changed from 10 to null/);
  assert.match(facts, /CRM-42 \(from crm\)/);

  // Editing shows the conditions as they were typed.
  await page.getByRole('link', { name: 'Edit' }).click();
  assert.equal(await page.getByLabel('To 1').inputValue(), 'sold_out');
  assert.equal(await page.getByLabel('From 2').inputValue(), '10');
  assert.equal(await page.getByLabel('To 2').inputValue(), 'null');
  noProblems(page);
});

test('the History: the create, an edit from the page with each change from and to, a rotation as "rotated"; older changes on demand', async () => {
  const created = await api(stack, 'POST', '/v1/webhooks',
    { name: 'With a history', url: 'http://127.0.0.1:9/hook', resource: 'ticket', trigger: 'update' });
  assert.equal(created.status, 201);
  const page = await newPage(browser);
  await signIn(page);
  await openWebhook(page, 'With a history');
  await page.getByRole('link', { name: 'Edit' }).click();
  await page.getByLabel('Name').fill('History, renamed');
  await page.getByRole('button', { name: 'Add a condition' }).click();
  await page.getByLabel('Field 1').fill('status');
  await page.getByLabel('To 1').fill('"10"');
  await page.getByText('More options').click();
  await page.getByLabel('Reference (optional)').fill('R-7');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Changes saved.').waitFor();
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click();
  await page.getByRole('button', { name: /^Done/ }).click();
  await page.getByText('Secret rotated.').waitFor();

  const versions = page.locator('.versions > li');
  await eventually('three versions', async () => (await versions.count()) === 3);
  const [rotated, updated, first] = await versions.allTextContents();
  assert.match(rotated, /^Version 3: Secret rotated.*secret: rotated$/);
  assert.match(updated, /^Version 2: Updated/);
  assert.match(updated, /name: from "With a history" to "History, renamed"/);
  assert.match(updated, /change_filter: set to \[\{"field":"status","to":"10"\}\]/, 'the text "10", as typed in quotes');
  assert.match(updated, /reference: set to "R-7"/);
  assert.match(first, /^Version 1: Created/);
  assert.match(first, /name: set to "With a history"/);
  assert.ok(!/whsec_/.test(await page.locator('.versions').textContent()), 'no secret in the history');
  assert.equal(await page.getByRole('button', { name: 'Load older changes' }).isVisible(), false, 'one page only');
  await screenshot(page, '15-history');

  // Ten more changes: the first page holds ten versions, the oldest come on demand.
  for (let retries = 0; retries < 10; retries += 1) {
    assert.equal((await api(stack, 'PATCH', `/v1/webhooks/${created.body.id}`, { retries })).status, 200);
  }
  await page.reload();
  await page.getByRole('heading', { name: 'History', level: 2 }).waitFor();
  await eventually('the first page of versions', async () => (await versions.count()) === 10);
  assert.match(await versions.first().textContent(), /^Version 13: Updated.*retries: from 8 to 9$/);
  await page.getByRole('button', { name: 'Load older changes' }).click();
  await eventually('the older versions', async () => (await versions.count()) === 13);
  assert.match(await versions.last().textContent(), /^Version 1: Created/);
  assert.equal(await page.getByRole('button', { name: 'Load older changes' }).isVisible(), false, 'no more pages');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Version 3: Secret rotated',
    'focus on the first version loaded');
  noProblems(page);
});

test('a read-only key sees everything and no write controls', async () => {
  const created = await api(stack, 'POST', '/v1/webhooks',
    { name: 'Seen by a reader', url: 'http://127.0.0.1:9/hook', resource: 'event', trigger: 'update' });
  assert.equal(created.status, 201);
  const page = await newPage(browser);
  await signIn(page, stack.readKey);
  await page.getByText('Read-only key', { exact: true }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Create new' }).count(), 0);
  await openWebhook(page, 'Seen by a reader');
  await page.locator('table.deliveries, .empty').first().waitFor();
  for (const name of ['Edit', 'Disable', 'Send test ping', 'Rotate secret', 'Delete', 'Recover']) {
    assert.equal(await page.getByRole('button', { name, exact: true }).or(page.getByRole('link', { name, exact: true })).count(),
      0, `no ${name}`);
  }
  await page.getByRole('heading', { name: 'Verify a signature' }).waitFor();
  await screenshot(page, '10-read-only');
  noProblems(page);
});

test('a webhook named <img src=x onerror=alert(1)> shows as those characters', async () => {
  const name = '<img src=x onerror=alert(1)>';
  const created = await api(stack, 'POST', '/v1/webhooks',
    { name, url: 'http://127.0.0.1:9/hook', resource: 'ticket', trigger: 'update', description: '<script>alert(2)</script>',
      metadata: { '<b>': '<i>x</i>' } });
  assert.equal(created.status, 201);
  const page = await newPage(browser);
  await signIn(page);
  const link = page.getByRole('link', { name, exact: true });
  assert.equal(await link.textContent(), name);
  await link.click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  assert.equal(await page.locator('main img, main script, main b, main i').count(), 0, 'no markup from API strings');
  assert.match(await page.locator('.facts').textContent(), /<script>alert\(2\)<\/script>/);
  noProblems(page);
});

test('keyboard only: Create new, the form and Create, without the mouse', async () => {
  const page = await newPage(browser);
  await signIn(page);
  const pressTabUntil = async (check, what) => {
    for (let i = 0; i < 60; i += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(check)) return;
    }
    throw new Error(`Tab never reached ${what}`);
  };
  await page.evaluate(() => document.activeElement.blur());
  await pressTabUntil(() => document.activeElement.textContent === 'Create new', 'Create new');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Create a webhook' }).waitFor();
  await pressTabUntil(() => document.activeElement.name === 'name', 'Name');
  await page.keyboard.type('Typed by keyboard');
  await page.keyboard.press('Tab');
  await page.keyboard.type('http://127.0.0.1:9/hook');
  await page.keyboard.press('Tab');
  await page.keyboard.type('product');
  await page.keyboard.press('Tab');
  await page.keyboard.type('update');
  assert.equal(await page.getByLabel('Trigger', { exact: true }).inputValue(), 'update');
  await pressTabUntil(() => document.activeElement.textContent === 'Create', 'Create');
  await page.keyboard.press('Enter');
  await page.getByText("You won't see this secret again.").waitFor();
  await pressTabUntil(() => document.activeElement.textContent.startsWith('Done'), 'Done');
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'Typed by keyboard' }).waitFor();
  noProblems(page);
});

test('readable at 360 px wide, in dark mode', async () => {
  const page = await newPage(browser, { viewport: { width: 360, height: 780 }, colorScheme: 'dark' });
  await signIn(page);
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(await overflow(), 0, 'the list needs no sideways scrolling');
  await screenshot(page, '11-webhooks-360-dark');
  await openWebhook(page, 'My Example Webhook');
  await page.locator('figure svg').first().waitFor();
  assert.equal(await overflow(), 0, 'the webhook page needs no sideways scrolling');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, 'rgb(15, 17, 21)', 'the dark palette');
  await screenshot(page, '12-webhook-360-dark');
  await page.goto(`${stack.dashboardUrl}#/webhooks/new`);
  await page.getByLabel('Resource', { exact: true }).selectOption('ticket');
  await page.getByLabel('Trigger', { exact: true }).selectOption('sold_out');
  await page.getByRole('button', { name: 'Add a condition' }).click();
  await page.getByLabel('Field 1').waitFor();
  assert.equal(await overflow(), 0, 'the form with a derived type and a condition needs no sideways scrolling');
  noProblems(page);
});

test('every page carries the security headers; the first load is small', async () => {
  const page = await newPage(browser);
  const pending = [];
  page.on('requestfinished', (request) => pending.push((async () => {
    const response = await request.response();
    const sizes = await request.sizes();
    return { url: request.url(), status: response.status(), headers: await response.allHeaders(),
      bytes: sizes.responseHeadersSize + sizes.responseBodySize };
  })()));
  await page.goto(stack.dashboardUrl, { waitUntil: 'networkidle' });
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  const answers = await Promise.all(pending);
  const statics = answers.filter((answer) => new URL(answer.url).pathname.startsWith('/dashboard'));
  assert.deepEqual([...new Set(statics.map((answer) => new URL(answer.url).pathname))].sort(), ['/dashboard', '/dashboard/api.js',
    '/dashboard/app.js', '/dashboard/chart.js', '/dashboard/dom.js', '/dashboard/form.js', '/dashboard/icon.svg',
    '/dashboard/style.css']);
  for (const answer of statics) {
    assert.equal(answer.status, 200, answer.url);
    assert.match(answer.headers['content-security-policy'], /default-src 'none'; script-src 'self'; style-src 'self'/);
    assert.equal(answer.headers['x-content-type-options'], 'nosniff');
    assert.equal(answer.headers['referrer-policy'], 'no-referrer');
    assert.equal(answer.headers['x-frame-options'], 'DENY');
    assert.match(answer.headers['content-security-policy'], /frame-ancestors 'none'/);
  }
  const firstLoad = statics.reduce((sum, answer) => sum + answer.bytes, 0);
  writeFileSync(path.join(OUTPUT, 'page-weight.json'), `${JSON.stringify({ first_load_bytes: firstLoad,
    files: statics.map(({ url, bytes }) => ({ path: new URL(url).pathname, bytes })) }, null, 2)}\n`);
  console.log(`first load: ${firstLoad} bytes transferred in ${statics.length} requests`);
  assert.ok(firstLoad < 40_000, `the first load transfers ${firstLoad} bytes`);
  noProblems(page);
});
