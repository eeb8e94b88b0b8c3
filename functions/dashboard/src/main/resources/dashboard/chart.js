// Delivery outcomes per hour over the last 24 hours, and the last attempt's latency, drawn as inline SVG from the
// delivery log itself (newest first, 100 a page). A busy webhook is read up to MAX_PAGES pages; the chart then
// says it covers only the newest deliveries.

import { call, query, webhookPath } from './api.js';
import { h, s } from './dom.js';

const HOURS = 24;
const HOUR = 3600 * 1000;
const MAX_PAGES = 10;
const GROUPS = [
  ['succeeded', 'Succeeded', ['succeeded']],
  ['failed', 'Failed', ['failed', 'aborted']],
  ['pending', 'Retrying or waiting', ['retrying', 'queued', 'parked']],
];

/** Buckets the last 24 hours of a webhook's deliveries: [{start, succeeded, failed, pending, latencies}]. */
export async function outcomes(id, now = Date.now()) {
  const first = Math.floor(now / HOUR) * HOUR - (HOURS - 1) * HOUR;
  const buckets = Array.from({ length: HOURS }, (_, i) => ({
    start: first + i * HOUR, succeeded: 0, failed: 0, pending: 0, latencies: [],
  }));
  let cursor = null;
  let pages = 0;
  let complete = false;
  while (!complete && pages < MAX_PAGES) {
    const { data } = await call('GET', `${webhookPath(id)}/deliveries${query({ limit: 100, cursor })}`);
    pages += 1;
    for (const delivery of data.data) {
      const at = Date.parse(delivery.created_at);
      if (at < first) {
        complete = true;
        break;
      }
      const bucket = buckets[Math.min(HOURS - 1, Math.floor((at - first) / HOUR))];
      const group = GROUPS.find(([, , statuses]) => statuses.includes(delivery.status));
      if (group) bucket[group[0]] += 1;
      if (Number.isInteger(delivery.last_latency_ms)) bucket.latencies.push(delivery.last_latency_ms);
    }
    cursor = data.next_cursor;
    if (!cursor) complete = true;
  }
  return { buckets, complete };
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : null;
}

function niceMax(value) {
  if (value <= 4) return 4;
  const power = 10 ** Math.floor(Math.log10(value));
  // Even, so the middle grid line falls on a whole number.
  return [1, 2, 4, 6, 8, 10].map((step) => step * power).find((candidate) => candidate >= value && candidate % 2 === 0);
}

const hourLabel = (time) => new Date(time).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

const W = 720;
const PAD = { left: 72, right: 12, top: 12, bottom: 28 };

function axes(height, max, unit) {
  const plot = height - PAD.top - PAD.bottom;
  const nodes = [];
  for (const fraction of [0, 0.5, 1]) {
    const y = PAD.top + plot * (1 - fraction);
    nodes.push(s('line', { class: 'grid', x1: PAD.left, x2: W - PAD.right, y1: y, y2: y }));
    nodes.push(s('text', { class: 'tick', x: PAD.left - 6, y: y + 4, 'text-anchor': 'end' },
      `${Math.round(max * fraction)}${unit}`));
  }
  return nodes;
}

function xLabels(buckets, height) {
  const step = (W - PAD.left - PAD.right) / HOURS;
  return buckets.map((bucket, i) => (i % 6 === 0 || i === HOURS - 1
    ? s('text', { class: 'tick', x: PAD.left + step * (i + 0.5), y: height - 8,
      'text-anchor': i === HOURS - 1 ? 'end' : 'middle' },
      hourLabel(bucket.start))
    : null));
}

function outcomeSvg(buckets) {
  const height = 200;
  const max = niceMax(Math.max(...buckets.map((b) => b.succeeded + b.failed + b.pending)));
  const plot = height - PAD.top - PAD.bottom;
  const step = (W - PAD.left - PAD.right) / HOURS;
  const bars = buckets.map((bucket, i) => {
    let y = PAD.top + plot;
    const parts = GROUPS.map(([key]) => {
      const size = (bucket[key] / max) * plot;
      y -= size;
      return size > 0 ? s('rect', {
        class: `bar ${key}`, x: PAD.left + step * i + 2, y, width: step - 4, height: size,
      }) : null;
    });
    const total = bucket.succeeded + bucket.failed + bucket.pending;
    return s('g', {}, s('title', {}, `${hourLabel(bucket.start)}: ${total} deliveries, ${bucket.succeeded} succeeded, `
      + `${bucket.failed} failed, ${bucket.pending} retrying or waiting`), parts);
  });
  return s('svg', { viewBox: `0 0 ${W} ${height}`, class: 'chart', role: 'img',
    'aria-label': 'Delivery outcomes per hour over the last 24 hours' },
  axes(height, max, ''), bars, xLabels(buckets, height));
}

function latencySvg(buckets) {
  const height = 160;
  const stats = buckets.map((bucket) => {
    const sorted = [...bucket.latencies].sort((a, b) => a - b);
    return { median: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) };
  });
  const max = niceMax(Math.max(1, ...stats.map((stat) => stat.p95 ?? 0)));
  const plot = height - PAD.top - PAD.bottom;
  const step = (W - PAD.left - PAD.right) / HOURS;
  const x = (i) => PAD.left + step * (i + 0.5);
  const y = (ms) => PAD.top + plot * (1 - ms / max);
  const series = (key) => {
    const points = stats.map((stat, i) => (stat[key] === null ? null : [x(i), y(stat[key]), i]))
      .filter(Boolean);
    return s('g', { class: `series ${key}` },
      points.length > 1
        ? s('polyline', { points: points.map(([px, py]) => `${px},${py}`).join(' ') }) : null,
      points.map(([px, py, i]) => s('circle', { cx: px, cy: py, r: 3 },
        s('title', {}, `${hourLabel(buckets[i].start)}: ${key === 'median' ? 'median' : '95th percentile'} `
          + `${stats[i][key]} ms`))));
  };
  return s('svg', { viewBox: `0 0 ${W} ${height}`, class: 'chart', role: 'img',
    'aria-label': 'Latency of the last attempt per hour: median and 95th percentile, in milliseconds' },
  axes(height, max, ' ms'), series('p95'), series('median'), xLabels(buckets, height));
}

function legend(items) {
  return h('ul', { class: 'legend' }, items.map(([key, label]) => h('li', {},
    h('span', { class: `swatch ${key}`, 'aria-hidden': 'true' }), label)));
}

function table(buckets) {
  return h('details', {}, h('summary', {}, 'Show as a table'),
    h('div', { class: 'scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Hour', 'Succeeded', 'Failed', 'Retrying or waiting', 'Median latency']
        .map((title) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, buckets.map((bucket) => {
        const sorted = [...bucket.latencies].sort((a, b) => a - b);
        const median = percentile(sorted, 0.5);
        return h('tr', {}, h('th', { scope: 'row' }, hourLabel(bucket.start)), h('td', {}, bucket.succeeded),
          h('td', {}, bucket.failed), h('td', {}, bucket.pending), h('td', {}, median === null ? '—' : `${median} ms`));
      })))));
}

/** The chart section for a webhook's outcomes. */
export function outcomeFigure({ buckets, complete }) {
  const totals = GROUPS.map(([key, label]) => [label, buckets.reduce((sum, bucket) => sum + bucket[key], 0)]);
  const summary = totals.map(([label, count]) => `${count} ${label.toLowerCase()}`).join(', ');
  return h('figure', { class: 'figure' },
    h('figcaption', {}, `Last 24 hours: ${summary}`,
      complete ? null : ` (only the newest ${MAX_PAGES * 100} deliveries)`),
    legend(GROUPS.map(([key, label]) => [key, label])),
    outcomeSvg(buckets),
    h('h3', {}, 'Latency of the last attempt'),
    legend([['median', 'Median'], ['p95', '95th percentile']]),
    latencySvg(buckets),
    table(buckets));
}
