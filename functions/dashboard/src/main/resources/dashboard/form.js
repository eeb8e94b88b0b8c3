// The create and edit form. Create follows the seed's flow (Name, Destination URL, a resource and a trigger in
// dropdowns, Create) and offers the rest of the API's fields. The dropdowns come from GET /v1/event-types: a
// resource's trigger list holds only the pairs the catalogue allows, and its derived types (named updates such as
// sold_out) with their meaning. Errors the API names a field for appear next to that field.

import { h, field, setError, options, uid } from './dom.js';

const DEFAULT_RETRIES = 7;

/**
 * Field errors by their place in the form: 'events[2]' is the third event row, 'metadata.team' the metadata,
 * 'change_filter[1].to' the second condition's To ('change_filter[1]' itself, say a duplicate, its Field).
 */
function slotName(name) {
  if (/^events\[\d+]$/.test(name)) return name;
  const condition = name.match(/^change_filter\[(\d+)](?:\.(from|to))?/);
  if (condition) return `change_filter[${condition[1]}].${condition[2] ?? 'field'}`;
  if (name.startsWith('metadata')) return 'metadata';
  if (name.startsWith('include_resources')) return 'include_resources';
  return name;
}

/**
 * A condition's from/to as typed: a JSON string, number, boolean or null reads as that value (10 is a number,
 * "10" text), anything else as text, so sold_out needs no quotes. The API tells 10 from "10".
 */
function parseValue(text) {
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value === 'string' || typeof value === 'boolean' || Number.isFinite(value)) return value;
  } catch {
    // Not JSON: the text itself.
  }
  return text;
}

/** The inverse of parseValue: text unquoted unless it would read as something else (or as no value at all). */
function valueText(value) {
  return typeof value === 'string' && value !== '' && parseValue(value) === value ? value : JSON.stringify(value);
}

export function webhookForm({ catalog, webhook, submitLabel, onSubmit, cancelHref }) {
  const editing = Boolean(webhook);
  const slots = new Map();
  const resources = catalog.resources.map((r) => r.resource);
  const triggersOf = (resource) => [...catalog.data, ...catalog.derived].filter((type) => type.resource === resource);
  const typeByName = new Map(catalog.data.map((type) => [type.type, type]));
  const derivedByName = new Map(catalog.derived.map((type) => [type.type, type]));

  const summary = h('div', { class: 'form-errors', role: 'alert', tabindex: '-1', hidden: true });

  // ---- name and destination
  const name = field('Name', h('input', { name: 'name', type: 'text', autocomplete: 'off', value: webhook?.name ?? '' }),
    'A descriptive name of the webhook.');
  const url = field('Destination URL', h('input', {
    name: 'url', type: 'text', inputmode: 'url', autocomplete: 'off', spellcheck: 'false', value: webhook?.url ?? '',
  }), 'The URL that will receive the POST requests.');
  slots.set('name', name);
  slots.set('url', url);

  // ---- events: one resource/trigger row each
  const rowsList = h('div', { class: 'event-rows' });
  const eventsError = h('p', { class: 'field-error', id: uid('events-error'), hidden: true });
  const rows = [];

  function renumber() {
    rows.forEach((row, i) => {
      row.resourceLabel.textContent = i === 0 ? 'Resource' : `Resource of event ${i + 1}`;
      row.triggerLabel.textContent = i === 0 ? 'Trigger' : `Trigger of event ${i + 1}`;
      if (row.remove) row.remove.setAttribute('aria-label', `Remove event ${i + 1}`);
      slots.set(`events[${i}]`, row.slot);
    });
    for (const key of [...slots.keys()]) {
      if (/^events\[(\d+)]$/.test(key) && Number(key.match(/\d+/)[0]) >= rows.length) slots.delete(key);
    }
  }

  function triggerLabel(type) {
    if (type.base) return `${type.trigger} — ${type.description}`;
    return type.emitted_by_resource ? type.trigger : `${type.trigger} (from related resources)`;
  }

  function fillTriggers(row, selected) {
    const resource = row.resource.value;
    const list = resource ? triggersOf(resource) : [];
    row.trigger.replaceChildren(...options([['', resource ? 'Choose a trigger' : 'Choose a resource first'],
      ...list.map((type) => [type.trigger, triggerLabel(type)])],
    selected));
    row.trigger.disabled = !resource;
    describeTrigger(row);
  }

  /** A derived type's meaning in full under its row: the closed dropdown may cut it short. */
  function describeTrigger(row) {
    const type = derivedByName.get(`${row.resource.value}.${row.trigger.value}`);
    row.meaning.textContent = type ? `${type.type}: ${type.description}` : '';
    row.meaning.hidden = !type;
  }

  function addRow(type) {
    const [resourceValue, triggerValue] = type ? type.split('.') : ['', ''];
    const resourceId = uid('resource');
    const triggerId = uid('trigger');
    const error = h('p', { class: 'field-error', id: `${resourceId}-error`, hidden: true });
    const meaning = h('p', { class: 'hint', id: `${triggerId}-meaning`, hidden: true });
    const row = {
      meaning,
      resourceLabel: h('label', { for: resourceId }),
      triggerLabel: h('label', { for: triggerId }),
      resource: h('select', { id: resourceId, name: 'resource', 'aria-describedby': error.id },
        options([['', 'Choose a resource'], ...resources.map((r) => [r, r])], resourceValue)),
      trigger: h('select', { id: triggerId, name: 'trigger', 'aria-describedby': `${meaning.id} ${error.id}` }),
    };
    row.slot = { control: row.resource, error };
    fillTriggers(row, triggerValue);
    row.resource.addEventListener('change', () => {
      fillTriggers(row, '');
      refreshRelated();
    });
    row.trigger.addEventListener('change', () => {
      describeTrigger(row);
      refreshRelated();
    });
    if (rows.length > 0) {
      row.remove = h('button', { type: 'button', class: 'link', onclick: () => {
        rows.splice(rows.indexOf(row), 1);
        row.node.remove();
        renumber();
        refreshRelated();
        addButton.focus();
      } }, 'Remove');
    }
    row.node = h('div', { class: 'event-row' },
      h('div', { class: 'field' }, row.resourceLabel, row.resource),
      h('div', { class: 'field' }, row.triggerLabel, row.trigger),
      row.remove ?? null, meaning, error);
    rows.push(row);
    rowsList.append(row.node);
    renumber();
    return row;
  }

  const addButton = h('button', { type: 'button', class: 'secondary', onclick: () => {
    addRow().resource.focus();
    refreshRelated();
  } }, 'Add another event');

  const chosenTypes = () => rows.filter((row) => row.resource.value && row.trigger.value)
    .map((row) => `${row.resource.value}.${row.trigger.value}`);

  // ---- change filter: conditions on what an update changed, any one of which lets it through
  const conditionRows = h('div', { class: 'condition-rows' });
  const conditions = [];
  const filterScope = h('p', { class: 'hint', 'aria-live': 'polite' });
  const filterError = h('p', { class: 'field-error', hidden: true });
  const addConditionButton = h('button', { type: 'button', class: 'secondary',
    onclick: () => addCondition({ field: '' }).field.control.focus() }, 'Add a condition');
  const filterField = h('fieldset', {},
    h('legend', {}, 'Change filter (optional)'),
    h('p', { class: 'hint' }, 'Only the updates that changed one of these fields, from and to these values where '
      + 'given (any one condition lets an update through). Leave From or To empty for any value. Values read as '
      + 'JSON: 10 is a number, "10" text, true, false and null themselves; anything else is text.'),
    filterScope, conditionRows, filterError, addConditionButton);
  slots.set('change_filter', { control: filterField, error: filterError });

  function renumberConditions() {
    conditions.forEach((condition, i) => {
      for (const [part, label] of [['field', 'Field'], ['from', 'From'], ['to', 'To']]) {
        condition[part].wrapper.querySelector('label').textContent = `${label} ${i + 1}`;
        slots.set(`change_filter[${i}].${part}`, condition[part]);
      }
      condition.remove.setAttribute('aria-label', `Remove condition ${i + 1}`);
    });
    for (const key of [...slots.keys()]) {
      if (/^change_filter\[(\d+)]/.test(key) && Number(key.match(/\d+/)[0]) >= conditions.length) slots.delete(key);
    }
  }

  function addCondition(condition) {
    const input = (name, value) => h('input', { type: 'text', name, autocomplete: 'off', spellcheck: 'false', value });
    const entry = {
      field: field('Field', input('change-field', condition.field)),
      from: field('From', input('change-from', 'from' in condition ? valueText(condition.from) : '')),
      to: field('To', input('change-to', 'to' in condition ? valueText(condition.to) : '')),
    };
    entry.remove = h('button', { type: 'button', class: 'link', onclick: () => {
      conditions.splice(conditions.indexOf(entry), 1);
      entry.node.remove();
      renumberConditions();
      addConditionButton.focus();
    } }, 'Remove');
    entry.node = h('div', { class: 'condition-row' }, entry.field.wrapper, entry.from.wrapper, entry.to.wrapper, entry.remove);
    conditions.push(entry);
    conditionRows.append(entry.node);
    renumberConditions();
    return entry;
  }
  (webhook?.change_filter ?? []).forEach(addCondition);

  // ---- triggered by related resources, with what it implies
  const related = h('input', { type: 'checkbox', name: 'triggered_by_child_resources',
    checked: webhook?.triggered_by_child_resources ?? false });
  const propagation = h('p', { class: 'hint', id: uid('propagation'), 'aria-live': 'polite' });
  related.setAttribute('aria-describedby', propagation.id);
  const relatedField = h('div', { class: 'field check' },
    h('label', {}, related, ' Triggered by related resources'), propagation);

  // ---- include related resources' data
  const includeList = h('div', { class: 'checks' });
  const includeField = h('fieldset', {},
    h('legend', {}, 'Embed related resources in each delivery'),
    h('p', { class: 'hint' }, 'Data the producer attached about these resources comes along in "included".'),
    includeList,
    h('p', { class: 'field-error', hidden: true }));
  const included = new Set(webhook?.include_resources ?? []);
  slots.set('include_resources', { control: includeField, error: includeField.lastChild });

  function refreshRelated() {
    const types = chosenTypes();
    const updates = types.filter((type) => type.endsWith('.update'));
    filterScope.textContent = updates.length
      ? `It narrows ${updates.join(', ')}; the other event types are not filtered.`
      : 'It applies to update event types (such as ticket.update) only: choose one to use a filter.';
    const sources = new Set();
    for (const type of types) (typeByName.get(type)?.propagated_from ?? []).forEach((source) => sources.add(`${source}.${type.split('.')[1]}`));
    propagation.textContent = types.length === 0
      ? 'Choose an event to see which related resources can trigger it.'
      : sources.size === 0
        ? 'No related resource propagates these triggers: the option changes nothing for them.'
        : `With this option the webhook also fires for: ${[...sources].sort().join(', ')}.`;
    for (const box of includeList.querySelectorAll('input')) {
      if (box.checked) included.add(box.value);
      else included.delete(box.value);
    }
    const relatable = new Set();
    for (const type of types) {
      const resource = catalog.resources.find((r) => r.resource === type.split('.')[0]);
      (resource?.related ?? []).forEach((r) => relatable.add(r));
    }
    includeList.replaceChildren(...[...relatable].sort().map((resource) => h('label', {},
      h('input', { type: 'checkbox', name: 'include_resources', value: resource, checked: included.has(resource) }),
      ` ${resource}`)));
    if (relatable.size === 0) includeList.append(h('p', { class: 'hint' }, 'Choose an event first.'));
  }

  // ---- the other fields
  const identifier = field('Identifier (optional)', h('input', { name: 'identifier', type: 'text', autocomplete: 'off',
    value: webhook?.identifier ?? '' }), 'Only events about the resource with this GUID.');
  const retries = field('Retries', h('input', { name: 'retries', type: 'number', min: 0, max: 10, step: 1,
    value: String(webhook?.retries ?? DEFAULT_RETRIES) }), 'Retries of a failed delivery, 0 to 10.');
  const secret = editing ? null : field('Custom signing secret (optional)', h('input', { name: 'secret', type: 'password',
    autocomplete: 'new-password' }), '32 to 256 printable characters, or whsec_…; leave empty for a generated one.');
  const description = field('Description (optional)', h('textarea', { name: 'description', rows: 2 },
    webhook?.description ?? ''));
  const active = h('input', { type: 'checkbox', name: 'active', checked: webhook?.active ?? true });
  const methodType = field('HTTP method', h('select', { name: 'method_type' },
    options([['POST', 'POST'], ['PUT', 'PUT']], webhook?.method_type ?? 'POST')));
  const rateLimit = field('Rate limit (optional)', h('input', { name: 'rate_limit', type: 'number', min: 1, max: 300,
    value: webhook?.rate_limit ?? '' }), 'Most deliveries per second, 1 to 300.');
  const reference = field('Reference (optional)', h('input', { name: 'reference', type: 'text', autocomplete: 'off',
    value: webhook?.reference ?? '' }), 'Your own string tying the webhook to a record elsewhere; the list filters on it.');
  const referenceOrigin = field('Reference origin (optional)', h('input', { name: 'reference_origin', type: 'text',
    autocomplete: 'off', value: webhook?.reference_origin ?? '' }), 'Where the reference comes from.');
  for (const [key, slot] of Object.entries({ identifier, retries, secret, description, method_type: methodType,
    rate_limit: rateLimit, reference, reference_origin: referenceOrigin })) {
    if (slot) slots.set(key, slot);
  }

  // ---- metadata: key/value rows
  const metadataRows = h('div', { class: 'metadata-rows' });
  const metadataError = h('p', { class: 'field-error', hidden: true });
  const metadataField = h('fieldset', {}, h('legend', {}, 'Metadata (optional)'), metadataRows,
    h('button', { type: 'button', class: 'secondary', onclick: () => addMetadata('', '').key.focus() }, 'Add metadata'),
    metadataError);
  slots.set('metadata', { control: metadataField, error: metadataError });
  function addMetadata(key, value) {
    const n = metadataRows.children.length + 1;
    const entry = {
      key: h('input', { type: 'text', name: 'metadata-key', autocomplete: 'off', value: key, id: uid('meta-key') }),
      value: h('input', { type: 'text', name: 'metadata-value', autocomplete: 'off', value, id: uid('meta-value') }),
    };
    const node = h('div', { class: 'metadata-row' },
      h('div', { class: 'field' }, h('label', { for: entry.key.id }, `Key ${n}`), entry.key),
      h('div', { class: 'field' }, h('label', { for: entry.value.id }, `Value ${n}`), entry.value),
      h('button', { type: 'button', class: 'link', 'aria-label': `Remove metadata ${n}`,
        onclick: () => node.remove() }, 'Remove'));
    metadataRows.append(node);
    return entry;
  }
  Object.entries(webhook?.metadata ?? {}).forEach(([key, value]) => addMetadata(key, value));

  // ---- the body the API gets
  function body() {
    const types = rows.map((row) => (row.resource.value && row.trigger.value
      ? `${row.resource.value}.${row.trigger.value}` : null));
    const result = { name: name.control.value, url: url.control.value };
    if (!editing && rows.length === 1) {
      // The seed's request: one resource and one trigger.
      if (rows[0].resource.value) result.resource = rows[0].resource.value;
      if (rows[0].trigger.value) result.trigger = rows[0].trigger.value;
    } else if (types.some(Boolean) || !editing) {
      result.events = types.map((type) => type ?? '');
    }
    result.change_filter = conditions.length === 0 ? null : conditions.map((condition) => {
      const parts = { field: condition.field.control.value };
      for (const part of ['from', 'to']) {
        if (condition[part].control.value !== '') parts[part] = parseValue(condition[part].control.value);
      }
      return parts;
    });
    result.triggered_by_child_resources = related.checked;
    result.include_resources = [...includeList.querySelectorAll('input:checked')].map((box) => box.value);
    result.identifier = identifier.control.value.trim();
    result.retries = retries.control.value === '' ? null : Number(retries.control.value);
    if (secret && secret.control.value) result.secret = secret.control.value;
    result.description = description.control.value === '' ? null : description.control.value;
    result.method_type = methodType.control.value;
    result.rate_limit = rateLimit.control.value === '' ? null : Number(rateLimit.control.value);
    result.reference = reference.control.value === '' ? null : reference.control.value;
    result.reference_origin = referenceOrigin.control.value === '' ? null : referenceOrigin.control.value;
    const metadata = {};
    for (const row of metadataRows.children) {
      const [key, value] = row.querySelectorAll('input');
      if (key.value || value.value) metadata[key.value] = value.value;
    }
    result.metadata = metadata;
    result.active = active.checked;
    if (editing) {
      // PATCH only what changed.
      for (const key of Object.keys(result)) {
        if (JSON.stringify(result[key]) === JSON.stringify(webhook[key] ?? null)) delete result[key];
      }
    } else {
      for (const key of ['identifier', 'description', 'rate_limit', 'change_filter', 'reference', 'reference_origin']) {
        if (!result[key]) delete result[key];
      }
      if (result.include_resources.length === 0) delete result.include_resources;
      if (Object.keys(result.metadata).length === 0) delete result.metadata;
    }
    return result;
  }

  function clearErrors() {
    summary.hidden = true;
    summary.replaceChildren();
    for (const slot of slots.values()) setError(slot, null);
    eventsError.hidden = true;
  }

  /** Shows the API's field errors at their fields and a summary on top; focuses the first one. */
  function showErrors(error) {
    clearErrors();
    const general = [];
    let placed = false;
    for (const fieldError of error.fields) {
      const key = slotName(fieldError.field);
      let slot = slots.get(key);
      if (!slot && ['resource', 'trigger', 'events'].includes(key)) slot = rows[0].slot;
      if (slot) {
        const folded = slot.control.closest('details');
        if (folded) folded.open = true;
        const shown = slot.error.hidden ? '' : `${slot.error.textContent} `;
        setError(slot, `${shown}${fieldError.message}`);
        placed = true;
      } else {
        general.push(`${fieldError.field}: ${fieldError.message}`);
      }
    }
    summary.append(h('p', {}, error.fields.length
      ? `The webhook was not saved: ${error.fields.length === 1 ? 'one field needs' : `${error.fields.length} fields need`} attention.`
      : error.message));
    if (general.length) summary.append(h('ul', {}, general.map((line) => h('li', {}, line))));
    summary.hidden = false;
    // The first field in error in reading order, whatever order the API listed them in.
    (placed ? form.querySelector('input[aria-invalid], select[aria-invalid], textarea[aria-invalid]') ?? summary : summary).focus();
  }

  const submit = h('button', { type: 'submit', class: 'primary' }, submitLabel);
  const form = h('form', { class: 'webhook-form', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    clearErrors();
    submit.disabled = true;
    try {
      await onSubmit(body());
    } catch (error) {
      showErrors(error.fields ? error : { fields: [], message: error.message });
    } finally {
      submit.disabled = false;
    }
  } },
  summary,
  name.wrapper, url.wrapper,
  h('fieldset', {}, h('legend', {}, 'Events'), rowsList, eventsError, addButton),
  filterField,
  relatedField,
  identifier.wrapper, retries.wrapper, secret?.wrapper,
  description.wrapper,
  h('div', { class: 'field check' }, h('label', {}, active, ' Active (deliver events)')),
  h('details', {}, h('summary', {}, 'More options'), methodType.wrapper, rateLimit.wrapper, includeField,
    reference.wrapper, referenceOrigin.wrapper, metadataField),
  h('div', { class: 'actions' }, submit, h('a', { class: 'button secondary', href: cancelHref }, 'Cancel')));

  (webhook?.events?.length ? webhook.events : [null]).forEach((type) => addRow(type));
  refreshRelated();
  return form;
}
