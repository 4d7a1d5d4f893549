// Small pieces the views share.

import { h, s } from './dom.js';
import * as fmt from './format.js';

export const claimHref = (claimId) => `#/claims/${encodeURIComponent(claimId)}`;
export const articleHref = (articleId) => `#/articles/${encodeURIComponent(articleId)}`;

export function statusBadge(status) {
  return h('span', { class: `badge badge-${status ?? 'pending'}`, 'data-status': status ?? 'pending' }, fmt.status(status));
}

export function agreementTag(agrees) {
  if (agrees === true) return h('span', { class: 'tag tag-agrees' }, 'Agrees with consensus');
  if (agrees === false) return h('span', { class: 'tag tag-disagrees' }, 'Disagrees with consensus');
  return null;
}

/** 'Trade turnover, 2024' */
export function claimName(claim) {
  return claim.period ? `${fmt.metric(claim.metric)}, ${fmt.period(claim.period)}` : fmt.metric(claim.metric);
}

export function swatch(color) {
  return s('svg', { class: 'swatch', width: 12, height: 12, viewBox: '0 0 12 12', 'aria-hidden': 'true' },
    s('circle', { cx: 6, cy: 6, r: 5, fill: color }));
}

export function loading(text = 'Loading…') {
  return h('div', { class: 'state state-loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

export function failure(error, back) {
  return h('div', { class: 'state state-error', role: 'alert' },
    h('h2', {}, error.title ?? 'Something went wrong'),
    h('p', {}, error.message),
    back ? h('p', {}, h('a', { href: back.href }, back.text)) : null);
}

export function empty(title, text) {
  return h('div', { class: 'state state-empty' }, h('h2', {}, title), text ? h('p', {}, text) : null);
}

export function sourceLinks(mention) {
  return [
    h('a', { class: 'link', href: articleHref(mention.articleId) }, 'Read the article'),
    externalLink(mention.url, (host) => `Original at ${host} ↗`),
  ];
}

/** A link to an article's own url, only when it is http(s): a posted url is data, and 'javascript:' must not become a link. */
export function externalLink(url, text) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  return h('a', { class: 'link external', href: parsed.href, target: '_blank', rel: 'noopener noreferrer' }, text(parsed.host));
}
