import { acceptanceOf } from '../../functions/offer-page/evidence.ts';
import { type AcceptForm, parseAcceptForm } from '../../functions/offer-page/form.ts';
import { FORM_TEXT } from '../../functions/offer-page/form-text.ts';
import { offerPage } from '../../functions/offer-page/pages.ts';
import type { LinePrice, Offer } from '../../shared/domain/offer.ts';
import { PAGE_TEXT } from '../../shared/offer-page/page-text.ts';
import { basicOffer } from '../support/offer.ts';

const SUBMISSION = `mhx000000${'A'.repeat(22)}`;
const STALE = 'This form is out of date. Please check the offer and submit it again.';

/** A unit price snapshot as an offer holds it: per license per month, and per bill. */
function price(monthlyUnitMinor: number, billingPeriodMonths: number): LinePrice {
  return {
    currency: 'USD',
    monthlyUnitMinor,
    perBillingPeriodMinor: monthlyUnitMinor * billingPeriodMonths,
    billingPeriodMonths,
  };
}

/** Business Basic with three options the customer may pick (its own first), Teams Essentials fixed. */
function offerWithChoices(overrides: Partial<Offer> = {}): Offer {
  return basicOffer({
    items: [
      {
        sku: 'M365_BUSINESS_BASIC',
        licenses: 4,
        term: 'P1Y',
        billingFrequency: 'annual',
        unitPrice: price(600, 12),
        choices: [
          { term: 'P1Y', billingFrequency: 'annual', unitPrice: price(600, 12) },
          { term: 'P1Y', billingFrequency: 'monthly', unitPrice: price(630, 1) },
          { term: 'P1M', billingFrequency: 'monthly', unitPrice: price(720, 1) },
        ],
      },
      { sku: 'TEAMS_ESSENTIALS', licenses: 2, term: 'P1Y', billingFrequency: 'monthly', unitPrice: price(420, 1) },
    ],
    catalogVersion: '2026-11-01',
    priceListVersion: 'US-2026-07',
    ...overrides,
  });
}

function fields(extra: Record<string, string> = {}, omit: readonly string[] = []): Record<string, string> {
  const all: Record<string, string> = {
    submission: SUBMISSION,
    company: 'Tailwind Traders',
    firstName: 'Rita',
    lastName: 'Alves',
    email: 'rita@tailwind.example',
    phone: '',
    jobTitle: '',
    purchaseOrder: '',
    'licenses.M365_BUSINESS_BASIC': '5',
    'licenses.TEAMS_ESSENTIALS': '2',
    'term.0': 'P1Y/annual',
    ...extra,
  };
  for (const name of omit) delete all[name];
  return all;
}

const parse = (posted: Record<string, string>, offer = offerWithChoices(), locale: 'en' | 'pt-BR' = 'en') =>
  parseAcceptForm(posted, offer, PAGE_TEXT[locale], FORM_TEXT[locale]);

describe('the accept form: who accepts', () => {
  it.each([
    ['firstName', 'first'],
    ['lastName', 'last'],
  ])('requires %s (the %s name of the person accepting)', (field) => {
    expect(parse(fields({}, [field]))).toMatchObject({ ok: false, errors: { [field]: 'Fill in this field.' } });
    expect(parse(fields({ [field]: '  ' }))).toMatchObject({ ok: false, errors: { [field]: 'Fill in this field.' } });
  });

  it('takes names of 100 characters and says "at most 100" for 101', () => {
    expect(parse(fields({ firstName: 'r'.repeat(100), lastName: 'a'.repeat(100) }))).toMatchObject({ ok: true });
    expect(parse(fields({ lastName: 'a'.repeat(101) }))).toMatchObject({
      ok: false,
      errors: { lastName: 'Use at most 100 characters.' },
    });
  });

  it('leaves phone, job title and purchase order out when they are sent empty or blank', () => {
    const result = parse(fields({ phone: ' ', jobTitle: '', purchaseOrder: '   ' }));

    expect(result.ok).toBe(true);
    for (const field of ['phone', 'jobTitle', 'purchaseOrder']) {
      expect(result.ok && Object.hasOwn(result.value, field)).toBe(false);
    }
  });

  it('gives phone, job title and purchase order trimmed and NFC when filled in', () => {
    const result = parse(
      fields({
        phone: ' +1 (425) 555-0100 ',
        jobTitle: ' Diretora de Operac\u0327o\u0303es ',
        purchaseOrder: 'PO-2026/0042',
      }),
    );

    expect(result).toMatchObject({
      ok: true,
      value: { phone: '+1 (425) 555-0100', jobTitle: 'Diretora de Operações', purchaseOrder: 'PO-2026/0042' },
    });
  });

  it.each([['call me'], ['12345'], ['+55 11 4000-0000 ext'], ['-5511']])(
    'refuses the phone number %j with the rule in words',
    (phone) => {
      expect(parse(fields({ phone }))).toMatchObject({
        ok: false,
        errors: { phone: 'Enter a phone number: digits, spaces, ( ) . - and an optional leading +.' },
      });
    },
  );

  it('takes a phone number of 32 characters and says "at most 32" for 33', () => {
    expect(parse(fields({ phone: `+55 ${'1'.repeat(28)}` }))).toMatchObject({ ok: true });
    expect(parse(fields({ phone: `+55 ${'1'.repeat(29)}` }))).toMatchObject({
      ok: false,
      errors: { phone: 'Use at most 32 characters.' },
    });
  });

  it('says at most 64 characters for a longer purchase-order number, and refuses one without a letter or digit', () => {
    expect(parse(fields({ purchaseOrder: 'P'.repeat(64) }))).toMatchObject({ ok: true });
    expect(parse(fields({ purchaseOrder: 'P'.repeat(65) }))).toMatchObject({
      ok: false,
      errors: { purchaseOrder: 'Use at most 64 characters.' },
    });
    expect(parse(fields({ purchaseOrder: '#/-' }))).toMatchObject({
      ok: false,
      errors: { purchaseOrder: 'Use at least one letter or digit.' },
    });
  });

  it('treats the old single name field as a form that is not ours', () => {
    expect(parse(fields({ name: 'Rita Alves' }, ['firstName', 'lastName']))).toMatchObject({
      ok: false,
      formError: STALE,
    });
  });
});

describe('the accept form: the customer agreement', () => {
  const requiring = () => offerWithChoices({ requireCustomerAgreement: true });

  it('requires the box when the offer asks for the agreement, in the page’s language', () => {
    expect(parse(fields(), requiring())).toMatchObject({
      ok: false,
      errors: { customerAgreement: 'Tick this box to accept the Microsoft Customer Agreement, or decline the offer.' },
    });
    expect(parse(fields(), requiring(), 'pt-BR')).toMatchObject({
      ok: false,
      errors: {
        customerAgreement: 'Marque esta caixa para aceitar o Contrato de Cliente da Microsoft, ou recuse a oferta.',
      },
    });
    expect(parse(fields({ customerAgreement: 'no' }), requiring())).toMatchObject({
      ok: false,
      errors: { customerAgreement: expect.stringContaining('Tick this box') },
    });
  });

  it('records the box ticked', () => {
    expect(parse(fields({ customerAgreement: 'yes' }), requiring())).toMatchObject({
      ok: true,
      value: { agreedToCustomerAgreement: true },
    });
  });

  it('treats the box posted to an offer that does not ask for it as a form that is not ours', () => {
    expect(parse(fields({ customerAgreement: 'yes' }))).toMatchObject({ ok: false, errors: {}, formError: STALE });
  });
});

describe('the accept form: the term chosen', () => {
  it.each([
    ['P1Y/annual', 'P1Y', 'annual', price(600, 12)],
    ['P1Y/monthly', 'P1Y', 'monthly', price(630, 1)],
    ['P1M/monthly', 'P1M', 'monthly', price(720, 1)],
  ])('takes %s with the unit price the offer holds for that option', (posted, term, billingFrequency, unitPrice) => {
    const result = parse(fields({ 'term.0': posted }));

    expect(result).toMatchObject({
      ok: true,
      value: {
        items: [
          {
            sku: 'M365_BUSINESS_BASIC',
            name: 'Microsoft 365 Business Basic',
            licenses: 5,
            term,
            billingFrequency,
            unitPrice,
          },
          // Without choices the line keeps its own term, billing and price.
          {
            sku: 'TEAMS_ESSENTIALS',
            name: 'Microsoft Teams Essentials',
            licenses: 2,
            term: 'P1Y',
            billingFrequency: 'monthly',
            unitPrice: price(420, 1),
          },
        ],
      },
    });
  });

  it.each([
    ['a term not among the line’s choices', { 'term.0': 'P3Y/triennial' }],
    ['a term without its billing', { 'term.0': 'P1Y' }],
    ['nothing', {}],
  ])('asks to choose a term offered for %s', (_label, extra) => {
    const posted = { ...fields({}, ['term.0']), ...extra };

    expect(parse(posted)).toMatchObject({ ok: false, errors: { 'term.0': 'Choose one of the terms offered.' } });
  });

  it('treats a term posted for a line without choices as a form that is not ours', () => {
    expect(parse(fields({ 'term.1': 'P1Y/monthly' }))).toMatchObject({ ok: false, errors: {}, formError: STALE });
  });

  it('keeps a line whose only choice is its own term fixed: nothing to post', () => {
    const single = offerWithChoices();
    const [first, second] = single.items;
    const offer = { ...single, items: [{ ...first, choices: first?.choices?.slice(0, 1) }, second] } as Offer;

    expect(parse(fields({}, ['term.0']), offer)).toMatchObject({ ok: true });
    expect(parse(fields(), offer)).toMatchObject({ ok: false, formError: STALE });
  });
});

describe('the accept form: the Business-family seat cap across lines', () => {
  const businessOffer = () =>
    basicOffer({
      items: [
        { sku: 'M365_BUSINESS_BASIC', licenses: 100 },
        { sku: 'M365_BUSINESS_STANDARD', licenses: 100 },
        { sku: 'TEAMS_ESSENTIALS', licenses: 5 },
      ],
    });
  const counts = (basic: string, standard: string, extra: Record<string, string> = {}) =>
    fields(
      {
        'licenses.M365_BUSINESS_BASIC': basic,
        'licenses.M365_BUSINESS_STANDARD': standard,
        'licenses.TEAMS_ESSENTIALS': '5',
        ...extra,
      },
      ['term.0'],
    );

  it('names the limit and the lines on each Business line when changed counts add up to more than 300', () => {
    const message =
      'At most 300 licenses in total across the Microsoft 365 Business plans in one organisation: Microsoft 365 Business Basic and Microsoft 365 Business Standard add up to 400.';

    expect(parse(counts('200', '200'), businessOffer())).toEqual({
      ok: false,
      values: counts('200', '200'),
      errors: { 'licenses.M365_BUSINESS_BASIC': message, 'licenses.M365_BUSINESS_STANDARD': message },
    });
  });

  it('says it in Portuguese on the pt-BR page', () => {
    expect(parse(counts('150', '151'), businessOffer(), 'pt-BR')).toMatchObject({
      ok: false,
      errors: {
        'licenses.M365_BUSINESS_BASIC':
          'No máximo 300 licenças no total entre os planos Microsoft 365 Business em uma organização: Microsoft 365 Business Basic e Microsoft 365 Business Standard somam 301.',
      },
    });
  });

  it('takes counts that add up to exactly 300', () => {
    expect(parse(counts('150', '150'), businessOffer())).toMatchObject({ ok: true });
  });

  it('shows the cap with the other fields’ errors at once', () => {
    expect(parse(counts('250', '100', { email: 'rita' }), businessOffer())).toMatchObject({
      ok: false,
      errors: {
        email: 'Enter an email address such as name@example.com.',
        'licenses.M365_BUSINESS_BASIC': expect.stringContaining('add up to 350'),
        'licenses.M365_BUSINESS_STANDARD': expect.stringContaining('add up to 350'),
      },
    });
  });

  it('leaves a count out of range to its own message, without the cap', () => {
    const result = parse(counts('301', '100'), businessOffer());

    expect(result).toMatchObject({
      ok: false,
      errors: { 'licenses.M365_BUSINESS_BASIC': 'Enter a whole number from 1 to 300.' },
    });
    expect(result.ok ? undefined : result.errors['licenses.M365_BUSINESS_STANDARD']).toBeUndefined();
  });
});

describe('the acceptance snapshot', () => {
  const NOW = new Date('2026-12-31T23:30:00.000Z');
  const answer = (overrides: Partial<AcceptForm> = {}): AcceptForm => ({
    companyName: 'Tailwind Traders',
    firstName: 'Rita',
    lastName: 'Alves',
    email: 'rita@tailwind.example',
    items: [
      {
        sku: 'M365_BUSINESS_BASIC',
        name: 'Microsoft 365 Business Basic',
        licenses: 5,
        term: 'P1M',
        billingFrequency: 'monthly',
        unitPrice: price(720, 1),
      },
    ],
    delegatedAdmin: false,
    agreedToCustomerAgreement: false,
    ...overrides,
  });

  it('records who, what at which price, the versions shown and when', () => {
    const acceptance = acceptanceOf(offerWithChoices(), answer({ phone: '+1 425 555 0100', purchaseOrder: 'PO-7' }), {
      submissionId: 'sub-1',
      now: NOW,
    });

    expect(acceptance).toEqual({
      summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX',
      submissionId: 'sub-1',
      companyName: 'Tailwind Traders',
      contactName: 'Rita Alves',
      firstName: 'Rita',
      lastName: 'Alves',
      email: 'rita@tailwind.example',
      phone: '+1 425 555 0100',
      purchaseOrder: 'PO-7',
      items: answer().items,
      delegatedAdmin: false,
      acceptedAt: '2026-12-31T23:30:00.000Z',
      catalogVersion: '2026-11-01',
      priceListVersion: 'US-2026-07',
      disclosureVersion: '2026-11-30',
    });
  });

  it('records the agreement attestation with the UTC date agreed and the person accepting as primary contact', () => {
    const acceptance = acceptanceOf(
      offerWithChoices({ requireCustomerAgreement: true }),
      answer({ agreedToCustomerAgreement: true, phone: '+55 11 4000-0000', jobTitle: 'CFO' }),
      { submissionId: 'sub-1', now: NOW },
    );

    expect(acceptance.customerAgreement).toEqual({
      agreementUrl: 'https://aka.ms/customeragreement',
      dateAgreed: '2026-12-31',
      primaryContact: {
        firstName: 'Rita',
        lastName: 'Alves',
        email: 'rita@tailwind.example',
        phone: '+55 11 4000-0000',
      },
    });
    expect(acceptance.jobTitle).toBe('CFO');
  });

  it('records no attestation for an offer that does not ask for the agreement, and no versions an old offer lacks', () => {
    const old = basicOffer();

    const acceptance = acceptanceOf(old, answer({ agreedToCustomerAgreement: true }), { submissionId: 's', now: NOW });

    expect(acceptance.customerAgreement).toBeUndefined();
    expect('catalogVersion' in acceptance || 'priceListVersion' in acceptance).toBe(false);
    expect(acceptance.disclosureVersion).toBe('2026-11-30');
  });
});

describe('the accept form on the page', () => {
  /** Ids defined on the page, and the ids its aria-describedby, labels and summary links point to. */
  function ids(page: string): { defined: string[]; referenced: string[] } {
    const defined = [...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1] ?? '');
    const described = [...page.matchAll(/aria-describedby="([^"]+)"/g)].flatMap((m) => (m[1] ?? '').split(' '));
    const linked = [...page.matchAll(/<a href="#([^"]+)">/g)].map((m) => m[1] ?? '');
    const labelled = [...page.matchAll(/\sfor="([^"]+)"/g)].map((m) => m[1] ?? '');
    return { defined, referenced: [...described, ...linked, ...labelled] };
  }

  it('asks first and last name and email as required, phone, job title and purchase order as optional', () => {
    const page = offerPage({ offer: offerWithChoices(), locale: 'en', submissionToken: 's' });

    for (const name of ['firstName', 'lastName', 'email']) {
      expect(page).toMatch(new RegExp(`<input [^>]*name="${name}"[^>]* required`));
    }
    for (const name of ['phone', 'jobTitle', 'purchaseOrder']) {
      expect(page).toMatch(new RegExp(`<input [^>]*name="${name}"`));
      expect(page).not.toMatch(new RegExp(`<input [^>]*name="${name}"[^>]* required`));
    }
    expect(page).toContain('<label for="first-name">First name</label>');
    expect(page).toContain('<label for="purchase-order">Purchase order number (optional)</label>');
    expect(page).not.toContain('name="customerAgreement"');
  });

  it('shows the required agreement checkbox, linking to the agreement, only when the offer requires it', () => {
    const page = offerPage({
      offer: offerWithChoices({ requireCustomerAgreement: true }),
      locale: 'pt-BR',
      submissionToken: 's',
    });

    expect(page).toMatch(
      /<input type="checkbox" id="customer-agreement" name="customerAgreement" value="yes" required/,
    );
    expect(page).toContain(
      'Aceito o <a href="https://aka.ms/customeragreement" rel="noopener noreferrer" target="_blank">Contrato de Cliente da Microsoft</a>',
    );
  });

  it('puts each error next to its field and in the summary, keeping what was typed and every id reference sound', () => {
    const offer = offerWithChoices({ requireCustomerAgreement: true });
    const posted = fields({ firstName: '', phone: 'call me', purchaseOrder: 'PO-<b>7</b>' });

    const result = parseAcceptForm(posted, offer, PAGE_TEXT.en, FORM_TEXT.en);
    expect(result.ok).toBe(false);
    const page = offerPage({
      offer,
      locale: 'en',
      submissionToken: 's',
      form: result.ok ? { values: {}, errors: {} } : result,
    });

    expect(page).toContain('<p class="error" id="first-name-error">Fill in this field.</p>');
    expect(page).toContain(
      '<p class="error" id="phone-error">Enter a phone number: digits, spaces, ( ) . - and an optional leading +.</p>',
    );
    expect(page).toContain(
      '<p class="error" id="customer-agreement-error">Tick this box to accept the Microsoft Customer Agreement, or decline the offer.</p>',
    );
    expect(page).toContain('<a href="#customer-agreement">Microsoft Customer Agreement: Tick this box');
    expect(page).toContain('value="PO-&lt;b&gt;7&lt;/b&gt;"');
    expect(page).toContain('value="call me"');
    const { defined, referenced } = ids(page);
    expect(new Set(defined).size).toBe(defined.length);
    for (const id of referenced) expect(defined).toContain(id);
  });
});
