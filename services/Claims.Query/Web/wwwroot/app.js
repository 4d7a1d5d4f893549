// The page: a hash router over the views, and live updates from /changes handed to whichever view is open.

import { h, replace } from './dom.js';
import { api } from './api.js';
import * as fmt from './format.js';
import { follow } from './live.js';
import { claimHref, claimName } from './ui.js';
import { claimsView } from './claims.js';
import { claimView } from './claim.js';
import { conflictsView } from './conflicts.js';
import { sourcesView } from './sources.js';
import { articleView } from './article.js';

const main = document.getElementById('view');
let current = null;
let renderCount = 0;

function parseHash() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const index = hash.indexOf('?');
  const path = index >= 0 ? hash.slice(0, index) : hash;
  return { path, params: new URLSearchParams(index >= 0 ? hash.slice(index + 1) : '') };
}

function pick(path) {
  if (path === '/' || path === '/claims') return { nav: 'claims', view: (c) => claimsView(c) };
  if (path.startsWith('/claims/')) return { nav: 'claims', view: (c) => claimView(c, decodeURIComponent(path.slice('/claims/'.length))) };
  if (path === '/conflicts') return { nav: 'conflicts', view: (c) => conflictsView(c) };
  if (path === '/sources') return { nav: 'sources', view: (c) => sourcesView(c) };
  if (path.startsWith('/articles/')) return { nav: null, view: (c) => articleView(c, decodeURIComponent(path.slice('/articles/'.length))) };
  return {
    nav: null,
    view: (c) => {
      replace(c.main, h('div', { class: 'state state-empty' }, h('h2', {}, 'There is no such page'), h('p', {}, h('a', { href: '#/' }, 'Back to all claims'))));
      return null;
    },
  };
}

async function route() {
  const { path, params } = parseHash();
  const { nav, view } = pick(path);
  for (const link of document.querySelectorAll('[data-nav]')) {
    link.classList.toggle('active', link.dataset.nav === nav);
  }
  const token = ++renderCount;
  current = null;
  const controller = await view({
    main,
    params,
    isCurrent: () => token === renderCount,
    // Keeps the address in step with filters without re-rendering (and without losing the focus of the search box).
    setParams: (next) => {
      const query = next.toString();
      history.replaceState(null, '', `#${path}${query ? `?${query}` : ''}`);
    },
  });
  if (token === renderCount) {
    current = controller ?? null;
    window.scrollTo({ top: 0 });
  }
}

function toast(change) {
  const toasts = document.getElementById('toasts');
  const item = h('a', { class: 'toast', href: claimHref(change.claimId) },
    h('span', { class: 'toast-title' }, claimName(change)),
    h('span', { class: 'toast-text' }, change.previousStatus && change.previousStatus !== change.status
      ? `${fmt.status(change.previousStatus)} → ${fmt.status(change.status)} · ${fmt.figure(change.current)}`
      : `${fmt.status(change.status)} · ${fmt.figure(change.current)}`));
  toasts.append(item);
  setTimeout(() => item.classList.add('leaving'), 6000);
  setTimeout(() => item.remove(), 6600);
  while (toasts.children.length > 4) toasts.firstElementChild.remove();
}

async function refreshConflictCount() {
  try {
    const page = await api.conflicts({ pageSize: 1 });
    document.getElementById('conflict-count').textContent = page.total > 0 ? String(page.total) : '';
  } catch {
    // The count is a hint; the conflicts page shows the error if the API is down.
  }
}

let countTimer = null;
follow(document.getElementById('live'), (event) => {
  if (event.type === 'claim-changed') {
    toast(event.change);
    clearTimeout(countTimer);
    countTimer = setTimeout(refreshConflictCount, 400);
  }
  current?.onChange?.(event);
});

let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => current?.onResize?.(), 150);
});
window.addEventListener('hashchange', route);
refreshConflictCount();
route();
