// Claims whose sources disagree, each with the competing values and who states them.

import { h, replace } from './dom.js';
import { api } from './api.js';
import * as fmt from './format.js';
import { evidenceQuote } from './evidence.js';
import { agreementTag, claimHref, claimName, empty, failure, loading, sourceLinks, statusBadge } from './ui.js';

export async function conflictsView({ main, isCurrent }) {
  const list = h('div', { class: 'conflicts' }, loading('Loading conflicts…'));
  replace(main,
    h('header', { class: 'page-header' },
      h('div', {},
        h('h1', {}, 'Conflicts'),
        h('p', { class: 'lede' }, 'Claims where independent sources state figures that cannot both be right. The consensus side comes first.'))),
    list);

  async function load() {
    try {
      const page = await api.conflicts({ pageSize: 100 });
      if (!isCurrent()) return;
      replace(list, page.items.length === 0
        ? empty('No conflicts', 'Every claim is either stated by one origin or agreed on by all of them.')
        : page.items.map(card));
    } catch (error) {
      if (isCurrent()) replace(list, failure(error));
    }
  }

  await load();
  let refresh = null;
  return {
    onChange() {
      clearTimeout(refresh);
      refresh = setTimeout(load, 300);
    },
  };
}

function card(conflict) {
  return h('article', { class: 'card conflict-card', 'data-claim-id': conflict.claimId },
    h('header', { class: 'conflict-header' },
      h('div', {},
        h('p', { class: 'eyebrow' }, fmt.parties(conflict)),
        h('h2', {}, h('a', { href: claimHref(conflict.claimId) }, claimName(conflict)))),
      h('div', { class: 'conflict-side' },
        statusBadge(conflict.status),
        h('span', { class: 'muted' }, `changed ${fmt.dateAndTime(conflict.updatedAt)}`))),
    h('ol', { class: 'positions positions-large' }, conflict.positions.map((p) => h('li', { 'data-agrees': String(p.agreesWithConsensus) },
      h('div', { class: 'position-line' },
        h('span', { class: 'position-figure' }, fmt.figure(p, conflict.unit)),
        agreementTag(p.agreesWithConsensus),
        h('span', { class: 'position-who' }, `${p.sources.join(', ')} · ${fmt.plural(p.originCount, 'independent origin')}`)),
      evidenceQuote(p.mentions[0]),
      h('div', { class: 'mention-footer' }, h('span', { class: 'muted' }, `${p.mentions[0].source}, ${fmt.date(p.mentions[0].publishedAt)}`), sourceLinks(p.mentions[0]))))),
    h('p', {}, h('a', { class: 'link', href: claimHref(conflict.claimId) }, 'Open the claim with its timeline →')));
}
