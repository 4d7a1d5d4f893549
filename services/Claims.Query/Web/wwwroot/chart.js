// The claim timeline: each independent origin's stated values over publication time, their bounds as bands (an open
// bound runs to the chart edge and fades, with an arrow), and the consensus as a step line.

import { s } from './dom.js';
import * as fmt from './format.js';

export const PALETTE = ['#2563eb', '#d97706', '#0d9488', '#9333ea', '#db2777', '#0284c7', '#65a30d', '#dc2626'];

const DAY = 86_400_000;
const MARGIN = { top: 28, right: 168, bottom: 46, left: 70 };
const HEIGHT = 340;
const BAND_WIDTH = 16;
const DODGE = 16;

let chartCount = 0;

/** Mentions grouped by independent origin, in order of first publication, each with its colour. */
export function originSeries(mentions) {
  const groups = new Map();
  for (const mention of mentions.filter((m) => !m.superseded)) {
    if (!groups.has(mention.origin)) groups.set(mention.origin, []);
    groups.get(mention.origin).push(mention);
  }
  return [...groups.entries()]
    .map(([origin, items]) => {
      items.sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt));
      return {
        origin,
        mentions: items,
        sources: [...new Set(items.map((m) => m.source))],
        disagrees: items.some((m) => m.agreesWithConsensus === false),
        first: Date.parse(items[0].publishedAt),
      };
    })
    .sort((a, b) => a.first - b.first || a.origin.localeCompare(b.origin))
    .map((series, index) => ({ ...series, color: PALETTE[index % PALETTE.length], index }));
}

/**
 * The consensus over publication time: at each publication date, the consensus of the latest version caused by an
 * article published by then (the same reading as ?asOf=...&by=published).
 */
export function consensusSteps(versions) {
  const changes = versions.filter((v) => v.kind === 'consensus-changed' && v.consensus && v.publishedAt);
  const times = [...new Set(changes.map((v) => Date.parse(v.publishedAt)))].sort((a, b) => a - b);
  const steps = [];
  for (const time of times) {
    const standing = changes.filter((v) => Date.parse(v.publishedAt) <= time).reduce((a, b) => (b.version > a.version ? b : a));
    if (steps.length === 0 || steps[steps.length - 1].value !== standing.consensus.value) {
      steps.push({ time, value: standing.consensus.value, consensus: standing.consensus });
    }
  }
  return steps;
}

function niceStep(span, count) {
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  const nice = normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10;
  return nice * magnitude;
}

function valueDomain(series, steps, consensus) {
  const values = [];
  for (const { mentions } of series) {
    for (const m of mentions) values.push(m.value, m.lower, m.upper);
  }
  for (const step of steps) values.push(step.value);
  if (consensus) values.push(consensus.value);
  const finite = values.filter((v) => v !== null && v !== undefined && Number.isFinite(Number(v))).map(Number);
  let low = Math.min(...finite);
  let high = Math.max(...finite);
  // At least 5% of the figure either side, so a single figure is not zoomed into its rounding.
  const pad = Math.max((high - low) * 0.18, Math.abs((high + low) / 2) * 0.05) || 1;
  low -= pad;
  high += pad;
  const step = niceStep(high - low, 5);
  low = Math.floor(low / step) * step;
  high = Math.ceil(high / step) * step;
  if (low < 0 && finite.every((v) => v >= 0)) low = 0;
  const ticks = [];
  for (let v = low; v <= high + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { low, high, ticks };
}

const TICK_INTERVALS = [
  { days: 1 }, { days: 2 }, { days: 7 }, { days: 14 }, { months: 1 }, { months: 3 }, { months: 6 }, { months: 12 },
];

function timeTicks(start, end) {
  for (const interval of TICK_INTERVALS) {
    const ticks = [];
    if (interval.days) {
      const first = new Date(start);
      first.setUTCHours(0, 0, 0, 0);
      if (interval.days === 7 || interval.days === 14) {
        // Weeks start on Mondays.
        first.setUTCDate(first.getUTCDate() + ((8 - first.getUTCDay()) % 7));
      }
      for (let t = first.getTime(); t <= end; t += interval.days * DAY) if (t >= start) ticks.push(t);
    } else {
      const cursor = new Date(Date.UTC(new Date(start).getUTCFullYear(), 0, 1));
      while (cursor.getTime() <= end) {
        if (cursor.getTime() >= start && cursor.getUTCMonth() % interval.months === 0) ticks.push(cursor.getTime());
        cursor.setUTCMonth(cursor.getUTCMonth() + 1);
      }
    }
    if (ticks.length <= 7) return { ticks, label: interval.days ? fmt.day : (interval.months === 12 ? (t) => String(new Date(t).getUTCFullYear()) : fmt.month) };
  }
  return { ticks: [], label: fmt.month };
}

function timeDomain(series, steps) {
  const times = series.flatMap((x) => x.mentions.map((m) => Date.parse(m.publishedAt))).concat(steps.map((x) => x.time));
  let start = Math.min(...times);
  let end = Math.max(...times);
  const minimum = 28 * DAY;
  if (end - start < minimum) {
    const middle = (start + end) / 2;
    start = middle - minimum / 2;
    end = middle + minimum / 2;
  }
  const pad = (end - start) * 0.08;
  return { start: start - pad, end: end + pad };
}

/** Offsets points that would sit on top of each other (two origins, same day, same figure) side by side. */
function dodge(series) {
  const groups = new Map();
  for (const x of series) {
    for (const m of x.mentions) {
      const key = `${Date.parse(m.publishedAt)}|${m.value}|${m.qualifier}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(m);
    }
  }
  const offsets = new Map();
  for (const group of groups.values()) {
    group.forEach((m, i) => offsets.set(m.mentionId, (i - (group.length - 1) / 2) * DODGE));
  }
  return offsets;
}

/**
 * The timeline as an SVG element. claim: a ClaimDetail; versions: its history (for the consensus line); width: pixels.
 */
export function timeline(claim, versions, width) {
  const id = `chart${++chartCount}`;
  const series = originSeries(claim.mentions);
  const steps = consensusSteps(versions);
  if (steps.length === 0 && claim.consensus) {
    steps.push({ time: Math.min(...claim.mentions.map((m) => Date.parse(m.publishedAt))), value: claim.consensus.value, consensus: claim.consensus });
  }
  const unit = claim.unit;
  const w = Math.max(520, Math.round(width));
  const plot = { left: MARGIN.left, right: w - MARGIN.right, top: MARGIN.top, bottom: HEIGHT - MARGIN.bottom };
  const values = valueDomain(series, steps, claim.consensus);
  const times = timeDomain(series, steps);
  const x = (t) => plot.left + ((t - times.start) / (times.end - times.start)) * (plot.right - plot.left);
  const y = (v) => plot.bottom - ((Number(v) - values.low) / (values.high - values.low)) * (plot.bottom - plot.top);
  const offsets = dodge(series);

  const svg = s('svg', {
    class: 'timeline', width: w, height: HEIGHT, viewBox: `0 0 ${w} ${HEIGHT}`, role: 'img',
    'aria-label': `${fmt.metric(claim.metric)}: values stated by ${series.length} independent origins over publication time, with the consensus`,
  });
  const defs = s('defs');
  svg.append(defs);
  for (const x0 of series) {
    for (const [direction, y1, y2] of [['up', '1', '0'], ['down', '0', '1']]) {
      defs.append(s('linearGradient', { id: `${id}-${x0.index}-${direction}`, x1: '0', y1, x2: '0', y2 },
        s('stop', { offset: '0', 'stop-color': x0.color, 'stop-opacity': '0.38' }),
        s('stop', { offset: '1', 'stop-color': x0.color, 'stop-opacity': '0' })));
    }
  }

  // Grid and axes.
  const grid = s('g', { class: 'grid' });
  for (const v of values.ticks) {
    grid.append(
      s('line', { x1: plot.left, x2: plot.right, y1: y(v), y2: y(v) }),
      s('text', { class: 'tick', x: plot.left - 10, y: y(v), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, fmt.compact(v, unit)));
  }
  const xAxis = timeTicks(times.start, times.end);
  for (const t of xAxis.ticks) {
    grid.append(
      s('line', { class: 'x', x1: x(t), x2: x(t), y1: plot.bottom, y2: plot.bottom + 5 }),
      s('text', { class: 'tick', x: x(t), y: plot.bottom + 20, 'text-anchor': 'middle' }, xAxis.label(t)));
  }
  grid.append(
    s('line', { class: 'axis', x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom }),
    s('text', { class: 'axis-title', x: plot.left, y: HEIGHT - 6 }, 'Publication date'),
    s('text', { class: 'unit-title', x: plot.left - 10, y: 14, 'text-anchor': 'end' }, fmt.unitName(unit)));
  svg.append(grid);

  // The consensus first, so the origins' points sit on top of it: a step line from the first decision to the right edge.
  if (steps.length > 0) {
    let d = `M${Math.max(plot.left, x(steps[0].time))},${y(steps[0].value)}`;
    for (const step of steps.slice(1)) d += ` H${x(step.time)} V${y(step.value)}`;
    d += ` H${plot.right}`;
    const last = steps[steps.length - 1];
    const current = claim.consensus ?? last.consensus;
    svg.append(s('g', { class: 'consensus' },
      s('path', { class: 'consensus-line', d }),
      s('circle', { class: 'consensus-end', cx: plot.right, cy: y(current.value), r: 3.5 }),
      s('text', { class: 'consensus-label', x: plot.right + 10, y: y(current.value) - 8 }, 'Consensus'),
      s('text', { class: 'consensus-value', x: plot.right + 10, y: y(current.value) + 9 }, fmt.amount(current.value, unit))));
  }
  // One group per origin: bands, the line between its points, the points.
  for (const x0 of series) {
    const group = s('g', { class: 'series', 'data-origin': x0.origin, 'data-sources': x0.sources.join(', ') });
    const points = x0.mentions.map((m) => ({ m, px: x(Date.parse(m.publishedAt)) + (offsets.get(m.mentionId) ?? 0) }));
    for (const { m, px } of points) {
      const [low, high] = interval(m);
      const top = high === null ? plot.top : y(high);
      const bottom = low === null ? plot.bottom : y(low);
      const minHeight = 6;
      const height = Math.max(minHeight, bottom - top);
      const bandTop = high === null ? top : Math.min(top, (top + bottom) / 2 - minHeight / 2);
      const open = high === null ? 'up' : low === null ? 'down' : null;
      group.append(s('rect', {
        class: open ? 'band open' : 'band', x: px - BAND_WIDTH / 2, y: bandTop, width: BAND_WIDTH, height, rx: 3,
        fill: open ? `url(#${id}-${x0.index}-${open})` : x0.color,
        'fill-opacity': open ? null : '0.22',
      }));
      if (open === 'up') {
        group.append(s('path', { class: 'arrow', d: `M${px - 6},${plot.top + 8} L${px},${plot.top} L${px + 6},${plot.top + 8}`, stroke: x0.color }));
      } else if (open === 'down') {
        group.append(s('path', { class: 'arrow', d: `M${px - 6},${plot.bottom - 8} L${px},${plot.bottom} L${px + 6},${plot.bottom - 8}`, stroke: x0.color }));
      }
    }
    if (points.length > 1) {
      group.append(s('path', { class: 'series-line', d: points.map(({ m, px }, i) => `${i ? 'L' : 'M'}${px},${y(m.value)}`).join(' '), stroke: x0.color }));
    }
    for (const { m, px } of points) {
      group.append(s('circle', { class: 'point', cx: px, cy: y(m.value), r: 5.5, fill: x0.color },
        s('title', {}, `${m.source} · ${fmt.date(m.publishedAt)} · ${fmt.figure(m, unit)}`)));
    }
    svg.append(group);
  }

  return svg;
}

/** A mention's interval, as reconciliation reads it; null is an open end. */
export function interval(m) {
  const has = (v) => v !== null && v !== undefined;
  switch (m.qualifier) {
    case 'over': return [has(m.lower) ? m.lower : m.value, has(m.upper) ? m.upper : null];
    case 'under': return [has(m.lower) ? m.lower : null, has(m.upper) ? m.upper : m.value];
    default: return [has(m.lower) ? m.lower : m.value, has(m.upper) ? m.upper : m.value];
  }
}
