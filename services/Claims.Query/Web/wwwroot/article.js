// One article: its text with the evidence of each claim marked, its claims and its revisions.

import { h, replace } from './dom.js';
import { api } from './api.js';
import * as fmt from './format.js';
import { agreementTag, articleHref, claimHref, claimName, externalLink, failure, loading, statusBadge } from './ui.js';

export async function articleView({ main, params, isCurrent }, articleId) {
  const revision = params.get('revision');
  replace(main, loading('Loading the article…'));
  let article;
  try {
    article = await api.article(articleId, revision);
  } catch (error) {
    if (isCurrent()) replace(main, h('a', { class: 'back', href: '#/' }, '← All claims'), failure(error));
    return null;
  }
  if (!isCurrent()) return null;

  const original = externalLink(article.url, (host) => `original at ${host} ↗`);
  replace(main,
    h('a', {
      class: 'back',
      href: '#/',
      onclick: (e) => {
        if (history.length > 1) {
          e.preventDefault();
          history.back();
        }
      },
    }, '← Back'),
    h('header', { class: 'article-header' },
      h('p', { class: 'article-kicker' }, h('strong', {}, article.source), ` · ${fmt.date(article.publishedAt)} · ${fmt.language(article.language)}`),
      h('h1', { class: 'article-title' }, article.title ?? `Article from ${article.source}`),
      h('p', { class: 'article-meta' },
        `Revision ${article.revision} of ${article.latestRevision} · received ${fmt.dateAndTime(article.receivedAt)}`,
        original ? [' · ', original] : null),
      article.revisions.length > 1 ? revisions(article) : null),
    h('div', { class: 'article-layout' },
      h('section', { class: 'card article-body', 'aria-label': 'Article text' }, markedText(article)),
      h('aside', { class: 'card article-claims', 'aria-labelledby': 'article-claims-title' },
        h('h2', { id: 'article-claims-title' }, `Claims in this article (${article.claims.length})`),
        article.claims.length === 0 ? h('p', { class: 'muted' }, 'No figures were found in this text.') : null,
        h('ul', { class: 'article-claim-list' }, article.claims.map((c) => h('li', {},
          h('a', { class: 'claim-link', href: claimHref(c.claimId) },
            h('span', { class: 'claim-name' }, claimName(c)),
            h('span', { class: 'claim-sub' }, fmt.parties(c))),
          h('div', { class: 'article-claim-line' },
            h('span', { class: 'mention-figure' }, fmt.figure(c, c.unit)),
            c.claimStatus ? statusBadge(c.claimStatus) : h('span', { class: 'muted' }, 'being reconciled'),
            agreementTag(c.agreesWithConsensus)),
          h('a', { class: 'link small', href: `#ev-${c.evidence.start}`, onclick: (e) => { e.preventDefault(); jumpTo(c.evidence.start); } }, 'Show in text')))))));
  return null;
}

function revisions(article) {
  return h('nav', { class: 'revisions', 'aria-label': 'Revisions' },
    h('span', { class: 'muted' }, 'Revisions: '),
    article.revisions.map((r) => h('a', {
      class: r.revision === article.revision ? 'pill active' : 'pill',
      href: `${articleHref(article.articleId)}?revision=${r.revision}`,
      title: `received ${fmt.dateAndTime(r.receivedAt)} · ${fmt.plural(r.claimCount, 'claim')}`,
    }, `${r.revision}`)));
}

/** The text as text nodes, with the union of the evidence ranges in <mark> elements. */
function markedText(article) {
  const text = article.text;
  const ranges = article.claims
    .map((c) => [Math.max(0, c.evidence.start), Math.min(text.length, c.evidence.end)])
    .filter(([a, b]) => b > a)
    .sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([...range]);
  }
  const body = h('div', { class: 'article-text', lang: article.language });
  let position = 0;
  for (const [start, end] of merged) {
    body.append(text.slice(position, start), h('mark', { class: 'evidence-mark', id: `ev-${start}` }, text.slice(start, end)));
    position = end;
  }
  body.append(text.slice(position));
  return body;
}

function jumpTo(start) {
  const marks = [...document.querySelectorAll('.evidence-mark')];
  const target = marks.filter((m) => Number(m.id.slice(3)) <= start).pop() ?? marks[0];
  target?.scrollIntoView({ behavior: 'smooth', block: 'center' });
  target?.classList.add('pulse');
  setTimeout(() => target?.classList.remove('pulse'), 1600);
}
