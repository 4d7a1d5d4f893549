// Every outlet: how much it has said, in which languages, and when it was last seen.

import { h, replace } from './dom.js';
import { api } from './api.js';
import * as fmt from './format.js';
import { empty, failure, loading } from './ui.js';

export async function sourcesView({ main, isCurrent }) {
  const body = h('div', {}, loading('Loading sources…'));
  replace(main,
    h('header', { class: 'page-header' },
      h('div', {},
        h('h1', {}, 'Sources'),
        h('p', { class: 'lede' }, 'The outlets whose articles Claims has read, counted over the current revision of each article.'))),
    body);

  async function load() {
    try {
      const sources = await api.sources();
      if (!isCurrent()) return;
      replace(body, sources.items.length === 0 ? empty('No sources yet', 'Post an article and its outlet appears here.') : table(sources.items));
    } catch (error) {
      if (isCurrent()) replace(body, failure(error));
    }
  }

  await load();
  let refresh = null;
  return {
    onChange(event) {
      if (event.type !== 'mention-recorded') return;
      clearTimeout(refresh);
      refresh = setTimeout(load, 400);
    },
  };
}

function table(items) {
  return h('div', { class: 'card card-flush' },
    h('table', { class: 'sources-table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Source'),
        h('th', { scope: 'col', class: 'num' }, 'Articles'),
        h('th', { scope: 'col', class: 'num' }, 'Mentions'),
        h('th', { scope: 'col', class: 'num' }, 'Claims'),
        h('th', { scope: 'col' }, 'Languages'),
        h('th', { scope: 'col' }, 'Published'),
        h('th', { scope: 'col' }, 'Last seen'),
        h('th', { scope: 'col' }, 'Reliability'))),
      h('tbody', {}, items.map((source) => h('tr', { 'data-source': source.source },
        h('td', { class: 'source-name' }, source.source),
        h('td', { class: 'num' }, String(source.articleCount)),
        h('td', { class: 'num' }, String(source.mentionCount)),
        h('td', { class: 'num' }, String(source.claimCount)),
        h('td', {}, source.languages.map((l) => h('span', { class: 'pill' }, fmt.language(l)))),
        h('td', { class: 'nowrap' }, source.firstPublishedAt === source.lastPublishedAt
          ? fmt.date(source.lastPublishedAt)
          : `${fmt.date(source.firstPublishedAt)} – ${fmt.date(source.lastPublishedAt)}`),
        h('td', { class: 'muted nowrap' }, fmt.dateAndTime(source.lastSeenAt)),
        reliability(source))))),
    h('p', { class: 'hint table-note' }, 'Reliability is reconciliation’s estimate of how likely a source is to agree with the consensus, from the claims it has stated alongside other independent origins.'));
}

function reliability(source) {
  if (source.reliability === null || source.reliability === undefined) {
    return h('td', { class: 'reliability muted', title: 'Reconciliation has not judged this source on a claim with two or more origins yet' }, 'not computed yet');
  }
  const level = source.reliability >= 0.7 ? 'high' : source.reliability >= 0.4 ? 'medium' : 'low';
  const fill = h('span', { class: `meter-fill meter-${level}` });
  fill.style.width = fmt.percent(source.reliability);
  return h('td', { class: 'reliability', 'data-level': level },
    h('span', { class: 'meter', 'aria-hidden': 'true' }, fill),
    h('span', { class: 'reliability-value' }, fmt.percent(source.reliability)),
    h('span', { class: 'reliability-detail' }, `agreed ${source.agreements} · disagreed ${source.disagreements}`));
}
