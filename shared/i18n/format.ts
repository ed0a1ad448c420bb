import type { Locale } from './locale.ts';

/**
 * One representative IANA time zone per usage location: the zone of its largest business centre
 * (for countries with several zones: US → New York, CA → Toronto, BR → São Paulo, MX → Mexico
 * City, AU → Sydney). A choice, not a fact about the customer, so every date shown names its zone.
 * Every code in USAGE_LOCATION_CODES has one (a unit test checks); anything else gets UTC.
 */
const USAGE_LOCATION_TIME_ZONES: Readonly<Record<string, string>> = {
  AR: 'America/Argentina/Buenos_Aires',
  BR: 'America/Sao_Paulo',
  CA: 'America/Toronto',
  CL: 'America/Santiago',
  CO: 'America/Bogota',
  EC: 'America/Guayaquil',
  MX: 'America/Mexico_City',
  PE: 'America/Lima',
  US: 'America/New_York',
  UY: 'America/Montevideo',
  AT: 'Europe/Vienna',
  BE: 'Europe/Brussels',
  CH: 'Europe/Zurich',
  CZ: 'Europe/Prague',
  DE: 'Europe/Berlin',
  DK: 'Europe/Copenhagen',
  ES: 'Europe/Madrid',
  FI: 'Europe/Helsinki',
  FR: 'Europe/Paris',
  GB: 'Europe/London',
  GR: 'Europe/Athens',
  HU: 'Europe/Budapest',
  IE: 'Europe/Dublin',
  IT: 'Europe/Rome',
  LU: 'Europe/Luxembourg',
  NL: 'Europe/Amsterdam',
  NO: 'Europe/Oslo',
  PL: 'Europe/Warsaw',
  PT: 'Europe/Lisbon',
  RO: 'Europe/Bucharest',
  SE: 'Europe/Stockholm',
  TR: 'Europe/Istanbul',
  AU: 'Australia/Sydney',
  IN: 'Asia/Kolkata',
  JP: 'Asia/Tokyo',
  KR: 'Asia/Seoul',
  MY: 'Asia/Kuala_Lumpur',
  NZ: 'Pacific/Auckland',
  SG: 'Asia/Singapore',
  AE: 'Asia/Dubai',
  IL: 'Asia/Jerusalem',
  SA: 'Asia/Riyadh',
  ZA: 'Africa/Johannesburg',
};

export function timeZoneFor(usageLocation: string): string {
  // Own keys only: a forged `constructor` would otherwise find Object's member, not a time zone.
  return (
    (Object.hasOwn(USAGE_LOCATION_TIME_ZONES, usageLocation) ? USAGE_LOCATION_TIME_ZONES[usageLocation] : undefined) ??
    'UTC'
  );
}

// Formatters are costly to build and pages reuse a handful: one per locale (and zone).
const numberFormats = new Map<Locale, Intl.NumberFormat>();
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** A count as the locale writes it: 10,000 (en), 10.000 (pt-BR). */
export function formatNumber(locale: Locale, value: number): string {
  let format = numberFormats.get(locale);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    numberFormats.set(locale, format);
  }
  return format.format(value);
}

/** How long an instant is written: `long` in sentences, `short` for a table cell. */
export type DateTimeStyle = 'long' | 'short';

const DATE_TIME_OPTIONS: Record<DateTimeStyle, Intl.DateTimeFormatOptions> = {
  long: { year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'long' },
  short: { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' },
};

/**
 * An instant (ISO 8601) as a reader in the usage location reads it, in the page's language, with
 * the zone's name: "December 31, 2026 at 6:59 PM Eastern Standard Time",
 * "31 de dezembro de 2026 às 20:59 Horário Padrão de Brasília"; `short`: "Nov 20, 2026, 07:00 AM
 * GMT-3", "20 de nov. de 2026, 07:00 BRT".
 */
export function formatDateTime(
  locale: Locale,
  iso: string,
  usageLocation: string,
  style: DateTimeStyle = 'long',
): string {
  const timeZone = timeZoneFor(usageLocation);
  const key = `${locale} ${timeZone} ${style}`;
  let format = dateTimeFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, { ...DATE_TIME_OPTIONS[style], timeZone });
    dateTimeFormats.set(key, format);
  }
  return format.format(new Date(iso));
}

const calendarDateFormats = new Map<Locale, Intl.DateTimeFormat>();

/**
 * A calendar date (`YYYY-MM-DD`, e.g. a term's last day, which the vendor gives in UTC) in the
 * page's language, with no time and no zone shift: "November 29, 2027", "29 de novembro de 2027".
 * Throws RangeError for a string that is not a date.
 */
export function formatCalendarDate(locale: Locale, date: string): string {
  const instant = new Date(`${date}T00:00:00.000Z`);
  // Date rolls 2027-02-30 over to 2 March: only a date that reads back the same is one.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(instant.getTime()) || !instant.toISOString().startsWith(date)) {
    throw new RangeError(`date must be a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  }
  let format = calendarDateFormats.get(locale);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
    calendarDateFormats.set(locale, format);
  }
  return format.format(instant);
}
