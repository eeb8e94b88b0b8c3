// Builds DOM nodes. Strings always become text nodes and attribute values go through setAttribute, so a name such
// as <img src=x onerror=alert(1)> shows as those characters: nothing here parses HTML.

const PROPERTIES = new Set(['value', 'checked', 'selected', 'disabled', 'readOnly', 'required', 'multiple', 'open']);
const SVG = 'http://www.w3.org/2000/svg';

function build(element, props, children) {
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (PROPERTIES.has(name)) element[name] = value;
    else element.setAttribute(name === 'className' ? 'class' : name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** An HTML element: h('p', {class: 'x'}, 'text', h('b', {}, name)). */
export function h(tag, props, ...children) {
  return build(document.createElement(tag), props, children);
}

/** An SVG element, for the charts. */
export function s(tag, props, ...children) {
  return build(document.createElementNS(SVG, tag), props, children);
}

let ids = 0;
/** A document-unique id, for label/for and aria-describedby pairs. */
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A labelled control with a hint and an error slot; the control is described by both. */
export function field(label, control, hint) {
  const id = control.id || uid('f');
  control.id = id;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const hintNode = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  control.setAttribute('aria-describedby', [hintNode && hintNode.id, error.id].filter(Boolean).join(' '));
  const wrapper = h('div', { class: 'field' }, h('label', { for: id }, label), hintNode, control, error);
  return { wrapper, control, error };
}

/** Shows or clears a field's error next to it. */
export function setError(slot, message) {
  slot.error.textContent = message ?? '';
  slot.error.hidden = !message;
  if (message) slot.control.setAttribute('aria-invalid', 'true');
  else slot.control.removeAttribute('aria-invalid');
}

export function when(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return h('time', { datetime: iso, title: iso },
    date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }));
}

/** A select's options: [[value, label], ...]. */
export function options(list, selected) {
  return list.map(([value, label]) => h('option', { value, selected: value === selected }, label));
}
