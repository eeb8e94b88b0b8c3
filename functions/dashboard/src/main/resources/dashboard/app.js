// The webhook dashboard: a single page on the API's own origin. Views are picked by the location hash, so the
// server only ever serves this page; every string from the API goes into the page as text (dom.js).

import { ApiError, call, query, session, webhookPath } from './api.js';
import { field, h, options, setError, uid, when } from './dom.js';
import { webhookForm } from './form.js';
import { outcomeFigure, outcomes } from './chart.js';

const main = document.getElementById('main');
const status = document.getElementById('status');
const account = document.getElementById('account');
const FINAL = new Set(['succeeded', 'failed', 'aborted']);
const STATUSES = ['succeeded', 'failed', 'retrying', 'queued', 'parked', 'aborted'];

let generation = 0;
let catalog = null;
let notice = null;

/** Shows a message in the status line, now or (with navigate) after the next view renders. */
function notify(message) {
  status.textContent = message;
}

function navigate(hash, message) {
  notice = message ?? null;
  if (location.hash === hash) render();
  else location.hash = hash;
}

function eventTypes() {
  catalog ??= call('GET', 'v1/event-types').then(({ data }) => data).catch((error) => {
    catalog = null;
    throw error;
  });
  return catalog;
}

function heading(text, ...rest) {
  return h('h1', { tabindex: '-1' }, text, ...rest);
}

function badge(text, kind) {
  return h('span', { class: `badge ${kind}` }, text);
}

const canWrite = () => session.canWrite();

// ------------------------------------------------------------------ dialogs and the once-only secret

/** A modal confirmation; resolves true when confirmed. Escape or Cancel resolve false. */
function confirmDialog({ title, text, confirmLabel, danger = false }) {
  const titleId = uid('dialog-title');
  const dialog = h('dialog', { 'aria-labelledby': titleId });
  const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close('cancel') }, 'Cancel');
  const confirm = h('button', { type: 'button', class: danger ? 'danger' : 'primary',
    onclick: () => dialog.close('confirm') }, confirmLabel);
  dialog.append(h('h2', { id: titleId }, title), h('p', {}, text), h('div', { class: 'actions' }, cancel, confirm));
  document.body.append(dialog);
  dialog.showModal();
  cancel.focus();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'confirm');
      dialog.remove();
    });
  });
}

/** The signing secret, shown once: after create and after rotate. */
function secretPanel({ title, secret, doneLabel, onDone }) {
  const input = h('input', { type: 'text', readOnly: true, value: secret, id: uid('secret'), class: 'secret',
    spellcheck: 'false', autocomplete: 'off' });
  const copied = h('span', { class: 'hint', role: 'status' });
  return h('section', { class: 'secret-panel' },
    heading(title),
    h('p', { class: 'warning' }, h('strong', {}, "You won't see this secret again."),
      ' Store it where your receiver can read it now: Hookline keeps it encrypted and never shows it again. '
      + 'If you lose it, rotate the secret.'),
    h('div', { class: 'field' }, h('label', { for: input.id }, 'Signing secret'), input),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: async () => {
        try {
          await navigator.clipboard.writeText(secret);
          copied.textContent = 'Copied to the clipboard.';
        } catch {
          input.select();
          copied.textContent = 'Selected: press Ctrl+C to copy it.';
        }
      } }, 'Copy secret'),
      copied),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: onDone }, doneLabel)));
}

// ------------------------------------------------------------------ sign in

function signInView(message) {
  const key = field('API key', h('input', { type: 'password', name: 'api-key', autocomplete: 'off', spellcheck: 'false' }),
    'It stays in this browser tab only (session storage) and is sent only to this Hookline API.');
  if (message) setError(key, message);
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  return h('section', { class: 'narrow' },
    heading('Sign in'),
    h('p', {}, 'Manage your webhooks: create them, watch their deliveries, retry what failed.'),
    h('form', { novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      const value = key.control.value.trim();
      if (!value) {
        setError(key, 'Enter an API key.');
        key.control.focus();
        return;
      }
      submit.disabled = true;
      try {
        const { data } = await call('GET', 'v1/api-key', { key: value });
        session.signIn(value, data.scopes);
        navigate('#/webhooks', data.scopes.includes('admin') ? null
          : 'Signed in with a read-only key: you can look at everything and change nothing.');
      } catch (error) {
        setError(key, error.status === 401 || error.status === 403
          ? 'This key is not accepted. Check that you copied all of it.' : error.message);
        key.control.focus();
      } finally {
        submit.disabled = false;
      }
    } }, key.wrapper, h('div', { class: 'actions' }, submit)));
}

function renderAccount() {
  if (!session.key()) {
    account.replaceChildren();
    return;
  }
  account.replaceChildren(...[
    canWrite() ? null : badge('Read-only key', 'muted'),
    h('button', { type: 'button', class: 'link', onclick: () => {
      session.signOut();
      navigate('#/', 'Signed out.');
    } }, 'Sign out')].filter(Boolean));
}

// ------------------------------------------------------------------ webhook list

function lastDelivery(webhook) {
  const last = webhook.last_delivery;
  if (!last) return 'None yet';
  return h('span', {}, badge(last.status, last.status), ' ', when(last.at));
}

function referenceText(webhook) {
  return [webhook.reference, webhook.reference_origin && `(from ${webhook.reference_origin})`]
    .filter(Boolean).join(' ') || '—';
}

function circuit(webhook) {
  const state = webhook.circuit_state ?? 'closed';
  return badge(state.replace('_', ' '), state === 'closed' ? 'ok' : 'failed');
}

async function listView(search) {
  const types = await eventTypes();
  const filters = new URLSearchParams(search ?? '');
  const current = {
    resource: filters.get('resource') ?? '', trigger: filters.get('trigger') ?? '', active: filters.get('active') ?? '',
    reference: filters.get('reference') ?? '',
  };
  const triggers = [...new Set([...types.data, ...types.derived].map((type) => type.trigger))].sort();
  const apply = () => navigate(`#/webhooks${query({ resource: resource.value, trigger: trigger.value, active: active.value,
    reference: reference.value })}`);
  const resource = h('select', { id: uid('filter'), onchange: apply },
    options([['', 'Any resource'], ...types.resources.map((r) => [r.resource, r.resource])], current.resource));
  const trigger = h('select', { id: uid('filter'), onchange: apply },
    options([['', 'Any trigger'], ...triggers.map((t) => [t, t])], current.trigger));
  const active = h('select', { id: uid('filter'), onchange: apply },
    options([['', 'Active or not'], ['true', 'Active'], ['false', 'Inactive']], current.active));
  // Applied on Enter or on leaving the field; an exact match, as the API's ?reference= is.
  const reference = h('input', { id: uid('filter'), type: 'text', autocomplete: 'off', value: current.reference,
    onchange: apply });

  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  const cursors = [null];
  async function load(page) {
    const { data } = await call('GET', `v1/webhooks${query({ ...current, limit: 20, cursor: cursors[page] })}`);
    cursors[page + 1] = data.next_cursor;
    results.replaceChildren(
      data.data.length === 0
        ? h('p', { class: 'empty' }, page === 0 && !Object.values(current).some(Boolean)
          ? 'No webhooks yet.' : 'No webhook matches these filters.')
        : h('div', { class: 'scroll' }, h('table', { class: 'list' },
          h('caption', { class: 'visually-hidden' }, 'Webhooks'),
          h('thead', {}, h('tr', {}, ['Name', 'Destination', 'Subscriptions', 'Reference', 'Active', 'Circuit', 'Last delivery']
            .map((title) => h('th', { scope: 'col' }, title)))),
          h('tbody', {}, data.data.map((webhook) => h('tr', {},
            h('th', { scope: 'row', 'data-label': 'Name' },
              h('a', { href: `#/webhooks/${encodeURIComponent(webhook.id)}` }, webhook.name)),
            h('td', { 'data-label': 'Destination', class: 'url' }, webhook.url),
            h('td', { 'data-label': 'Subscriptions' }, webhook.events.join(', '),
              webhook.triggered_by_child_resources ? ' (and related resources)' : null),
            h('td', { 'data-label': 'Reference' }, referenceText(webhook)),
            h('td', { 'data-label': 'Active' }, webhook.active ? badge('Active', 'ok') : badge('Inactive', 'muted')),
            h('td', { 'data-label': 'Circuit' }, circuit(webhook)),
            h('td', { 'data-label': 'Last delivery' }, lastDelivery(webhook))))))),
      h('nav', { class: 'pager', 'aria-label': 'Pages of webhooks' },
        page > 0 ? h('button', { type: 'button', class: 'secondary', onclick: () => load(page - 1) }, 'Previous page') : null,
        data.next_cursor ? h('button', { type: 'button', class: 'secondary', onclick: () => load(page + 1) }, 'Next page') : null));
  }
  await load(0);

  return h('section', {},
    h('div', { class: 'title-row' }, heading('Webhooks'),
      canWrite() ? h('a', { class: 'button primary', href: '#/webhooks/new' }, 'Create new') : null),
    h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter webhooks', onsubmit: (e) => e.preventDefault() },
      h('div', { class: 'field' }, h('label', { for: resource.id }, 'Resource'), resource),
      h('div', { class: 'field' }, h('label', { for: trigger.id }, 'Trigger'), trigger),
      h('div', { class: 'field' }, h('label', { for: active.id }, 'Active'), active),
      h('div', { class: 'field' }, h('label', { for: reference.id }, 'Reference'), reference)),
    results);
}

// ------------------------------------------------------------------ create and edit

async function createView() {
  if (!canWrite()) return readOnlyView();
  const types = await eventTypes();
  const section = h('section', {}, heading('Create a webhook'));
  section.append(webhookForm({
    catalog: types, submitLabel: 'Create', cancelHref: '#/webhooks',
    onSubmit: async (body) => {
      const { data } = await call('POST', 'v1/webhooks', { body });
      show(secretPanel({ title: `Webhook "${data.name}" created`, secret: data.secret, doneLabel: 'Done: back to the webhooks',
        onDone: () => navigate('#/webhooks', `Webhook "${data.name}" created.`) }));
    },
  }));
  return section;
}

async function editView(id) {
  if (!canWrite()) return readOnlyView();
  const [{ data: webhook, etag }, types] = await Promise.all([call('GET', webhookPath(id)), eventTypes()]);
  const back = `#/webhooks/${encodeURIComponent(id)}`;
  return h('section', {}, heading(`Edit "${webhook.name}"`), webhookForm({
    catalog: types, webhook, submitLabel: 'Save', cancelHref: back,
    onSubmit: async (body) => {
      if (Object.keys(body).length > 0) {
        await call('PATCH', webhookPath(id), { body, headers: { 'If-Match': etag } });
      }
      navigate(back, Object.keys(body).length > 0 ? 'Changes saved.' : 'Nothing changed.');
    },
  }));
}

function readOnlyView() {
  return h('section', {}, heading('Read-only key'),
    h('p', {}, 'This API key can read webhooks but not change them.'),
    h('a', { href: '#/webhooks' }, 'Back to the webhooks'));
}

// ------------------------------------------------------------------ one webhook

function describe(rows) {
  return h('dl', { class: 'facts' }, rows.filter(Boolean).map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

async function act(action, success) {
  try {
    const result = await action();
    if (success) notify(success(result));
    return result;
  } catch (error) {
    if (error.status === 401) return signedOut();
    notify(error.status === 412 || error.code === 'concurrent_modification'
      ? 'The webhook changed meanwhile: reload the page and try again.' : `Not done: ${error.message}`);
    return null;
  }
}

function deliveriesSection(id) {
  const filter = h('select', { id: uid('status'), onchange: () => load(0) },
    options([['', 'Any status'], ...STATUSES.map((s) => [s, s])], ''));
  const results = h('div', { 'aria-live': 'polite' });
  const cursors = [null];
  let rows = [];

  async function load(page) {
    const { data } = await call('GET', `${webhookPath(id)}/deliveries${query({ status: filter.value, limit: 20,
      cursor: cursors[page] })}`);
    cursors[page + 1] = data.next_cursor;
    rows = data.data;
    results.replaceChildren(
      rows.length === 0 ? h('p', { class: 'empty' }, 'No deliveries.') : h('div', { class: 'scroll' }, h('table', { class: 'list deliveries' },
        h('caption', { class: 'visually-hidden' }, 'Delivery log, newest first'),
        h('thead', {}, h('tr', {}, ['Created', 'Event', 'Status', 'Attempts', 'Response', 'Latency']
          .map((title) => h('th', { scope: 'col' }, title)))),
        h('tbody', {}, rows.map((delivery) => h('tr', { 'data-delivery': delivery.id },
          h('th', { scope: 'row', 'data-label': 'Created' }, h('a', {
            href: `#/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(delivery.id)}`,
            'aria-label': `Delivery ${delivery.id}, ${delivery.event_type}, ${delivery.status}`,
          }, when(delivery.created_at))),
          h('td', { 'data-label': 'Event' }, delivery.event_type),
          h('td', { 'data-label': 'Status' }, badge(delivery.status, delivery.status)),
          h('td', { 'data-label': 'Attempts' }, delivery.attempts),
          h('td', { 'data-label': 'Response' }, delivery.last_status_code ?? delivery.last_error ?? '—'),
          h('td', { 'data-label': 'Latency' }, delivery.last_latency_ms === null || delivery.last_latency_ms === undefined
            ? '—' : `${delivery.last_latency_ms} ms`)))))),
      h('nav', { class: 'pager', 'aria-label': 'Pages of deliveries' },
        page > 0 ? h('button', { type: 'button', class: 'secondary', onclick: () => load(page - 1) }, 'Newer') : null,
        data.next_cursor ? h('button', { type: 'button', class: 'secondary', onclick: () => load(page + 1) }, 'Older') : null));
  }

  /** Reloads the newest page until delivery `deliveryId` is final (a ping in flight), for a while. */
  async function watch(deliveryId, onFinal) {
    const mine = generation;
    for (let i = 0; i < 30 && mine === generation; i += 1) {
      await new Promise((resolve) => { setTimeout(resolve, 1000); });
      if (mine !== generation) return;
      filter.value = '';
      await load(0);
      const delivery = rows.find((row) => row.id === deliveryId);
      if (delivery && FINAL.has(delivery.status)) {
        notify(`Delivery ${deliveryId}: ${delivery.status}.`);
        onFinal();
        return;
      }
    }
  }

  const section = h('section', { 'aria-labelledby': 'deliveries-title' },
    h('h2', { id: 'deliveries-title' }, 'Deliveries'),
    h('div', { class: 'filters' },
      h('div', { class: 'field' }, h('label', { for: filter.id }, 'Status'), filter),
      h('button', { type: 'button', class: 'secondary', onclick: () => load(0) }, 'Refresh')),
    results);
  return { section, load, watch };
}

function chartSection(id) {
  const body = h('div', {}, h('p', { class: 'hint' }, 'Loading the last 24 hours…'));
  const section = h('section', { 'aria-labelledby': 'chart-title' }, h('h2', { id: 'chart-title' }, 'Delivery outcomes'), body);
  const load = () => outcomes(id).then((data) => body.replaceChildren(outcomeFigure(data)))
    .catch((error) => body.replaceChildren(h('p', { class: 'hint' }, `The chart could not be loaded: ${error.message}`)));
  load();
  return { section, load };
}

function recoverSection(id) {
  const since = field('Since', h('input', { type: 'datetime-local', name: 'since', step: 1,
    value: new Date(Date.now() - 86400000 - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16) }),
  'Failed deliveries created after this time (your local time) are sent again.');
  return h('section', { 'aria-labelledby': 'recover-title' }, h('h2', { id: 'recover-title' }, 'Recover failed deliveries'),
    h('form', { class: 'inline-form', novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      const time = new Date(since.control.value);
      if (Number.isNaN(time.getTime())) {
        setError(since, 'Enter a date and time.');
        return;
      }
      setError(since, null);
      try {
        await call('POST', `${webhookPath(id)}/recover`, { body: { since: time.toISOString() } });
        notify(`Recovery queued: failed deliveries since ${time.toLocaleString()} will be sent again.`);
      } catch (error) {
        setError(since, error.fields?.find((f) => f.field === 'since')?.message ?? error.message);
      }
    } }, since.wrapper, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, 'Recover'))));
}

function verifySection(id) {
  const payload = field('Payload', h('textarea', { name: 'payload', rows: 4, spellcheck: 'false' }),
    'The delivery body exactly as your endpoint received it.');
  const headers = field('Headers', h('textarea', { name: 'headers', rows: 3, spellcheck: 'false',
    placeholder: 'webhook-id: msg_…\nwebhook-timestamp: 1700000000\nwebhook-signature: v1,…' }),
  'One per line, "name: value": webhook-id, webhook-timestamp and webhook-signature.');
  const result = h('p', { class: 'verify-result', role: 'status' });
  return h('section', { 'aria-labelledby': 'verify-title' }, h('h2', { id: 'verify-title' }, 'Verify a signature'),
    h('form', { novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      const parsed = {};
      for (const line of headers.control.value.split('\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) parsed[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      setError(payload, null);
      try {
        const { data } = await call('POST', `${webhookPath(id)}/signature/verify`,
          { body: { payload: payload.control.value, headers: parsed } });
        result.className = `verify-result ${data.valid ? 'ok' : 'failed'}`;
        result.textContent = data.valid ? 'Valid: this webhook signed it.' : `Not valid: ${data.result.replaceAll('_', ' ')}.`;
      } catch (error) {
        const payloadError = error.fields?.find((f) => f.field === 'payload');
        if (payloadError) setError(payload, payloadError.message);
        result.className = 'verify-result failed';
        result.textContent = payloadError ? '' : error.message;
      }
    } }, payload.wrapper, headers.wrapper,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, 'Verify')), result));
}

/** A value of a condition or a change as JSON, so "10" (text) and 10 (a number) read differently. */
const literal = (value) => JSON.stringify(value);

function conditionText(condition) {
  return h('li', {}, h('code', {}, condition.field), ' changed',
    'from' in condition ? ` from ${literal(condition.from)}` : null,
    'to' in condition ? ` to ${literal(condition.to)}` : null);
}

const ACTIONS = { create: 'Created', update: 'Updated', rotate_secret: 'Secret rotated', delete: 'Deleted' };

/** One field of a version's changes: {from, to}, or a secret's bare "rotated". */
function changeText(change) {
  if (change === null || typeof change !== 'object') return String(change);
  if (change.from === null) return `set to ${literal(change.to)}`;
  if (change.to === null) return `removed (was ${literal(change.from)})`;
  return `from ${literal(change.from)} to ${literal(change.to)}`;
}

/** The webhook's versions, newest first, a page at a time. */
function historySection(id) {
  const list = h('ol', { class: 'versions' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => act(() => load(true)) },
    'Load older changes');
  let cursor = null;

  async function load(further) {
    more.disabled = true;
    try {
      const { data } = await call('GET', `${webhookPath(id)}/versions${query({ limit: 10, cursor })}`);
      cursor = data.next_cursor;
      const items = data.data.map((version) => h('li', { class: 'version' },
        h('h3', { tabindex: '-1' }, `Version ${version.version}: ${ACTIONS[version.action] ?? version.action}`),
        h('p', { class: 'hint' }, when(version.changed_at), ' with API key ', h('code', {}, version.api_key_id)),
        h('ul', { class: 'plain' }, Object.entries(version.changes).map(([name, change]) => h('li', {},
          h('code', {}, name), `: ${changeText(change)}`)))));
      list.append(...items);
      more.hidden = !cursor;
      // Reading on: focus the first entry loaded, as the button may be gone.
      if (further && items.length) items[0].querySelector('h3').focus();
    } finally {
      more.disabled = false;
    }
  }

  const section = h('section', { 'aria-labelledby': 'history-title' }, h('h2', { id: 'history-title' }, 'History'),
    h('p', { class: 'hint' }, 'Every change to this webhook, newest first, and the API key that made it.'),
    list, h('div', { class: 'actions' }, more));
  return { section, load };
}

async function webhookView(id) {
  const [{ data: webhook, etag }, types] = await Promise.all([call('GET', webhookPath(id)), eventTypes()]);
  const here = `#/webhooks/${encodeURIComponent(id)}`;
  const typeByName = new Map(types.data.map((type) => [type.type, type]));
  const derived = new Map(types.derived.map((type) => [type.type, type]));
  const related = webhook.events.flatMap((type) => (typeByName.get(type)?.propagated_from ?? [])
    .map((source) => `${source}.${type.split('.')[1]}`));
  const deliveries = deliveriesSection(id);
  const chart = chartSection(id);
  const history = historySection(id);

  const actions = canWrite() ? h('div', { class: 'actions toolbar' },
    h('a', { class: 'button secondary', href: `${here}/edit` }, 'Edit'),
    h('button', { type: 'button', class: 'secondary', onclick: async () => {
      const done = await act(() => call('PATCH', webhookPath(id), { body: { active: !webhook.active },
        headers: { 'If-Match': etag } }));
      if (done) navigate(here, webhook.active ? 'Webhook disabled: no deliveries until you enable it.' : 'Webhook enabled.');
    } }, webhook.active ? 'Disable' : 'Enable'),
    h('button', { type: 'button', class: 'secondary', onclick: async () => {
      const queued = await act(() => call('POST', `${webhookPath(id)}/test`, { body: {} }),
        ({ data }) => `Test ping ${data.delivery_id} queued.`);
      if (queued) await deliveries.watch(queued.data.delivery_id, chart.load);
    } }, 'Send test ping'),
    h('button', { type: 'button', class: 'secondary', onclick: async () => {
      if (!await confirmDialog({ title: 'Rotate the signing secret?', confirmLabel: 'Rotate',
        text: 'A new secret signs every delivery from now on. The old one keeps signing too for 24 hours, so '
          + 'you can update your receiver without losing deliveries.' })) return;
      const rotated = await act(() => call('POST', `${webhookPath(id)}/secret/rotate`, { body: {}, headers: { 'If-Match': etag } }));
      if (rotated) {
        show(secretPanel({ title: 'New signing secret', secret: rotated.data.secret, doneLabel: 'Done: back to the webhook',
          onDone: () => navigate(here, 'Secret rotated.') }));
      }
    } }, 'Rotate secret'),
    h('button', { type: 'button', class: 'danger', onclick: async () => {
      if (!await confirmDialog({ title: `Delete "${webhook.name}"?`, confirmLabel: 'Delete', danger: true,
        text: 'It stops receiving deliveries at once, and it cannot be undone.' })) return;
      const deleted = await act(() => call('DELETE', webhookPath(id), { headers: { 'If-Match': etag } }));
      if (deleted) navigate('#/webhooks', `Webhook "${webhook.name}" deleted.`);
    } }, 'Delete')) : null;

  const view = h('section', {},
    h('p', { class: 'crumbs' }, h('a', { href: '#/webhooks' }, 'Webhooks')),
    heading(webhook.name),
    h('p', { class: 'url' }, webhook.url),
    h('p', { class: 'badges' }, webhook.active ? badge('Active', 'ok') : badge('Inactive', 'muted'), ' ', circuit(webhook)),
    actions,
    describe([
      ['Events', webhook.events.map((type) => (derived.has(type) ? `${type} (${derived.get(type).description})` : type))
        .join(', ')],
      webhook.change_filter ? ['Change filter', h('div', {},
        h('p', { class: 'hint' }, 'Updates get through when they changed any of:'),
        h('ul', { class: 'plain' }, webhook.change_filter.map(conditionText)))] : null,
      ['Triggered by related resources', webhook.triggered_by_child_resources
        ? `Yes${related.length ? `: also ${related.join(', ')}` : ''}` : 'No'],
      webhook.identifier ? ['Identifier', webhook.identifier] : null,
      ['Retries', String(webhook.retries)],
      ['Method', webhook.method_type],
      webhook.rate_limit ? ['Rate limit', `${webhook.rate_limit} per second`] : null,
      webhook.include_resources.length ? ['Embeds', webhook.include_resources.join(', ')] : null,
      webhook.description ? ['Description', webhook.description] : null,
      webhook.reference || webhook.reference_origin ? ['Reference', referenceText(webhook)] : null,
      Object.keys(webhook.metadata).length ? ['Metadata', h('ul', { class: 'plain' },
        Object.entries(webhook.metadata).map(([key, value]) => h('li', {}, h('code', {}, key), ': ', value)))] : null,
      webhook.disabled_reason ? ['Circuit opened because', webhook.disabled_reason] : null,
      webhook.circuit_next_probe_at ? ['Next probe', when(webhook.circuit_next_probe_at)] : null,
      ['Last delivery', lastDelivery(webhook)],
      ['Created', when(webhook.created_at)],
      ['Updated', when(webhook.updated_at)],
      ['Id', h('code', {}, webhook.id)],
    ]),
    chart.section,
    deliveries.section,
    canWrite() ? recoverSection(id) : null,
    verifySection(id),
    history.section);
  await Promise.all([deliveries.load(0), history.load(false)]);
  return view;
}

// ------------------------------------------------------------------ one delivery

async function deliveryView(id, deliveryId) {
  const path = `${webhookPath(id)}/deliveries/${encodeURIComponent(deliveryId)}`;
  const [{ data: webhook }, { data: delivery }] = await Promise.all([call('GET', webhookPath(id)), call('GET', path)]);
  const here = `#/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(deliveryId)}`;
  const retry = canWrite() && !['queued', 'retrying'].includes(delivery.status)
    ? h('div', { class: 'actions toolbar' }, h('button', { type: 'button', class: 'primary', onclick: async () => {
      const queued = await act(() => call('POST', `${path}/retry`, { body: {} }), () => 'Retry queued.');
      if (!queued) return;
      const mine = generation;
      for (let i = 0; i < 30 && mine === generation; i += 1) {
        await new Promise((resolve) => { setTimeout(resolve, 1000); });
        const { data } = await call('GET', path);
        if (mine !== generation) return;
        if (FINAL.has(data.status) && data.attempts > delivery.attempts) {
          navigate(here, `Retried: ${data.status}.`);
          return;
        }
      }
    } }, 'Retry this delivery')) : null;
  return h('section', {},
    h('p', { class: 'crumbs' }, h('a', { href: '#/webhooks' }, 'Webhooks'), ' / ',
      h('a', { href: `#/webhooks/${encodeURIComponent(id)}` }, webhook.name)),
    heading('Delivery ', h('code', {}, delivery.id)),
    h('p', { class: 'badges' }, badge(delivery.status, delivery.status)),
    retry,
    describe([
      ['Event', delivery.event_type],
      ['Event id', h('code', {}, delivery.event_id)],
      ['Attempts', String(delivery.attempts)],
      ['Created', when(delivery.created_at)],
      ['Updated', when(delivery.updated_at)],
      delivery.next_attempt_at ? ['Next attempt', when(delivery.next_attempt_at)] : null,
      delivery.last_error ? ['Last error', delivery.last_error] : null,
    ]),
    h('h2', {}, 'Attempts'),
    delivery.attempt_log.length === 0 ? h('p', { class: 'empty' }, 'No attempt yet.') : h('ol', { class: 'attempts' },
      delivery.attempt_log.map((attempt) => h('li', { class: 'attempt' },
        h('h3', {}, `Attempt ${attempt.attempt}`, ' ',
          badge(attempt.status_code === null ? (attempt.error_class ?? 'error') : `HTTP ${attempt.status_code}`,
            attempt.status_code >= 200 && attempt.status_code < 300 ? 'succeeded' : 'failed')),
        describe([
          ['At', when(attempt.at)],
          ['Latency', `${attempt.latency_ms} ms`],
          attempt.error_class ? ['Error', attempt.error_class] : null,
        ]),
        attempt.response_snippet ? h('details', {}, h('summary', {}, 'Response'),
          h('pre', { class: 'snippet' }, attempt.response_snippet)) : null))));
}

// ------------------------------------------------------------------ routing

const ROUTES = [
  [/^#\/webhooks\/new$/, createView],
  [/^#\/webhooks\/([^/?]+)\/edit$/, editView],
  [/^#\/webhooks\/([^/?]+)\/deliveries\/([^/?]+)$/, deliveryView],
  [/^#\/webhooks\/([^/?]+)$/, webhookView],
  [/^(?:#\/webhooks|#\/?|)(?:\?(.*))?$/, listView],
];

function show(node) {
  main.replaceChildren(node);
  const title = main.querySelector('h1');
  document.title = title ? `${title.textContent} · Hookline` : 'Hookline';
  title?.focus();
}

function signedOut() {
  session.signOut();
  renderAccount();
  show(signInView('This key is no longer accepted: sign in again.'));
}

function errorView(error) {
  return h('section', {}, heading(error.status === 404 ? 'Not found' : 'Something went wrong'),
    h('p', {}, error.status === 404 ? 'This webhook or delivery does not exist, or it was deleted.' : error.message),
    h('a', { href: '#/webhooks' }, 'Back to the webhooks'));
}

async function render() {
  generation += 1;
  const mine = generation;
  // A notice belongs to the view it leads to: it shows once that view does.
  const message = notice ?? '';
  notice = null;
  status.textContent = '';
  renderAccount();
  if (!session.key()) {
    show(signInView());
    status.textContent = message;
    return;
  }
  const route = ROUTES.find(([pattern]) => pattern.test(location.hash));
  const match = route ? location.hash.match(route[0]) : null;
  try {
    const node = route ? await route[1](...match.slice(1).map((part) => (part === undefined ? part : decodeURIComponent(part))))
      : errorView(new ApiError(404, null));
    if (mine === generation) {
      show(node);
      status.textContent = message;
    }
  } catch (error) {
    if (mine !== generation) return;
    if (error.status === 401) signedOut();
    else show(errorView(error));
  }
}

window.addEventListener('hashchange', render);
render();
