import { DEFAULT_LOCALE, isLocale, LOCALES, negotiateLocale } from '../../shared/i18n/locale.ts';

describe('locales', () => {
  it('supports English and Brazilian Portuguese, defaulting to English', () => {
    expect(LOCALES).toEqual(['en', 'pt-BR']);
    expect(DEFAULT_LOCALE).toBe('en');
  });

  it.each(['en', 'pt-BR'])('recognises %s', (value) => {
    expect(isLocale(value)).toBe(true);
  });

  it.each(['pt', 'pt-br', 'en-US', 'EN', '', 'fr'])('rejects %j', (value) => {
    expect(isLocale(value)).toBe(false);
  });
});

describe('negotiateLocale', () => {
  it.each([
    ['pt-BR,pt;q=0.9,en;q=0.8', 'pt-BR'],
    ['pt', 'pt-BR'],
    ['pt-PT', 'pt-BR'],
    ['PT-br', 'pt-BR'],
    ['en-US', 'en'],
    ['en-GB,en;q=0.9', 'en'],
    ['en;q=0.5, pt;q=0.8', 'pt-BR'],
    ['en;q=0.8, pt-BR;q=0.8', 'en'],
    ['pt-BR;q=0.8, en;q=0.8', 'pt-BR'],
    ['fr-FR,fr;q=0.9,pt;q=0.5', 'pt-BR'],
    ['  pt-BR  ;  q=1.0 , en ; q=0.2 ', 'pt-BR'],
    ['de-DE, en;q=0.1', 'en'],
  ] as const)('picks the best supported locale for %j', (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });

  it('skips locales refused with q=0', () => {
    expect(negotiateLocale('pt;q=0, en;q=0.1')).toBe('en');
    expect(negotiateLocale('en;q=0, *', 'en')).toBe('pt-BR');
  });

  it('never serves a refused locale while another one is not refused, even as the fallback', () => {
    expect(negotiateLocale('pt-BR;q=0', 'pt-BR')).toBe('en');
    expect(negotiateLocale('en;q=0')).toBe('pt-BR');
    expect(negotiateLocale('fr, en;q=0')).toBe('pt-BR');
    expect(negotiateLocale('pt-BR, *;q=0', 'en')).toBe('pt-BR');
    expect(negotiateLocale('fr, *;q=0', 'en')).toBe('en');
  });

  it('serves the fallback when every locale we have was refused (something must be served)', () => {
    expect(negotiateLocale('en;q=0, pt;q=0', 'pt-BR')).toBe('pt-BR');
    expect(negotiateLocale('*;q=0', 'en')).toBe('en');
  });

  it('lets a positive range for a language win over a refused variant of it', () => {
    expect(negotiateLocale('en-US;q=0, en-GB', 'pt-BR')).toBe('en');
    expect(negotiateLocale('pt-PT;q=0, pt-BR;q=0.5, en;q=0.1')).toBe('pt-BR');
  });
});

describe('negotiateLocale keeping the fallback when accepted (the offer page)', () => {
  const keep = { keepFallbackIfAccepted: true };

  it.each([
    ['pt-BR, en;q=0', 'en', 'pt-BR'],
    ['pt-BR, en;q=0.5', 'en', 'en'],
    ['en-GB, pt;q=0.9', 'pt-BR', 'pt-BR'],
    ['pt-BR', 'en', 'pt-BR'],
    ['pt-BR, *;q=0.1', 'en', 'pt-BR'],
    ['*', 'pt-BR', 'pt-BR'],
    ['fr', 'pt-BR', 'pt-BR'],
    ['en;q=0, fr', 'en', 'pt-BR'],
    ['pt;q=0, *', 'pt-BR', 'en'],
    ['en;q=0.001, pt;q=1', 'en', 'en'],
  ] as const)('for %j on a %s offer serves %s', (header, offerLocale, expected) => {
    expect(negotiateLocale(header, offerLocale, keep)).toBe(expected);
  });

  it('keeps the fallback without a header', () => {
    expect(negotiateLocale(undefined, 'pt-BR', keep)).toBe('pt-BR');
    expect(negotiateLocale('', 'en', keep)).toBe('en');
  });

  it('resolves * to the fallback unless the fallback was refused', () => {
    expect(negotiateLocale('*')).toBe('en');
    expect(negotiateLocale('*', 'pt-BR')).toBe('pt-BR');
    expect(negotiateLocale('fr, *;q=0.5', 'pt-BR')).toBe('pt-BR');
    expect(negotiateLocale('pt;q=0, *', 'pt-BR')).toBe('en');
  });

  it('weighs * like any other range', () => {
    expect(negotiateLocale('*;q=0.1, pt;q=0.5')).toBe('pt-BR');
    expect(negotiateLocale('*, pt;q=0.5')).toBe('en');
  });

  it.each([
    undefined,
    '',
    '   ',
    ',,,',
    ';;;',
    'garbage!!',
    'fr-FR',
    'zh-Hant-TW;q=0.9',
    'pt;q=abc',
    'pt;q=2',
    'pt;q=0.1234',
    'pt;q=-1',
    'portuguese',
    '\u0000\uFFFF',
    'en'.repeat(10_000),
  ])('falls back for unusable header %j', (header) => {
    expect(negotiateLocale(header)).toBe('en');
    expect(negotiateLocale(header, 'pt-BR')).toBe('pt-BR');
  });

  it('ignores malformed entries but keeps valid ones', () => {
    expect(negotiateLocale('??, pt;q=bad, en;q=0.3')).toBe('en');
    expect(negotiateLocale('pt;foo=bar;q=0.7, en;q=0.6')).toBe('pt-BR');
  });

  it('reads only the first 32 entries of a header', () => {
    const thirtyOneOthers = Array.from({ length: 31 }, () => 'fr').join(', ');

    expect(negotiateLocale(`${thirtyOneOthers}, pt`)).toBe('pt-BR');
    expect(negotiateLocale(`${thirtyOneOthers}, de, pt`)).toBe('en');
  });

  it('ignores an entry whose range is malformed even when it starts with a language we have', () => {
    expect(negotiateLocale('pt-BR!, en;q=0.5')).toBe('en');
    expect(negotiateLocale('pt-toolongtag, en;q=0.5')).toBe('en');
  });

  it('allows spaces around the weight’s name and value', () => {
    expect(negotiateLocale('pt; q=0.1, en;q=0.5', 'pt-BR')).toBe('en');
    expect(negotiateLocale('pt;q= 0.1, en;q=0.5', 'pt-BR')).toBe('en');
  });

  it('gives a language the highest weight any of its ranges has, wherever it comes in the header', () => {
    expect(negotiateLocale('en, en-GB;q=0.1, pt;q=0.5')).toBe('en');
    expect(negotiateLocale('en;q=0.5, pt;q=0.5, en-GB;q=0.5')).toBe('en');
  });

  it('gives * the highest weight of its entries, at the first entry that has it', () => {
    expect(negotiateLocale('pt;q=0.5, *, *;q=0.1')).toBe('en');
    expect(negotiateLocale('pt;q=0.5, *;q=0.1, *')).toBe('en');
    expect(negotiateLocale('*;q=0.5, pt;q=0.5, *;q=0.5')).toBe('en');
  });

  it('serves the most wanted locale over the fallback when the fallback is less wanted', () => {
    expect(negotiateLocale('en;q=0.5, pt;q=0.8', 'pt-BR')).toBe('pt-BR');
    expect(negotiateLocale('pt;q=0.5, en;q=0.8', 'pt-BR')).toBe('en');
  });

  it('handles a very long header without throwing', () => {
    const header = `${Array.from({ length: 5000 }, () => 'fr;q=0.1').join(',')},pt`;

    expect(() => negotiateLocale(header)).not.toThrow();
  });
});
