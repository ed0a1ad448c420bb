import { acceptLanguageHeaders, boundedAcceptLanguage } from '../../shared/schemas/common.ts';

describe('Accept-Language bounds', () => {
  it('keeps a header of up to 256 characters as sent', () => {
    const header = `pt-BR,${'en;q=0.5,'.repeat(30)}`.slice(0, 256);
    expect(header).toHaveLength(256);
    expect(boundedAcceptLanguage(header)).toBe(header);
  });

  it('cuts a longer header after its last whole entry within 256 characters', () => {
    const header = ['pt-BR', 'en;q=0.9', ...Array.from({ length: 60 }, (_, i) => `x${i};q=0.1`)].join(',');
    expect(header.length).toBeGreaterThan(256);
    const bounded = boundedAcceptLanguage(header) ?? '';
    expect(bounded.length).toBeLessThanOrEqual(256);
    expect(header.startsWith(`${bounded},`)).toBe(true);
  });

  it('drops a header whose first entry alone is over 256 characters', () => {
    expect(boundedAcceptLanguage(`pt-BR${'x'.repeat(300)}`)).toBeUndefined();
  });

  it('never rejects the header', () => {
    const result = acceptLanguageHeaders.safeParse({ 'accept-language': `pt-BR,${'en;q=0.1,'.repeat(200)}` });
    expect(result.success).toBe(true);
    expect(result.data?.['accept-language']?.startsWith('pt-BR,')).toBe(true);
  });
});
