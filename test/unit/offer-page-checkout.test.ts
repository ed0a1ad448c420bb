import { buildCheckoutUrl, parseCheckoutTemplate } from '../../functions/offer-page/checkout.ts';

describe('checkout template: plain http only on this machine', () => {
  it.each([
    ['http://127.0.0.1:4000/checkout?o={summaryId}', 'http://127.0.0.1:4000'],
    ['http://localhost:4000/checkout?o={summaryId}', 'http://localhost:4000'],
    ['https://localhost/checkout', 'https://localhost'],
    ['https://checkout.example.com/buy?o={summaryId}', 'https://checkout.example.com'],
  ])('accepts %s', (template, origin) => {
    expect(parseCheckoutTemplate(template)).toEqual({ template, origin });
  });

  it.each([
    ['http to another host', 'http://checkout.example.com/buy'],
    ['http to a host that only starts like localhost', 'http://localhost.example.com/buy'],
    ['http to another loopback address', 'http://127.0.0.2/buy'],
    ['another scheme on this machine', 'ftp://localhost/buy'],
    ['another scheme elsewhere', 'ftp://checkout.example.com/buy'],
  ])('refuses %s', (_label, template) => {
    expect(() => parseCheckoutTemplate(template)).toThrow('CHECKOUT_URL_TEMPLATE must use https');
  });

  it('refuses a placeholder in the host', () => {
    expect(() => parseCheckoutTemplate('https://x{advisorCode}.example.com/buy')).toThrow(
      'CHECKOUT_URL_TEMPLATE must not have placeholders in its host',
    );
  });

  it('names the unknown placeholder', () => {
    expect(() => parseCheckoutTemplate('https://shop.example.com/buy?a={summaryId}&b={price}')).toThrow(
      'CHECKOUT_URL_TEMPLATE has an unknown placeholder {price}',
    );
  });
});

describe('checkout template: terms and billing', () => {
  const accepted = [
    {
      sku: 'M365_BUSINESS_BASIC',
      name: 'Microsoft 365 Business Basic',
      licenses: 5,
      term: 'P1M' as const,
      billingFrequency: 'monthly' as const,
    },
    // As acceptances recorded before terms existed hold their lines: P1Y billed annually.
    { sku: 'TEAMS_ESSENTIALS', licenses: 2 },
  ];
  const build = (template: string) =>
    new URL(
      buildCheckoutUrl(parseCheckoutTemplate(template), {
        advisorCode: '4400001',
        summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX',
        items: accepted,
        delegatedAdmin: false,
      }),
    );

  it('fills {terms} with SKU:term:billing and {lines} with SKU:licenses:term:billing, per line in order', () => {
    const url = build('https://checkout.example.com/buy?items={items}&terms={terms}&lines={lines}');

    expect(url.searchParams.get('items')).toBe('M365_BUSINESS_BASIC:5,TEAMS_ESSENTIALS:2');
    expect(url.searchParams.get('terms')).toBe('M365_BUSINESS_BASIC:P1M:monthly,TEAMS_ESSENTIALS:P1Y:annual');
    expect(url.searchParams.get('lines')).toBe('M365_BUSINESS_BASIC:5:P1M:monthly,TEAMS_ESSENTIALS:2:P1Y:annual');
  });

  it('encodes the separators of a value, so a placeholder fills exactly one query parameter', () => {
    const url = build('https://checkout.example.com/buy?t={terms}');

    expect(url.search).toBe('?t=M365_BUSINESS_BASIC%3AP1M%3Amonthly%2CTEAMS_ESSENTIALS%3AP1Y%3Aannual');
  });

  it('keeps a template without the new placeholders working as before', () => {
    const url = build(
      'https://checkout.example.com/buy?advisor={advisorCode}&offer={summaryId}&items={items}&da={delegatedAdmin}',
    );

    expect(url.search).toBe(
      '?advisor=4400001&offer=ABCD-EFGH-JKMN-PQRS-TVWX&items=M365_BUSINESS_BASIC%3A5%2CTEAMS_ESSENTIALS%3A2&da=false',
    );
  });
});
