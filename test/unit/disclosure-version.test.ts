import { createHash } from 'node:crypto';
import { DISCLOSURE_TEXT_SHA256, DISCLOSURE_VERSION } from '../../functions/offer-page/disclosure-version.ts';
import { QUANTITY_RULES } from '../../shared/catalog/quantity-rules.ts';
import { BILLING_FREQUENCIES, COMMITMENT_TERMS } from '../../shared/catalog/terms.ts';
import { LOCALES } from '../../shared/i18n/locale.ts';
import { PAGE_TEXT } from '../../shared/offer-page/page-text.ts';
import { disclosures } from '../../shared/render/disclosures.ts';

/**
 * Every disclosure wording an acceptance records under DISCLOSURE_VERSION, in every locale: the
 * notes before accepting (with the delegated-administration one) and the page's price and commitment
 * texts, their variable parts left as {placeholders} so only the wording counts.
 */
function disclosureWording(): unknown {
  return LOCALES.map((locale) => {
    const text = PAGE_TEXT[locale];
    const notes = disclosures(locale, {
      partnerName: '{partner}',
      contact: { name: '{name}', email: '{email}', phone: '{phone}' },
      delegatedAdmin: true,
    });
    return {
      locale,
      notes: notes.map((note) => [note.id, note.text]),
      termName: COMMITMENT_TERMS.map((term) => text.termName[term]),
      billing: BILLING_FREQUENCIES.flatMap((frequency) => [
        text.billing(frequency, true),
        text.billing(frequency, false),
      ]),
      perLicensePer: [1, 12, 36].map((months) => text.perLicensePer('{amount}', months)),
      monthlyEquivalent: text.monthlyEquivalent('{amount}'),
      lineTotal: [1, 12, 36].flatMap((months) => [
        text.lineTotal('{count}', true, '{amount}', months),
        text.lineTotal('{count}', false, '{amount}', months),
      ]),
      priceAtCheckout: text.priceAtCheckout,
      totals: [
        text.totalsHeading,
        text.totalPerMonth,
        text.totalPerYear,
        text.totalsNote,
        text.totalsPartial,
        text.totalsMonthlyTerm,
        text.totalsNeedValidCounts,
      ],
      commitment: [
        text.commitmentHeading,
        text.commitmentIfToday,
        text.commitmentAsAccepted('{when}'),
        ...COMMITMENT_TERMS.map((term) => text.commitmentClock(term, '{days}', '{hours}', '{until}', '{termEnd}')),
      ],
      quantityRules: QUANTITY_RULES.map((rule) => text.quantityRule[rule.id]('{max}')),
    };
  });
}

describe('the disclosure version', () => {
  it(`${DISCLOSURE_VERSION} stands for the wording whose SHA-256 is recorded with it: new wording needs a new version`, () => {
    const digest = createHash('sha256').update(JSON.stringify(disclosureWording())).digest('hex');

    // On a failure: set DISCLOSURE_VERSION to the day of the change and DISCLOSURE_TEXT_SHA256 to `digest`.
    expect(digest).toBe(DISCLOSURE_TEXT_SHA256);
  });
});
