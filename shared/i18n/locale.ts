export const LOCALES = ['en', 'pt-BR'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

export function isLocale(x: string): x is Locale {
  return (LOCALES as readonly string[]).includes(x);
}

// RFC 9110 language-range: '*' or 1*8ALPHA *("-" 1*8alphanum).
const LANGUAGE_RANGE = /^(?:\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$/i;
// RFC 9110 qvalue: at most three decimals, never above 1.
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;
// The header is client-controlled: bound the work on a hostile one.
const MAX_ENTRIES = 32;

/** Only the language subtag matters: we have one Portuguese and one English, so pt-PT gets pt-BR. */
function localeFor(range: string): Locale | undefined {
  const language = range.split('-', 1)[0]?.toLowerCase();
  if (language === 'pt') return 'pt-BR';
  if (language === 'en') return 'en';
  return undefined;
}

interface Preference {
  readonly range: string;
  readonly q: number;
}

function parse(acceptLanguage: string): Preference[] {
  const preferences: Preference[] = [];
  for (const entry of acceptLanguage.split(',').slice(0, MAX_ENTRIES)) {
    const [rawRange = '', ...params] = entry.split(';');
    const range = rawRange.trim();
    if (!LANGUAGE_RANGE.test(range)) continue;
    let q = 1;
    let valid = true;
    for (const param of params) {
      const [name = '', value = ''] = param.split('=', 2).map((part) => part.trim());
      if (name.toLowerCase() !== 'q') continue;
      if (!QVALUE.test(value)) valid = false;
      else q = Number(value);
    }
    // A malformed weight makes the whole entry unreliable; dropping it beats guessing q=1.
    if (valid) preferences.push({ range, q });
  }
  return preferences;
}

/** How much the client wants a locale, and where in the header it said so (ties go to the earlier). */
interface Weight {
  readonly q: number;
  readonly position: number;
  /** Named by a language range of its own, not only reached through `*`. */
  readonly explicit: boolean;
}

/**
 * Each locale's weight: the highest q of the ranges naming its language (so en-GB still counts
 * beside en-US;q=0), else the weight of `*`, else none (the client did not mention it).
 */
function weigh(preferences: readonly Preference[]): Map<Locale, Weight> {
  const weights = new Map<Locale, Weight>();
  let wildcard: Weight | undefined;
  preferences.forEach(({ range, q }, position) => {
    if (range === '*') {
      if (wildcard === undefined || q > wildcard.q) wildcard = { q, position, explicit: false };
      return;
    }
    const locale = localeFor(range);
    if (locale === undefined) return;
    const known = weights.get(locale);
    if (known === undefined || q > known.q) weights.set(locale, { q, position, explicit: true });
  });
  if (wildcard !== undefined) {
    for (const locale of LOCALES) if (!weights.has(locale)) weights.set(locale, wildcard);
  }
  return weights;
}

export interface NegotiationOptions {
  /**
   * Serve the fallback whenever the client names its language with q > 0, even below another
   * language we have: the offer page keeps the offer's language for a bilingual reader.
   */
  readonly keepFallbackIfAccepted?: boolean;
}

/**
 * Picks the response locale from an Accept-Language header (RFC 9110 §12.5.4): the highest q wins,
 * ties go to the earlier entry (and to the fallback when both come from the same `*`). A locale
 * refused with q=0, by name or through `*;q=0`, is never served while another one is not refused:
 * when the client accepts none of ours, the fallback comes back unless it was refused, then the
 * first locale that was not. With `keepFallbackIfAccepted`, a fallback the client names with q > 0
 * wins outright. Never throws: a bad header must not turn a page view into an error.
 */
export function negotiateLocale(
  acceptLanguage: string | undefined,
  fallback: Locale = DEFAULT_LOCALE,
  { keepFallbackIfAccepted = false }: NegotiationOptions = {},
): Locale {
  if (!acceptLanguage) return fallback;
  const weights = weigh(parse(acceptLanguage));
  const fallbackWeight = weights.get(fallback);
  if (keepFallbackIfAccepted && fallbackWeight?.explicit && fallbackWeight.q > 0) return fallback;

  // The fallback first, so it keeps a tie within the same entry.
  const candidates = [fallback, ...LOCALES.filter((locale) => locale !== fallback)];
  let best: { locale: Locale; weight: Weight } | undefined;
  for (const locale of candidates) {
    const weight = weights.get(locale);
    if (weight === undefined || weight.q === 0) continue;
    const better =
      best === undefined ||
      weight.q > best.weight.q ||
      (weight.q === best.weight.q && weight.position < best.weight.position);
    if (better) best = { locale, weight };
  }
  if (best) return best.locale;
  return candidates.find((locale) => weights.get(locale)?.q !== 0) ?? fallback;
}
