// The evidence sentence with the stated figure marked. The sentence is split into text nodes around the figure, so
// whatever the article contains is shown as text.

import { h } from './dom.js';

const NUMBER = /\d+(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)?/g;
const SCALES = [1, 1e3, 1e6, 1e9, 1e12];
const END = String.raw`(?=[\s.,;:!?)»"'”]|$)`;
const AFTER = new RegExp(
  String.raw`^(?:\s*(?:млн|млрд|трлн|тыс\.?|миллион\p{L}*|миллиард\p{L}*|триллион\p{L}*|million|billion|trillion|thousand|mln|bn|m|мың|пайыз\p{L}*|процент\p{L}*|%|тонн\p{L}*|tonnes?|tons?|т|t|доллар\p{L}*|долл\.?|USD|US\$|\$|евро|EUR|тенге|теңге|манат\p{L}*|юан\p{L}*)${END}){1,3}`,
  'iu');
const BEFORE = /(?:(?<=^|[\s(«"„])(?:свыше|более|около|почти|порядка|примерно|over|more than|about|around|nearly|almost|up to|до|астам|шамамен|кем дегенде|\$)\s*|\d+(?:[.,]\d+)?\s*[–-]\s*)$/iu;

function parseNumber(token) {
  const compact = token.replace(/[ \u00a0\u202f]/g, '');
  return Number(compact.replace(',', '.'));
}

function matches(number, targets) {
  return SCALES.some((scale) => targets.some((t) => Math.abs(number * scale - t) <= Math.abs(t) * 1e-9 + 1e-9));
}

/** Where the figure is in the sentence, or null when it cannot be found. */
export function findFigure(text, mention) {
  const targets = [mention.value, mention.lower, mention.upper].filter((v) => v !== null && v !== undefined).map(Number);
  for (const match of text.matchAll(NUMBER)) {
    if (!matches(parseNumber(match[0]), targets)) continue;
    let start = match.index;
    let end = match.index + match[0].length;
    const after = AFTER.exec(text.slice(end));
    if (after) end += after[0].length;
    const before = BEFORE.exec(text.slice(0, start));
    if (before) start -= before[0].length;
    return { start, end };
  }
  return null;
}

/** A <blockquote> of the sentence with the figure in a <mark>. */
export function evidenceQuote(mention) {
  const text = mention.evidence.text;
  const found = findFigure(text, mention);
  const quote = h('blockquote', { class: 'evidence', lang: mention.language ?? null });
  if (!found) {
    quote.append(text);
    return quote;
  }
  quote.append(text.slice(0, found.start), h('mark', { class: 'figure' }, text.slice(found.start, found.end)), text.slice(found.end));
  return quote;
}
