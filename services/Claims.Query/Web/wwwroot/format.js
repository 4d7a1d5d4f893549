// How figures, dates and claims read to a person: "470 million USD", "18 Oct 2025", "Trade turnover".

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });
const plain = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
// Dates are spelled out by hand: ICU's 'short' months vary between versions ('Sep', 'Sept').
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n) => String(n).padStart(2, '0');

const SCALES = [[1e12, 'trillion', 'T'], [1e9, 'billion', 'B'], [1e6, 'million', 'M']];

const UNIT_WORDS = { t: 'tonnes', count: '', pp: 'percentage points', '%': '%', x: '×' };

function scaled(value) {
  const abs = Math.abs(value);
  for (const [size, word, letter] of SCALES) {
    if (abs >= size) return { number: value / size, word, letter };
  }
  return { number: value, word: '', letter: '' };
}

/** 470000000, 'USD' → '470 million USD'; 20, '%' → '20%'; 1500000, 't' → '1.5 million tonnes'. */
export function amount(value, unit, noun) {
  if (value === null || value === undefined) return '—';
  if (unit === '%') return `${plain.format(value)}%`;
  if (unit === 'x') return `${plain.format(value)}×`;
  const { number, word } = scaled(Number(value));
  const unitWord = unit === 'count' ? (noun ?? '') : (UNIT_WORDS[unit] ?? unit ?? '');
  return [plain.format(number), word, unitWord].filter(Boolean).join(' ');
}

/** The unit on its own, for an axis: 'USD', 'tonnes', '%'. */
export function unitName(unit) {
  return unit === 'count' ? '' : (UNIT_WORDS[unit] ?? unit ?? '');
}

/** Axis labels: '470M', '1.2B', '20%'. */
export function compact(value, unit) {
  if (unit === '%') return `${plain.format(value)}%`;
  const { number, letter } = scaled(Number(value));
  return `${new Intl.NumberFormat('en', { maximumFractionDigits: 1 }).format(number)}${letter}`;
}

/** A stated figure with its hedge: 'over 533 million USD', 'about 1.5 million tonnes', '13–14 million USD'. */
export function figure(f, unit) {
  const u = f.unit ?? unit;
  switch (f.qualifier) {
    case 'over': return `over ${amount(f.lower ?? f.value, u, f.noun)}`;
    case 'under': return `up to ${amount(f.upper ?? f.value, u, f.noun)}`;
    case 'approx': return `about ${amount(f.value, u, f.noun)}`;
    case 'range':
      if (f.lower !== null && f.lower !== undefined && f.upper !== null && f.upper !== undefined) {
        const low = scaled(f.lower), high = scaled(f.upper);
        if (low.word === high.word) return `${plain.format(low.number)}–${amount(f.upper, u, f.noun)}`;
        return `${amount(f.lower, u, f.noun)} – ${amount(f.upper, u, f.noun)}`;
      }
      return amount(f.value, u, f.noun);
    case 'target': return `target of ${amount(f.value, u, f.noun)}`;
    case 'forecast': return `forecast of ${amount(f.value, u, f.noun)}`;
    default: return amount(f.value, u, f.noun);
  }
}

/** Publication dates are days: '18 Oct 2025' (UTC, the day the article carries). */
export function date(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** Moments, in the reader's time zone: '21 Nov 2026, 17:54'. */
export function dateAndTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${two(d.getHours())}:${two(d.getMinutes())}`;
}

export function month(time) {
  const d = new Date(time);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

export function day(time) {
  const d = new Date(time);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

export function metric(name) {
  const words = String(name ?? '').replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** 'KZ' → 'Kazakhstan'; other subjects are already names. */
export function subject(name) {
  if (/^[A-Z]{2}$/.test(name)) {
    try {
      return regionNames.of(name) ?? name;
    } catch {
      return name;
    }
  }
  return String(name).replaceAll('_', ' ');
}

export function language(code) {
  try {
    return languageNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/** '2024', 'Q1 2025', 'Jan–Aug 2025', '2019–2024', 'as of 21 Oct 2025'. */
export function period(p) {
  if (!p) return 'no period stated';
  let m;
  if ((m = /^(\d{4})-Q([1-4])$/.exec(p))) return `Q${m[2]} ${m[1]}`;
  if ((m = /^(\d{4})-(\d{2})\/(\d{4})-(\d{2})$/.exec(p))) {
    const from = MONTHS[Number(m[2]) - 1], to = MONTHS[Number(m[4]) - 1];
    return m[1] === m[3] ? `${from}–${to} ${m[1]}` : `${from} ${m[1]} – ${to} ${m[3]}`;
  }
  if ((m = /^(\d{4})\/(\d{4})$/.exec(p))) return `${m[1]}–${m[2]}`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(p)) return `as of ${date(p)}`;
  if ((m = /^(\d{4})-(\d{2})$/.exec(p))) return `${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
  return p;
}

/** Who the claim is about: 'Azerbaijan – Kazakhstan', or 'Kazakhstan → Azerbaijan' for a flow. */
export function parties(claim) {
  if (claim.direction) {
    const [from, to] = claim.direction.split('->');
    return `${subject(from)} → ${subject(to)}`;
  }
  return claim.subjects.map(subject).join(' – ');
}

export const STATUS_LABELS = {
  'single-source': 'Single source',
  corroborated: 'Corroborated',
  conflicted: 'Conflicted',
};

export function status(name) {
  return STATUS_LABELS[name] ?? 'Pending';
}

export function percent(fraction) {
  return `${Math.round(fraction * 100)}%`;
}

export function plural(count, one, many) {
  return `${plain.format(count)} ${count === 1 ? one : (many ?? `${one}s`)}`;
}
