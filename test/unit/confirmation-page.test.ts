import { acceptedPage, CHECKOUT_CONTINUE_SECONDS } from '../../functions/offer-page/pages.ts';
import type { Acceptance } from '../../shared/domain/acceptance.ts';
import { basicOffer } from '../support/offer.ts';

const XSS = '<script>alert(1)</script>';

function acceptance(overrides: Partial<Acceptance> = {}): Acceptance {
  return {
    summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX',
    submissionId: `mhx000000${'A'.repeat(22)}`,
    companyName: 'Tailwind Traders',
    contactName: 'Rita Alves',
    email: 'rita@tailwind.example',
    items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 1200 }],
    delegatedAdmin: false,
    acceptedAt: '2026-11-29T12:00:00.000Z',
    ...overrides,
  };
}

describe('the confirmation page', () => {
  const checkoutUrl = 'https://checkout.example.com/buy?offer=ABCD&items=M365_BUSINESS_BASIC%3A1200&da=false';

  it('continues to the checkout by link and by meta refresh, the URL escaped once in each', () => {
    const page = acceptedPage({
      offer: basicOffer({ delegatedAdmin: true }),
      acceptance: acceptance(),
      locale: 'en',
      checkoutUrl,
      path: '/o/ABCD/accepted/v1.x',
    });
    const escaped = checkoutUrl.replaceAll('&', '&amp;');
    expect(page).toContain(`<meta http-equiv="refresh" content="${CHECKOUT_CONTINUE_SECONDS};url=${escaped}">`);
    expect(page).toContain(`<a class="button" href="${escaped}">Continue to checkout</a>`);
    expect(page).toContain('Without delegated administration');
    expect(page).toContain('href="/o/ABCD/accepted/v1.x?lang=pt-BR"');
  });

  it('escapes what the customer and the partner typed, and localises counts', () => {
    const offer = basicOffer({ partner: { name: XSS, advisorCode: '1', contact: { name: XSS, email: 'a@b.co' } } });
    const page = acceptedPage({
      offer,
      acceptance: acceptance({ companyName: XSS, contactName: XSS }),
      locale: 'pt-BR',
      checkoutUrl,
      path: '/o/x/accepted/y',
    });
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('1.200 licenças');
    // No delegated-admin line when the offer did not include it.
    expect(page).not.toContain('administração delegada');
  });
});
