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

/**
 * Picks the response locale from an Accept-Language header: the highest q wins, ties go to the
 * earlier entry, q=0 keeps a locale out of what '*' may pick (an explicit positive range such as en-GB
 * still counts even beside en-US;q=0), and anything unusable yields the fallback.
 * Never throws: a bad header must not turn a page view into an error.
 */
export function negotiateLocale(acceptLanguage: string | undefined, fallback: Locale = DEFAULT_LOCALE): Locale {
  if (!acceptLanguage) return fallback;
  const preferences = parse(acceptLanguage);

  const excluded = new Set<Locale>();
  for (const { range, q } of preferences) {
    const locale = localeFor(range);
    if (q === 0 && locale !== undefined) excluded.add(locale);
  }
  const wildcard = [fallback, ...LOCALES].find((locale) => !excluded.has(locale));

  let best: { locale: Locale; q: number } | undefined;
  for (const { range, q } of preferences) {
    if (q === 0) continue;
    const locale = range === '*' ? wildcard : localeFor(range);
    if (locale === undefined) continue;
    // Strictly greater, so the earlier entry keeps a tie.
    if (best === undefined || q > best.q) best = { locale, q };
  }
  return best?.locale ?? fallback;
}
