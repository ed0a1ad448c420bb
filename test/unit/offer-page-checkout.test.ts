import { parseCheckoutTemplate } from '../../functions/offer-page/checkout.ts';

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
