// One claim: its consensus and status, the timeline chart, the conflict spelled out, every mention with its
// evidence, the version history, and time travel (as recorded / as published).

import { h, replace } from './dom.js';
import { api } from './api.js';
import * as fmt from './format.js';
import { originSeries, timeline } from './chart.js';
import { evidenceQuote } from './evidence.js';
import { agreementTag, claimHref, claimName, failure, loading, sourceLinks, statusBadge, swatch } from './ui.js';

export async function claimView({ main, params, isCurrent }, claimId) {
  const asOf = params.get('asOf');
  const by = params.get('by') === 'published' ? 'published' : 'recorded';
  replace(main, loading('Loading the claim…'));
  let claim;
  let history;
  try {
    [claim, history] = await Promise.all([api.claim(claimId, asOf, by), api.history(claimId)]);
  } catch (error) {
    if (isCurrent()) {
      replace(main, h('a', { class: 'back', href: asOf ? claimHref(claimId) : '#/' }, asOf ? '← This claim now' : '← All claims'),
        failure(error));
    }
    return null;
  }
  if (!isCurrent()) return null;

  const chartBox = h('div', { class: 'chart' });
  let flash = false;
  const drawChart = () => replace(chartBox, timeline(claim, versionsShown(history.versions, claim), chartBox.clientWidth || 900));

  function render() {
    const series = originSeries(claim.mentions);
    const colors = new Map(series.map((x) => [x.origin, x.color]));
    replace(main,
      h('a', { class: 'back', href: '#/' }, '← All claims'),
      timeTravelBanner(claim),
      header(claim, flash),
      h('section', { class: 'card', 'aria-labelledby': 'chart-title' },
        h('div', { class: 'card-header' },
          h('h2', { id: 'chart-title' }, 'Reported values over time'),
          h('p', { class: 'hint' }, 'Each colour is one independent origin, placed at its article’s publication date. Bands show the range a figure allows; open-ended figures (“over …”) fade out. Dashed: the consensus.')),
        chartBox,
        legend(series, claim.unit)),
      conflictCallout(claim),
      h('section', { class: 'card', 'aria-labelledby': 'mentions-title' },
        h('div', { class: 'card-header' },
          h('h2', { id: 'mentions-title' }, 'What the sources said'),
          h('p', { class: 'hint' }, `${fmt.plural(claim.mentions.length, 'mention')} in ${fmt.plural(claim.sourceCount, 'source')}, oldest publication first.`)),
        h('div', { class: 'mentions' }, claim.mentions.map((m) => mentionCard(m, colors.get(m.origin), claim.unit)))),
      historySection(history.versions, claim.unit),
      timeTravelForm(claim, asOf, by));
    drawChart();
    flash = false;
  }
  render();

  let refreshing = null;
  return {
    onResize: drawChart,
    onChange(event) {
      // A past state does not change; only the present view follows the feed.
      if (asOf || event.change.claimId !== claimId) return;
      clearTimeout(refreshing);
      refreshing = setTimeout(async () => {
        try {
          const [next, nextHistory] = await Promise.all([api.claim(claimId), api.history(claimId)]);
          if (!isCurrent()) return;
          [claim, history, flash] = [next, nextHistory, true];
          const scroll = window.scrollY;
          render();
          window.scrollTo({ top: scroll });
        } catch {
          // The next change tries again; the page keeps showing what it has.
        }
      }, 200);
    },
  };
}

/** The versions the chart may use: those known at the time shown. */
function versionsShown(versions, claim) {
  if (!claim.asOf) return versions;
  const at = Date.parse(claim.asOf.at);
  return versions.filter((v) => v.version <= claim.asOf.version
    && (claim.asOf.by === 'recorded' ? Date.parse(v.recordedAt) <= at : v.publishedAt && Date.parse(v.publishedAt) <= at));
}

function header(claim, updated) {
  const c = claim.consensus;
  return h('header', { class: 'claim-header' },
    h('div', { class: 'claim-title' },
      h('p', { class: 'eyebrow' }, fmt.parties(claim)),
      h('h1', {}, claimName(claim)),
      facts(claim),
      h('p', { class: 'claim-id' }, 'Claim ', h('code', {}, claim.claimId))),
    h('div', { class: `consensus-box${updated ? ' updated' : ''}`, 'data-status': claim.status ?? 'pending' },
      h('div', { class: 'consensus-top' }, h('span', { class: 'label' }, 'Consensus'), statusBadge(claim.status)),
      h('div', { class: 'big-figure', id: 'consensus-figure' }, c ? fmt.figure(c, claim.unit) : 'Not decided yet'),
      c ? h('div', { class: 'consensus-meta' }, consensusMeta(claim)) : null,
      updated ? h('div', { class: 'updated-note', role: 'status' }, 'Updated just now') : null));
}

function consensusMeta(claim) {
  if (claim.originCount > 1) return `${fmt.percent(claim.consensus.confidence)} of ${claim.originCount} independent origins agree`;
  return 'Stated by a single origin so far';
}

function facts(claim) {
  return h('p', { class: 'facts' },
    h('span', {}, fmt.plural(claim.mentionCount, 'mention')),
    h('span', {}, fmt.plural(claim.originCount, 'independent origin')),
    h('span', {}, fmt.plural(claim.sourceCount, 'source')),
    h('span', {}, `version ${claim.version}`),
    h('span', {}, claim.asOf ? `as of ${fmt.dateAndTime(claim.asOf.at)}` : `last change ${fmt.dateAndTime(claim.updatedAt)}`));
}

function conflictCallout(claim) {
  if (claim.status !== 'conflicted' || !claim.positions || claim.positions.length < 2) return null;
  return h('section', { class: 'callout callout-conflict', role: 'note', 'aria-label': 'Conflict' },
    h('h2', {}, 'Sources disagree on this figure'),
    h('ul', { class: 'positions' }, claim.positions.map((p) => h('li', { 'data-agrees': String(p.agreesWithConsensus) },
      h('span', { class: 'position-figure' }, fmt.figure(p, claim.unit)),
      h('span', { class: 'position-who' }, `${p.sources.join(', ')} · ${fmt.plural(p.originCount, 'independent origin')}`),
      agreementTag(p.agreesWithConsensus)))),
    h('p', { class: 'hint' }, 'The consensus is the side that weighs most: each independent origin counts once, weighed by how reliable its source has been '
      + `and how precise its figure is. This side holds ${fmt.percent(claim.consensus.confidence)} of the weight.`));
}

function legend(series, unit) {
  return h('ul', { class: 'legend', 'aria-label': 'Origins' }, series.map((x) => h('li', { 'data-origin': x.origin, class: x.disagrees ? 'disagrees' : null },
    swatch(x.color),
    h('span', { class: 'legend-name' }, x.sources.join(' · ')),
    h('span', { class: 'legend-figure' }, [...new Set(x.mentions.map((m) => fmt.figure(m, unit)))].join(', ')),
    x.disagrees ? h('span', { class: 'tag tag-disagrees' }, 'Disagrees') : null)),
    h('li', { class: 'legend-consensus' }, h('span', { class: 'consensus-swatch', 'aria-hidden': 'true' }), h('span', { class: 'legend-name' }, 'Consensus')));
}

function mentionCard(m, color, unit) {
  return h('article', {
    class: m.superseded ? 'mention superseded' : 'mention',
    'data-agrees': String(m.agreesWithConsensus),
    'data-mention-id': m.mentionId,
    'data-source': m.source,
  },
    h('header', { class: 'mention-header' },
      swatch(color ?? '#9ca3af'),
      h('strong', { class: 'mention-source' }, m.source),
      h('span', { class: 'mention-meta' }, `${fmt.date(m.publishedAt)} · ${fmt.language(m.language)}`),
      h('span', { class: 'mention-figure' }, fmt.figure(m, unit)),
      agreementTag(m.agreesWithConsensus),
      m.retracted ? h('span', { class: 'tag' }, 'Retracted: the article was corrected')
        : m.superseded ? h('span', { class: 'tag' }, 'Superseded: the source said otherwise later') : null),
    evidenceQuote(m),
    h('footer', { class: 'mention-footer' }, sourceLinks(m)));
}

const KINDS = {
  'mention-recorded': 'Mention recorded',
  'consensus-changed': 'Consensus decided',
  'mention-regrouped': 'Origins regrouped (reprint or translation recognised)',
  'mention-retracted': 'Mention retracted (article corrected)',
  'mention-superseded': 'Mention superseded by the same source',
  'mention-reinstated': 'Mention counts again',
  'conflict-detected': 'Conflict detected',
  'conflict-resolved': 'Conflict resolved',
};

function historySection(versions, unit) {
  return h('section', { class: 'card' },
    h('details', { class: 'history' },
      h('summary', {}, h('h2', {}, 'Version history'), h('span', { class: 'muted' }, ` ${fmt.plural(versions.length, 'version')}`)),
      h('table', { class: 'history-table' },
        h('thead', {}, h('tr', {},
          h('th', { class: 'num' }, 'Version'), h('th', {}, 'Recorded'), h('th', {}, 'Article published'), h('th', {}, 'What happened'),
          h('th', { class: 'num' }, 'Consensus'), h('th', {}, 'Status'))),
        h('tbody', {}, versions.map((v) => h('tr', {},
          h('td', { class: 'num' }, String(v.version)),
          h('td', {}, fmt.dateAndTime(v.recordedAt)),
          h('td', {}, fmt.date(v.publishedAt)),
          h('td', {}, KINDS[v.kind] ?? v.kind),
          h('td', { class: 'num' }, v.consensus ? fmt.figure(v.consensus, unit) : '—'),
          h('td', {}, v.status ? statusBadge(v.status) : '—')))))));
}

function timeTravelBanner(claim) {
  if (!claim.asOf) return null;
  const basis = claim.asOf.by === 'published'
    ? 'the public record of then: every article published by then, including ones received later, weighed as we judge sources today'
    : 'as the system knew it then';
  return h('div', { class: 'callout callout-timetravel', role: 'note' },
    h('strong', {}, `Viewing this claim as of ${fmt.dateAndTime(claim.asOf.at)}`),
    h('span', {}, ` — ${basis}. `),
    h('a', { href: claimHref(claim.claimId) }, 'Back to now'));
}

function timeTravelForm(claim, asOf, by) {
  const date = h('input', { type: 'date', name: 'asOf', required: true, value: asOf ? asOf.slice(0, 10) : '' });
  const basis = h('select', { name: 'by' },
    h('option', { value: 'recorded' }, 'as the system knew it then'),
    h('option', { value: 'published' }, 'as published by then'));
  basis.value = by;
  return h('section', { class: 'card time-travel' },
    h('h2', {}, 'Time travel'),
    h('p', { class: 'hint' }, 'See this claim as it stood on a past date: what the system had recorded by then, or what had been published by then (counting articles that arrived later).'),
    h('form', {
      class: 'inline-form',
      onsubmit: (event) => {
        event.preventDefault();
        if (!date.value) return;
        location.hash = `${claimHref(claim.claimId)}?asOf=${date.value}&by=${basis.value}`;
      },
    },
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Date'), date),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'View'), basis),
    h('button', { type: 'submit', class: 'button button-primary' }, 'Show')));
}
