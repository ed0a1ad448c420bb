import {
  errorsFromDomain,
  expiryOf,
  type FormValues,
  formToCreateBody,
  NO_ERRORS,
  parseOfferForm,
  renderOfferForm,
} from '../../functions/console/offer-form.ts';
import { findSubscription } from '../../shared/catalog/catalog.ts';
import { formatMoney } from '../../shared/catalog/money.ts';
import { unitPrice } from '../../shared/catalog/price-lists.ts';
import { BUSINESS_FAMILY_SEAT_CAP } from '../../shared/catalog/quantity-rules.ts';
import { DomainError, UnprocessableError } from '../../shared/domain/errors.ts';
import { DuplicateReferenceError } from '../../shared/domain/offer.ts';
import { checkExpiry, checkItems, checkPartner } from '../../shared/domain/offer-create.ts';
import type { Office } from '../../shared/domain/office.ts';
import type { Locale } from '../../shared/i18n/locale.ts';
import { createOfferBody } from '../../shared/schemas/offers.ts';
import { partnerFixture } from '../support/offer.ts';

const BASIC = 'M365_BUSINESS_BASIC';
const STANDARD = 'M365_BUSINESS_STANDARD';

/** A form as a partner fills it in for Brazil: two subscriptions ticked, everything else filled. */
function filledForm(overrides: Record<string, string> = {}): FormValues {
  return {
    officeId: 'office-1',
    usageLocation: 'BR',
    shownLocation: 'BR',
    [`include.${BASIC}`]: 'yes',
    [`licenses.${BASIC}`]: '12',
    [`term.${BASIC}`]: 'P1Y/monthly',
    [`choice.${BASIC}.P1M.monthly`]: 'yes',
    [`include.${STANDARD}`]: 'yes',
    [`licenses.${STANDARD}`]: ' 3 ',
    [`term.${STANDARD}`]: 'P1Y/annual',
    // Typed but not ticked: not part of the offer.
    'licenses.TEAMS_ESSENTIALS': '7',
    delegatedAdmin: 'yes',
    locale: 'pt-BR',
    logoUrl: ' https://fabrikam.example/logo.png ',
    intro: 'Olá!\nSegue a oferta.',
    closing: 'Abraços',
    contactName: 'Pat Doe',
    contactEmail: 'pat@fabrikam.example',
    contactPhone: '+55 11 4000-0000',
    expiresOn: '2027-01-31',
    maxAcceptances: '5',
    reference: ' Q-2026-17 ',
    requireCustomerAgreement: 'yes',
    idempotencyKey: 'console-123',
    action: 'create',
    ...overrides,
  };
}

function withoutKeys(values: FormValues, ...names: string[]): FormValues {
  return Object.fromEntries(Object.entries(values).filter(([name]) => !names.includes(name)));
}

describe('console create form → POST /v1/offers body', () => {
  it('maps every field to the API body, ticked subscriptions only, in the order the form lists them', () => {
    const body = formToCreateBody(filledForm());

    expect(body).toEqual({
      officeId: 'office-1',
      usageLocation: 'BR',
      items: [
        {
          sku: BASIC,
          licenses: 12,
          term: 'P1Y',
          billingFrequency: 'monthly',
          termChoices: [{ term: 'P1M', billingFrequency: 'monthly' }],
        },
        { sku: STANDARD, licenses: 3, term: 'P1Y', billingFrequency: 'annual' },
      ],
      delegatedAdmin: true,
      locale: 'pt-BR',
      customization: {
        logoUrl: 'https://fabrikam.example/logo.png',
        intro: 'Olá!\nSegue a oferta.',
        closing: 'Abraços',
        contact: { name: 'Pat Doe', email: 'pat@fabrikam.example', phone: '+55 11 4000-0000' },
      },
      // The end of the chosen day in São Paulo (UTC−3, no daylight saving time since 2019).
      expiresAt: '2027-01-31T23:59:59-03:00',
      maxAcceptances: 5,
      reference: 'Q-2026-17',
      requireCustomerAgreement: true,
    });
    expect(createOfferBody.safeParse(body).success).toBe(true);
  });

  it('leaves empty optional fields out, so the API defaults apply (no customization, no expiry, no limit)', () => {
    const values = filledForm({
      logoUrl: '',
      intro: '',
      closing: '',
      contactName: '',
      contactEmail: '',
      contactPhone: '',
      expiresOn: '',
      maxAcceptances: '',
      reference: '  ',
    });

    const body = formToCreateBody(withoutKeys(values, 'delegatedAdmin', 'requireCustomerAgreement'));

    expect(body).not.toHaveProperty('customization');
    expect(body).not.toHaveProperty('expiresAt');
    expect(body).not.toHaveProperty('maxAcceptances');
    expect(body).not.toHaveProperty('reference');
    expect(body).not.toHaveProperty('requireCustomerAgreement');
    expect(body.delegatedAdmin).toBe(false);
  });

  it('passes what is not a whole number or a date as typed, for the schema to name', () => {
    const body = formToCreateBody(filledForm({ [`licenses.${BASIC}`]: '12abc', expiresOn: '31/01/2027' }));

    expect((body.items as { licenses: unknown }[])[0]?.licenses).toBe('12abc');
    expect(body.expiresAt).toBe('31/01/2027');
  });

  it('takes the end of the day in UTC for a usage location without a known time zone', () => {
    expect(expiryOf('2027-06-30', 'XX')).toBe('2027-06-30T23:59:59+00:00');
    expect(expiryOf('', 'BR')).toBeUndefined();
  });
});

describe('console create form: the schema’s rules as field errors', () => {
  it.each<[Locale, string, RegExp]>([
    ['en', 'intro', /Introduction must be at most 2,000 characters long/],
    ['pt-BR', 'intro', /Introdução deve ter no máximo 2\.000 caracteres/],
  ])('names an over-long intro next to it (%s)', (locale, field, message) => {
    const parsed = parseOfferForm(filledForm({ intro: 'x'.repeat(2001) }), locale);

    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.fields[field]).toMatch(message);
  });

  it.each<[Locale, RegExp]>([
    ['en', /must start with https:\/\//],
    ['pt-BR', /deve começar com https:\/\//],
  ])('refuses a logo that is not https (%s)', (locale, message) => {
    const parsed = parseOfferForm(filledForm({ logoUrl: 'http://fabrikam.example/logo.png' }), locale);

    expect(parsed.ok ? {} : parsed.errors.fields).toEqual({ logoUrl: expect.stringMatching(message) });
  });

  it('puts a bad license count next to its subscription’s field and a missing office on the office', () => {
    const parsed = parseOfferForm(filledForm({ [`licenses.${STANDARD}`]: 'lots', officeId: '' }), 'en');

    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.fields).toEqual({
      officeId: 'Choose an office',
      [`licenses.${STANDARD}`]: 'License count – Microsoft 365 Business Standard must be a whole number',
    });
  });

  it.each<[Locale, string]>([
    ['en', 'Maximum acceptances must be at least 1'],
    ['pt-BR', 'Máximo de aceites deve ser no mínimo 1'],
  ])('names the range of maximum acceptances (%s)', (locale, message) => {
    const parsed = parseOfferForm(filledForm({ maxAcceptances: '0' }), locale);

    expect(parsed.ok ? {} : parsed.errors.fields).toEqual({ maxAcceptances: message });
  });

  it('asks for the contact name when only an email is given (the API’s contact needs both)', () => {
    const parsed = parseOfferForm(filledForm({ contactName: '', contactPhone: '' }), 'en');

    expect(parsed.ok ? {} : parsed.errors.fields).toEqual({ contactName: 'Contact name is required' });
  });

  it('accepts the filled form as the API would', () => {
    const parsed = parseOfferForm(filledForm(), 'en');

    expect(parsed.ok).toBe(true);
    expect(parsed.skus).toEqual([BASIC, STANDARD]);
  });
});

/** The error the domain throws for `run`, for the mapping to turn into field errors. */
function domainError(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a domain error');
}

describe('console create form: the domain’s rules as field errors', () => {
  const basic = findSubscription(BASIC);

  it.each<[Locale, string]>([
    ['en', `The license count for Microsoft 365 Business Basic must be from 1 to ${basic?.maxLicenses}`],
    ['pt-BR', `A quantidade de licenças de Microsoft 365 Business Basic deve ser de 1 a ${basic?.maxLicenses}`],
  ])('shows a license count out of the SKU’s range on that subscription’s field (%s)', (locale, message) => {
    const error = domainError(() =>
      checkItems('BR', [
        { sku: STANDARD, licenses: 2 },
        { sku: BASIC, licenses: 10_000 },
      ]),
    );

    expect(errorsFromDomain(error, [STANDARD, BASIC], locale)).toEqual({ fields: { [`licenses.${BASIC}`]: message } });
  });

  it.each<[Locale, string]>([
    [
      'en',
      'Microsoft 365 Business Basic, Standard, Premium and Apps for business may have at most 300 licenses in total',
    ],
    [
      'pt-BR',
      'Microsoft 365 Business Basic, Standard, Premium e Apps for business podem ter no máximo 300 licenças no total',
    ],
  ])('shows the vendor’s cap across subscriptions on every license count it adds up (%s)', (locale, message) => {
    const cap = BUSINESS_FAMILY_SEAT_CAP.maxTotalLicenses;
    const error = domainError(() =>
      checkItems('BR', [
        { sku: BASIC, licenses: cap },
        { sku: STANDARD, licenses: 1 },
      ]),
    );

    expect(errorsFromDomain(error, [BASIC, STANDARD], locale).fields).toEqual({
      [`licenses.${BASIC}`]: message.replace('300', cap.toLocaleString(locale)),
      [`licenses.${STANDARD}`]: message.replace('300', cap.toLocaleString(locale)),
    });
  });

  it('shows a subscription not sold in the usage location on its tick box', () => {
    // The suites with Teams are not sold in the EEA.
    const error = domainError(() => checkItems('DE', [{ sku: BASIC, licenses: 1 }]));

    expect(errorsFromDomain(error, [BASIC], 'en').fields).toEqual({
      [`include.${BASIC}`]: 'Microsoft 365 Business Basic is not sold in this usage location',
    });
  });

  it.each<[Locale, string]>([
    ['en', 'Only partners certified for delegated administration may offer it'],
    ['pt-BR', 'Só parceiros certificados em administração delegada podem oferecê-la'],
  ])('shows delegated administration refused to an uncertified partner on its field (%s)', (locale, message) => {
    const partner = partnerFixture(new Date('2026-11-01T00:00:00Z'), { delegatedAdminCertified: false });
    const error = domainError(() => checkPartner(partner, { delegatedAdmin: true }));

    expect(errorsFromDomain(error, [], locale).fields).toEqual({ delegatedAdmin: message });
  });

  it.each<[Locale, string]>([
    ['en', 'The offer may stay open for at most 366 days'],
    ['pt-BR', 'A oferta pode ficar aberta por no máximo 366 dias'],
  ])('shows an expiry too far ahead on the date field (%s)', (locale, message) => {
    const now = new Date('2026-11-30T12:00:00Z');
    const error = domainError(() => checkExpiry('2028-01-01T23:59:59-03:00', now));

    expect(errorsFromDomain(error, [], locale).fields).toEqual({ expiresOn: message });
  });

  it('shows a reference already used on the reference field', () => {
    const error = new DuplicateReferenceError('Q-1', 'ABCD-EFGH-JKMN-PQRS-TVWX');

    expect(errorsFromDomain(error, [], 'pt-BR').fields).toEqual({
      reference: 'Você já usou esta referência em outra oferta; escolha outra',
    });
  });
});

const OFFICES: Office[] = [
  {
    partnerId: 'p-1',
    officeId: 'office-1',
    name: 'São Paulo',
    city: 'São Paulo',
    country: 'BR',
    active: true,
    sourceUpdatedAt: '2026-11-01T00:00:00.000Z',
    lastSyncedAt: '2026-11-29T00:00:00.000Z',
  },
  {
    partnerId: 'p-1',
    officeId: 'office-2',
    name: 'Campinas',
    city: 'Campinas',
    country: 'BR',
    active: false,
    sourceUpdatedAt: '2026-11-01T00:00:00.000Z',
    lastSyncedAt: '2026-11-29T00:00:00.000Z',
  },
];

function render(values: FormValues, errors = NO_ERRORS, locale: Locale = 'en', certified = true): string {
  return renderOfferForm(values, errors, {
    locale,
    csrfToken: 'csrf-token',
    action: '/console/offers/new',
    idempotencyKey: 'console-key-1',
    offices: OFFICES,
    lastSyncedAt: '2026-11-29T00:00:00.000Z',
    certified,
    now: new Date('2026-11-30T12:00:00Z'),
  }).value;
}

describe('console create form: the page', () => {
  it('shows each error next to its field, marked invalid, and links to it from a focused summary', () => {
    const errors = { fields: { [`licenses.${BASIC}`]: 'Too many', reference: 'Taken' }, form: 'Check the form' };

    const page = render(filledForm(), errors);

    expect(page).toMatch(/<div class="alert" role="alert" tabindex="-1" autofocus/);
    expect(page).toContain(`<li><a href="#licenses-${BASIC}">Too many</a></li>`);
    expect(page).toContain('<li><a href="#reference">Taken</a></li>');
    expect(page).toContain('<p>Check the form</p>');
    expect(page).toMatch(
      new RegExp(
        `id="licenses-${BASIC}"[^>]*aria-describedby="licenses-${BASIC}-hint licenses-${BASIC}-error" aria-invalid="true"`,
      ),
    );
    expect(page).toContain(`<p class="error" id="licenses-${BASIC}-error">Too many</p>`);
    // The summary lists fields in page order: the subscription before the reference.
    expect(page.indexOf(`href="#licenses-${BASIC}"`)).toBeLessThan(page.indexOf('href="#reference"'));
  });

  it('lists the subscriptions sold in the chosen usage location, with their limits and list prices', () => {
    const page = render(filledForm({ usageLocation: 'US', shownLocation: 'US' }));

    expect(page).toContain('Subscriptions sold in United States');
    expect(page).toMatch(new RegExp(`name="licenses.${BASIC}" type="number" inputmode="numeric" min="1" max="300"`));
    expect(page).toContain(`name="include.${BASIC}" value="yes" checked`);
    expect(page).toContain('name="include.M365_BUSINESS_BASIC_NO_TEAMS"');
    expect(page).toMatch(/\$[\d.,]+ per license per month/);
    // 12 Business Basic (1 year, billed monthly) and 3 Business Standard (1 year, paid up front).
    const unit = (sku: string, billingFrequency: 'monthly' | 'annual') => {
      const price = unitPrice({ market: 'US', sku, term: 'P1Y', billingFrequency });
      if (price.status !== 'priced') throw new Error(`${sku} has no US list price`);
      return price.monthlyUnitMinor;
    };
    const perMonth = unit(BASIC, 'monthly') * 12 + unit(STANDARD, 'annual') * 3;
    expect(page).toContain(
      `<dd id="estimate-month">${formatMoney({ amountMinor: perMonth, currency: 'USD' }, 'en')}</dd>`,
    );
    expect(page).toContain(
      `<dd id="estimate-year">${formatMoney({ amountMinor: perMonth * 12, currency: 'USD' }, 'en')}</dd>`,
    );
    expect(page).toContain('<div id="estimate-totals">');
    expect(page).toContain(`data-minor="${unit(BASIC, 'monthly')}" data-currency="USD"`);
  });

  it('says "price shown at checkout" where the usage location has no list price, and lists only what is sold there', () => {
    const page = render(filledForm({ usageLocation: 'DE', shownLocation: 'DE' }), NO_ERRORS, 'pt-BR');

    expect(page).toContain('Assinaturas vendidas em Alemanha');
    expect(page).not.toContain(`name="include.${BASIC}"`);
    expect(page).toContain('<p class="hint" id="estimate-checkout">Preço mostrado no pagamento</p>');
    expect(page).toContain('<div id="estimate-totals" hidden>');
  });

  it('asks for a usage location before listing subscriptions, and carries the form’s idempotency key', () => {
    const page = render({ officeId: 'office-1' });

    expect(page).toContain('Choose a usage location and select “Show subscriptions sold there”');
    expect(page).not.toContain('name="include.');
    expect(page).toContain('<input type="hidden" name="idempotencyKey" value="console-key-1">');
  });

  it('offers inactive offices disabled, and delegated administration only to a certified partner', () => {
    const uncertified = render(filledForm(), NO_ERRORS, 'pt-BR', false);
    const certified = render(filledForm(), NO_ERRORS, 'pt-BR', true);

    expect(uncertified).toContain('<option value="office-2" disabled>Campinas – Campinas (inativo)</option>');
    expect(uncertified).toContain('Sua organização não é certificada para administração delegada');
    expect(uncertified).not.toContain('name="delegatedAdmin"');
    expect(certified).toContain('name="delegatedAdmin" value="yes" checked');
  });

  it('escapes what the partner typed', () => {
    const page = render(filledForm({ reference: '"><script>alert(1)</script>' }));

    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('&quot;&gt;&lt;script&gt;');
  });
});

describe('console revise form: empty limits keep the offer’s values', () => {
  it.each<[Locale, string]>([
    ['en', 'When revising: left empty, the offer keeps its current value.'],
    ['pt-BR', 'Na revisão: vazio, a oferta mantém o valor atual.'],
  ])('says so under expiry, maximum acceptances and reference on the revise form only (%s)', (locale, words) => {
    const context = {
      locale,
      csrfToken: 'csrf-token',
      action: '/console/offers/ABCD/revise',
      idempotencyKey: 'console-key-1',
      offices: OFFICES,
      lastSyncedAt: null,
      certified: true,
      now: new Date('2026-11-30T12:00:00Z'),
    };

    const revising = renderOfferForm(filledForm(), NO_ERRORS, { ...context, revising: true }).value;
    const creating = renderOfferForm(filledForm(), NO_ERRORS, context).value;

    for (const id of ['expiresOn', 'maxAcceptances', 'reference']) {
      expect(revising).toMatch(new RegExp(`<p class="hint" id="${id}-hint">[^<]*${words.replace('.', '\\.')}</p>`));
    }
    expect(creating).not.toContain(words);
  });
});

describe('console form: words for what the form has no rule for', () => {
  it.each<[Locale, string, string]>([
    ['en', 'Your reference is not valid; check it and try again', 'The offer could not be saved with these options.'],
    [
      'pt-BR',
      'Sua referência: valor inválido; confira e tente de novo',
      'Não foi possível salvar a oferta com estas opções.',
    ],
  ])('never shows the API’s English: a generic sentence in %s', (locale, fieldWords, formWords) => {
    const unknownRule = new UnprocessableError('some-future-problem', 'Some rule', 'An English detail.', [
      { at: { field: 'reference' }, rule: 'some_future_rule', message: 'is broken in English' },
    ]);
    const noViolation = new UnprocessableError('some-future-refusal', 'Some refusal', 'An English detail.', []);

    const onField = errorsFromDomain(unknownRule, [], locale);
    const onForm = errorsFromDomain(noViolation, [], locale);

    expect(onField.fields).toEqual({ reference: fieldWords });
    expect(onForm.form).toContain(formWords);
    expect(JSON.stringify([onField, onForm])).not.toContain('English');
  });

  it.each<[Locale, RegExp]>([
    ['en', /fewer than 100 customers/],
    ['pt-BR', /menos de 100 clientes/],
  ])('says why a partner with 100 customers or more is refused, in %s', (locale, words) => {
    const partner = partnerFixture(new Date('2026-11-01T00:00:00Z'), { customerCount: 100 });
    const error = domainError(() => checkPartner(partner, { delegatedAdmin: false }));

    expect(errorsFromDomain(error, [], locale).form).toMatch(words);
  });
});

describe('console create form: a term option with more than term and billing', () => {
  it('refuses `P1Y/annual/x` on the subscription’s term field instead of dropping the extra part', () => {
    const values = filledForm({ [`term.${STANDARD}`]: 'P1Y/annual/x' });
    const parsed = parseOfferForm(values, 'en');
    if (!parsed.ok) throw new Error('the schema takes any identifier; the catalog refuses it');

    const error = domainError(() => checkItems('BR', parsed.body.items));

    expect(parsed.body.items[1]).toMatchObject({ sku: STANDARD, term: 'P1Y', billingFrequency: 'annual/x' });
    expect(errorsFromDomain(error, parsed.skus, 'en').fields).toEqual({
      [`term.${STANDARD}`]: 'Choose a billing frequency from the list',
    });
  });
});
