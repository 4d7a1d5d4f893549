// The claims table: filters (metric, subject, status), search over evidence, sorting, paging, live refresh.

import { h, replace } from './dom.js';
import { api } from './api.js';
import * as fmt from './format.js';
import { claimHref, claimName, empty, failure, loading, statusBadge } from './ui.js';

const PAGE_SIZE = 25;
const SORTS = [['updated', 'Recently changed'], ['mentions', 'Most mentioned'], ['sources', 'Most sources'], ['period', 'Latest period'], ['claimId', 'Claim id, A–Z']];

export async function claimsView({ main, params, isCurrent, setParams }) {
  const state = {
    q: params.get('q') ?? '',
    metric: params.get('metric') ?? '',
    subject: params.get('subject') ?? '',
    status: params.get('status') ?? '',
    sort: params.get('sort') ?? 'updated',
    page: Number(params.get('page') ?? 1) || 1,
  };
  const summary = h('div', { class: 'summary' });
  const results = h('div', { class: 'results' }, loading('Loading claims…'));
  const search = h('input', {
    type: 'search', name: 'q', class: 'search', placeholder: 'Search evidence, e.g. "turnover" or "млн"', value: state.q,
    'aria-label': 'Search claims and evidence',
  });
  const metricSelect = select('metric', 'All metrics', [], state.metric);
  const subjectSelect = select('subject', 'All subjects', [], state.subject);
  const statusSelect = select('status', 'Any status', Object.entries(fmt.STATUS_LABELS), state.status);
  const sortSelect = select('sort', null, SORTS, state.sort);
  const filters = h('form', { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
    h('label', { class: 'field field-search' }, h('span', { class: 'field-label' }, 'Search'), search),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Metric'), metricSelect),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Subject'), subjectSelect),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Status'), statusSelect),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Sort by'), sortSelect));

  replace(main,
    h('header', { class: 'page-header' },
      h('div', {},
        h('h1', {}, 'Claims'),
        h('p', { class: 'lede' }, 'Figures stated by officials and outlets, reconciled across sources and languages. Open a claim to see who said what, and when.')),
      summary),
    filters,
    results);

  let loadCount = 0;
  async function load() {
    const token = ++loadCount;
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(state)) {
      if (value && !(name === 'sort' && value === 'updated') && !(name === 'page' && value === 1)) query.set(name, value);
    }
    setParams(query);
    try {
      const page = await api.claims({ ...state, pageSize: PAGE_SIZE });
      if (!isCurrent() || token !== loadCount) return;
      replace(results, table(page), pager(page));
    } catch (error) {
      if (!isCurrent() || token !== loadCount) return;
      if (error.status === 400 && state.page > 1) {
        state.page = 1;
        load();
        return;
      }
      replace(results, failure(error));
    }
  }

  async function loadFacets() {
    try {
      const facets = await api.facets();
      if (!isCurrent()) return;
      fill(metricSelect, 'All metrics', facets.metrics.map((f) => [f.value, `${fmt.metric(f.value)} (${f.count})`]), state.metric);
      fill(subjectSelect, 'All subjects', facets.subjects.map((f) => [f.value, `${fmt.subject(f.value)} (${f.count})`]), state.subject);
      const counts = Object.fromEntries(facets.statuses.map((f) => [f.value, f.count]));
      const total = facets.metrics.reduce((sum, f) => sum + f.count, 0);
      replace(summary,
        stat(total, 'claims', ''),
        stat(counts.conflicted ?? 0, 'conflicted', 'conflicted'),
        stat(counts.corroborated ?? 0, 'corroborated', 'corroborated'),
        stat(counts['single-source'] ?? 0, 'single source', 'single-source'));
    } catch {
      // Filters still work with what the user types; the list shows the API's error if there is one.
    }
  }

  function stat(count, label, status) {
    return h('button', {
      type: 'button', class: `stat stat-${status || 'all'}${state.status === status ? ' active' : ''}`, 'data-status': status,
      onclick: () => {
        state.status = status;
        statusSelect.value = status;
        state.page = 1;
        load();
        loadFacets();
      },
    }, h('span', { class: 'stat-count' }, String(count)), h('span', { class: 'stat-label' }, label));
  }

  function table(page) {
    if (page.items.length === 0) {
      return empty('No claims match', state.q || state.metric || state.subject || state.status
        ? 'Try fewer filters or another search.'
        : 'Post an article to the ingestion service and its claims appear here.');
    }
    return h('table', { class: 'claims-table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Claim'),
        h('th', { scope: 'col', class: 'num' }, 'Consensus'),
        h('th', { scope: 'col' }, 'Status'),
        h('th', { scope: 'col', class: 'num' }, 'Sources'),
        h('th', { scope: 'col' }, 'Last change'))),
      h('tbody', {}, page.items.map((claim) => h('tr', {
        'data-claim-id': claim.claimId,
        onclick: (event) => {
          if (!event.target.closest('a')) location.hash = claimHref(claim.claimId);
        },
      },
      h('td', {},
        h('a', { class: 'claim-link', href: claimHref(claim.claimId) },
          h('span', { class: 'claim-name' }, claimName(claim)),
          h('span', { class: 'claim-sub' }, fmt.parties(claim)))),
      h('td', { class: 'num figure-cell' }, claim.consensus ? fmt.figure(claim.consensus, claim.unit) : '—'),
      h('td', {}, statusBadge(claim.status)),
      h('td', { class: 'num' },
        h('span', { class: 'count-main' }, fmt.plural(claim.sourceCount, 'source')),
        h('span', { class: 'count-sub' }, fmt.plural(claim.mentionCount, 'mention'))),
      h('td', { class: 'muted' }, fmt.dateAndTime(claim.updatedAt))))));
  }

  function pager(page) {
    const last = Math.max(1, Math.ceil(page.total / page.pageSize));
    const from = page.total === 0 ? 0 : (page.page - 1) * page.pageSize + 1;
    const to = Math.min(page.total, page.page * page.pageSize);
    const go = (n) => () => {
      state.page = n;
      load();
    };
    return h('nav', { class: 'pager', 'aria-label': 'Pages' },
      h('span', { class: 'muted' }, page.total === 0 ? '' : `Showing ${from}–${to} of ${fmt.plural(page.total, 'claim')}`),
      last <= 1 ? null : h('span', { class: 'pager-buttons' },
        h('button', { type: 'button', class: 'button', disabled: page.page <= 1, onclick: go(page.page - 1) }, '← Previous'),
        h('button', { type: 'button', class: 'button', disabled: page.page >= last, onclick: go(page.page + 1) }, 'Next →')));
  }

  let typing = null;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.q = search.value.trim();
      state.page = 1;
      load();
    }, 250);
  });
  for (const [element, name] of [[metricSelect, 'metric'], [subjectSelect, 'subject'], [statusSelect, 'status'], [sortSelect, 'sort']]) {
    element.addEventListener('change', () => {
      state[name] = element.value;
      state.page = 1;
      load();
      if (name === 'status') loadFacets();
    });
  }

  await Promise.all([load(), loadFacets()]);

  let refresh = null;
  return {
    onChange() {
      clearTimeout(refresh);
      refresh = setTimeout(() => {
        load();
        loadFacets();
      }, 300);
    },
  };
}

function select(name, anyLabel, options, value) {
  const element = h('select', { name });
  fill(element, anyLabel, options, value);
  return element;
}

function fill(element, anyLabel, options, value) {
  const entries = anyLabel === null ? options : [['', anyLabel], ...options];
  if (value && !entries.some(([v]) => v === value)) entries.push([value, value]);
  replace(element, entries.map(([v, label]) => h('option', { value: v }, label)));
  element.value = value;
}
