import type { QuantityRule } from '../catalog/quantity-rules.ts';
import { BILLING_PERIOD_MONTHS, type BillingFrequency, type CommitmentTerm, TERM_MONTHS } from '../catalog/terms.ts';
import { formatNumber } from '../i18n/format.ts';
import type { Locale } from '../i18n/locale.ts';

/** Every word the customer pages show, per locale; partner-supplied text never goes through here. */
export interface PageText {
  readonly offerTitle: (partner: string) => string;
  readonly offerLead: (partner: string) => string;
  readonly subscriptions: string;
  readonly licensesFor: (name: string) => string;
  readonly licenseRange: (min: number, max: number) => string;
  /** Under a subscription sold only to organisations that already have it. */
  readonly existingSubscribersOnly: (name: string) => string;
  // The price and commitment wording below is what acceptances record as DISCLOSURE_VERSION
  // (functions/offer-page/disclosure-version.ts): change that version whenever this wording changes.
  /** A term in words, as the line shows it: "1-year commitment". */
  readonly termName: Readonly<Record<CommitmentTerm, string>>;
  /**
   * How a line is billed within its term; `upFront` when one bill covers the whole term (a monthly
   * term billed monthly is "billed monthly", not "paid up front").
   */
  readonly billing: (billingFrequency: BillingFrequency, upFront: boolean) => string;
  /** A unit price (already formatted) for one license and one bill covering `months` months. */
  readonly perLicensePer: (amount: string, months: number) => string;
  /** After a unit price billed for several months: what it comes to per month. */
  readonly monthlyEquivalent: (amount: string) => string;
  /**
   * The line total for `count` licenses, per bill of `months` months; `count` and `amount` already
   * formatted (or placeholders, for the page's script), `one` when the count is 1.
   */
  readonly lineTotal: (count: string, one: boolean, amount: string, months: number) => string;
  /** Instead of a price, for a line without a sourced list price. */
  readonly priceAtCheckout: string;
  readonly totalsHeading: string;
  readonly totalPerMonth: string;
  readonly totalPerYear: string;
  readonly totalsNote: string;
  /** Under totals that leave out lines without a price. */
  readonly totalsPartial: string;
  /** Under totals that include a monthly term: how its yearly figure is counted. */
  readonly totalsMonthlyTerm: string;
  /** Instead of totals while a posted license count is not a valid one. */
  readonly totalsNeedValidCounts: string;
  readonly commitmentHeading: string;
  readonly commitmentIfToday: string;
  /** On the confirmation page, before the clock counted from the acceptance; `when` as for validUntil. */
  readonly commitmentAsAccepted: (when: string) => string;
  /**
   * The commitment clock of a term, all parts formatted: the reduce-or-cancel window in days and
   * hours, the instant it closes (with its zone) and the term's last day.
   */
  readonly commitmentClock: (
    term: CommitmentTerm,
    days: string,
    hours: string,
    until: string,
    termEnd: string,
  ) => string;
  /** Legend of the term and billing choice of a line. */
  readonly termChoiceLegend: (name: string) => string;
  /** Next to the lines a vendor quantity rule spans; `max` already formatted. */
  readonly quantityRule: Readonly<Record<QuantityRule['id'], (max: string) => string>>;
  readonly replacedTitle: string;
  readonly replacedBody: (partner: string) => string;
  readonly replacedLink: string;
  /** `when` is already formatted (formatDateTime): date, time and the zone's name. */
  readonly validUntil: (when: string) => string;
  /** On the expired offer's page; `when` as for validUntil. */
  readonly wasValidUntil: (when: string) => string;
  readonly yourDetails: string;
  readonly companyName: string;
  readonly contactName: string;
  readonly email: string;
  readonly delegatedAdminLegend: string;
  readonly delegatedAdminYes: string;
  readonly delegatedAdminNo: string;
  readonly beforeYouAccept: string;
  readonly accept: string;
  readonly declineSummary: string;
  readonly declineReason: string;
  readonly decline: string;
  readonly contactHeading: string;
  readonly offerRef: (summaryId: string) => string;
  readonly switchLanguage: string;
  /** The document title of a page whose form has errors: screen readers announce it first. */
  readonly titleWithErrors: (title: string) => string;
  readonly errorSummaryTitle: string;
  readonly errors: {
    readonly required: string;
    readonly licenses: (min: number, max: number) => string;
    readonly email: string;
    readonly tooLong: (max: number) => string;
    readonly choice: string;
    readonly hiddenCharacters: string;
    readonly needsLetterOrDigit: string;
    readonly emailLocalPartTooLong: string;
    /** Form-level: the form is not the one this page rendered (missing/forged fields, repeated keys). */
    readonly stale: string;
    readonly duplicate: string;
    readonly mediaType: string;
    readonly encoding: string;
    readonly tooLarge: string;
    readonly busy: string;
    /** Form-level: the form's token is older than its 24 hours; the page comes back with a fresh one. */
    readonly expired: string;
    /** Form-level: the answer came from a client that looks automated; nothing was recorded. */
    readonly automated: string;
  };
  readonly acceptedTitle: (partner: string) => string;
  readonly acceptedNext: (partner: string) => string;
  readonly acceptedWhat: string;
  readonly acceptedLicenses: (name: string, count: string) => string;
  readonly acceptedWithDelegatedAdmin: string;
  readonly acceptedWithoutDelegatedAdmin: string;
  readonly acceptedBy: (contactName: string, company: string, email: string) => string;
  readonly continueToCheckout: string;
  readonly continuingIn: (seconds: number) => string;
  readonly crossSiteTitle: string;
  readonly crossSiteBody: string;
  readonly declinedTitle: string;
  readonly declinedBody: (partner: string) => string;
  readonly statusTitle: Record<'deactivated' | 'expired' | 'exhausted', string>;
  readonly statusBody: Record<'deactivated' | 'expired' | 'exhausted', (partner: string) => string>;
  /** Introduces the partner's own words on a deactivated offer. */
  readonly partnerMessage: (partner: string) => string;
  readonly notFoundTitle: string;
  readonly notFoundBody: string;
  /** A customer address asked with a method it does not take (a script, a bookmarklet, a broken form). */
  readonly methodNotAllowedTitle: string;
  readonly methodNotAllowedBody: string;
  readonly errorTitle: string;
  readonly errorBody: string;
  readonly busyTitle: string;
  readonly busyBody: string;
}

const EN_TERM_NAME = { P1M: 'Monthly commitment', P1Y: '1-year commitment', P3Y: '3-year commitment' } as const;
const EN_TERM_ADJECTIVE = { P1M: 'monthly', P1Y: '1-year', P3Y: '3-year' } as const;
const PT_TERM_NAME = { P1M: 'Compromisso mensal', P1Y: 'Compromisso de 1 ano', P3Y: 'Compromisso de 3 anos' } as const;
const PT_TERM_ADJECTIVE = { P1M: 'mensal', P1Y: 'de 1 ano', P3Y: 'de 3 anos' } as const;

/** A billing period in words: 1 → "month", 12 → "year", 36 → "3 years". */
function enPeriod(months: number): string {
  if (months === 1) return 'month';
  if (months === 12) return 'year';
  return months % 12 === 0 ? `${months / 12} years` : `${months} months`;
}

function ptPeriod(months: number): string {
  if (months === 1) return 'mês';
  if (months === 12) return 'ano';
  return months % 12 === 0 ? `${months / 12} anos` : `${months} meses`;
}

export const PAGE_TEXT: Record<Locale, PageText> = {
  en: {
    offerTitle: (partner) => `Your subscription offer from ${partner}`,
    offerLead: (partner) =>
      `${partner} prepared these Microsoft cloud subscriptions for you. Check the counts, then accept or decline.`,
    subscriptions: 'Subscriptions',
    licensesFor: (name) => `${name} licenses`,
    licenseRange: (min, max) => `From ${formatNumber('en', min)} to ${formatNumber('en', max)} licenses.`,
    existingSubscribersOnly: (name) =>
      `Only for organisations that already subscribe to ${name}: these licenses are added to that subscription.`,
    termName: EN_TERM_NAME,
    billing: (billingFrequency, upFront) =>
      billingFrequency === 'monthly' ? 'billed monthly' : upFront ? 'paid up front' : 'billed annually',
    perLicensePer: (amount, months) => `${amount} per license per ${enPeriod(months)}`,
    monthlyEquivalent: (amount) => `(${amount} per license per month)`,
    lineTotal: (count, one, amount, months) =>
      `Total for ${count} ${one ? 'license' : 'licenses'}: ${amount} per ${enPeriod(months)}`,
    priceAtCheckout: 'Price shown at checkout',
    totalsHeading: 'Estimated cost',
    totalPerMonth: 'Per month',
    totalPerYear: 'Per year',
    totalsNote:
      'List prices before taxes, for the license counts shown. This is an estimate; the checkout shows the final price.',
    totalsPartial: 'Only subscriptions with a price shown are included; the others are priced at checkout.',
    totalsMonthlyTerm: 'The yearly figure counts subscriptions on a monthly commitment as renewed every month.',
    totalsNeedValidCounts: 'Correct the license counts to see the estimated cost.',
    commitmentHeading: 'What you commit to',
    commitmentIfToday: 'If you buy today:',
    commitmentAsAccepted: (when) => `As accepted on ${when}, if the purchase is made then:`,
    commitmentClock: (term, days, hours, until, termEnd) =>
      `${EN_TERM_NAME[term]}: you can reduce or cancel licenses within ${days} days (${hours} hours) after purchase, until ${until}; after that, the licenses are committed until the ${EN_TERM_ADJECTIVE[term]} term ends on ${termEnd}.`,
    termChoiceLegend: (name) => `Term and billing for ${name}`,
    quantityRule: {
      'business-family-seat-cap': (max) =>
        `At most ${max} licenses in total across Microsoft 365 Business Basic, Standard, Premium and Apps for business in one organisation.`,
    },
    replacedTitle: 'This offer was replaced',
    replacedBody: (partner) => `${partner} replaced this offer with a new one. Please answer the new offer instead.`,
    replacedLink: 'View the new offer',
    validUntil: (when) => `This offer is valid until ${when}.`,
    wasValidUntil: (when) => `It was valid until ${when}.`,
    yourDetails: 'Your details',
    companyName: 'Company name',
    contactName: 'Your name',
    email: 'Email',
    delegatedAdminLegend: 'Delegated administration',
    delegatedAdminYes: 'Accept with delegated administration',
    delegatedAdminNo: 'Accept without delegated administration',
    beforeYouAccept: 'Before you accept',
    accept: 'Accept and go to checkout',
    declineSummary: 'Not interested? Decline this offer',
    declineReason: 'Reason (optional)',
    decline: 'Decline offer',
    contactHeading: 'Contact',
    offerRef: (id) => `Offer ${id}`,
    switchLanguage: 'Ver em português',
    titleWithErrors: (title) => `Error: ${title}`,
    errorSummaryTitle: 'There is a problem',
    errors: {
      required: 'Fill in this field.',
      licenses: (min, max) => `Enter a whole number from ${formatNumber('en', min)} to ${formatNumber('en', max)}.`,
      email: 'Enter an email address such as name@example.com.',
      tooLong: (max) => `Use at most ${max} characters.`,
      choice: 'Choose one of the options.',
      hiddenCharacters:
        'Remove the hidden characters: invisible, control or text-direction characters (retyping the text is easiest).',
      needsLetterOrDigit: 'Use at least one letter or digit.',
      emailLocalPartTooLong: 'Use at most 64 characters before the @ (fewer with accented letters).',
      stale: 'This form is out of date. Please check the offer and submit it again.',
      duplicate: 'This form is out of date. Please check the offer and submit it again.',
      mediaType:
        'We could not read the form in the format it was sent. Please use the form on this page and submit it again.',
      encoding:
        'We could not read the form: it contained characters that are not valid text. Please check your answers and submit again.',
      tooLarge: 'The form sent was too large. Please check your answers and submit again.',
      busy: 'Many people are answering this offer right now and your answer was not saved yet. Please submit it again in a few seconds.',
      expired:
        'This page was open for more than 24 hours, so your answer was not saved. Please check your answers and submit again.',
      automated:
        'Your answer was not saved: this browser did not identify itself as a person’s web browser. Please open the offer link in your usual browser and answer there.',
    },
    acceptedTitle: (partner) => `You accepted the offer from ${partner}`,
    acceptedNext: (partner) =>
      `Next, sign in at Microsoft’s checkout with an administrator account of your organisation to complete the purchase. Microsoft bills you directly; ${partner} is recorded as your advisor.`,
    acceptedWhat: 'What you accepted',
    acceptedLicenses: (name, count) => `${name}: ${count} licenses`,
    acceptedWithDelegatedAdmin: 'With delegated administration',
    acceptedWithoutDelegatedAdmin: 'Without delegated administration',
    acceptedBy: (contactName, company, email) => `Accepted by ${contactName} for ${company} (${email}).`,
    continueToCheckout: 'Continue to checkout',
    continuingIn: (seconds) =>
      `You will be taken to the checkout in ${seconds} seconds. You can come back to this page later from your browser history to continue.`,
    crossSiteTitle: 'This answer was not saved',
    crossSiteBody:
      'The form was sent from another website, so we did not save it. Open the offer link you received and answer on that page.',
    declinedTitle: 'Thank you for your answer',
    declinedBody: (partner) => `We have told ${partner} that you declined this offer. You can close this page.`,
    statusTitle: {
      deactivated: 'This offer is no longer available',
      expired: 'This offer has expired',
      exhausted: 'This offer has been fully taken',
    },
    statusBody: {
      deactivated: (partner) => `${partner} has withdrawn this offer.`,
      expired: (partner) => `The offer's validity has ended. Contact ${partner} for a new one.`,
      exhausted: (partner) => `This offer has reached its limit of acceptances. Contact ${partner} for a new one.`,
    },
    partnerMessage: (partner) => `Message from ${partner}:`,
    notFoundTitle: 'Offer not found',
    notFoundBody: 'We could not find this offer. Check that the link is complete, or ask the sender for a new one.',
    methodNotAllowedTitle: 'This address cannot be used this way',
    methodNotAllowedBody: 'Open the offer from the link you received and answer with the form on its page.',
    errorTitle: 'Something went wrong',
    errorBody: 'We could not load this page right now. Please try again in a moment.',
    busyTitle: 'Please try again in a moment',
    busyBody:
      'Many people are answering this offer right now and your answer was not saved. Go back and submit it again in a few seconds.',
  },
  'pt-BR': {
    offerTitle: (partner) => `Sua oferta de assinaturas de ${partner}`,
    offerLead: (partner) =>
      `${partner} preparou estas assinaturas de nuvem da Microsoft para você. Confira as quantidades e aceite ou recuse.`,
    subscriptions: 'Assinaturas',
    licensesFor: (name) => `Licenças do ${name}`,
    licenseRange: (min, max) => `De ${formatNumber('pt-BR', min)} a ${formatNumber('pt-BR', max)} licenças.`,
    existingSubscribersOnly: (name) =>
      `Somente para organizações que já assinam o ${name}: estas licenças são adicionadas a essa assinatura.`,
    termName: PT_TERM_NAME,
    billing: (billingFrequency, upFront) =>
      billingFrequency === 'monthly' ? 'cobrado mensalmente' : upFront ? 'pago antecipadamente' : 'cobrado anualmente',
    perLicensePer: (amount, months) => `${amount} por licença por ${ptPeriod(months)}`,
    monthlyEquivalent: (amount) => `(${amount} por licença por mês)`,
    lineTotal: (count, one, amount, months) =>
      `Total para ${count} ${one ? 'licença' : 'licenças'}: ${amount} por ${ptPeriod(months)}`,
    priceAtCheckout: 'Preço mostrado no pagamento',
    totalsHeading: 'Custo estimado',
    totalPerMonth: 'Por mês',
    totalPerYear: 'Por ano',
    totalsNote:
      'Preços de lista sem impostos, para as quantidades de licenças mostradas. É uma estimativa; o pagamento mostra o preço final.',
    totalsPartial: 'Só entram as assinaturas com preço mostrado; as demais têm o preço mostrado no pagamento.',
    totalsMonthlyTerm: 'O valor anual considera as assinaturas com compromisso mensal renovadas todo mês.',
    totalsNeedValidCounts: 'Corrija as quantidades de licenças para ver o custo estimado.',
    commitmentHeading: 'Com o que você se compromete',
    commitmentIfToday: 'Se você comprar hoje:',
    commitmentAsAccepted: (when) => `Conforme aceito em ${when}, se a compra for feita nesse momento:`,
    commitmentClock: (term, days, hours, until, termEnd) =>
      `${PT_TERM_NAME[term]}: você pode reduzir ou cancelar licenças em até ${days} dias (${hours} horas) após a compra, até ${until}; depois disso, as licenças ficam contratadas até o fim do prazo ${PT_TERM_ADJECTIVE[term]}, em ${termEnd}.`,
    termChoiceLegend: (name) => `Prazo e cobrança do ${name}`,
    quantityRule: {
      'business-family-seat-cap': (max) =>
        `No máximo ${max} licenças no total entre Microsoft 365 Business Basic, Standard, Premium e Apps for business em uma organização.`,
    },
    replacedTitle: 'Esta oferta foi substituída',
    replacedBody: (partner) => `${partner} substituiu esta oferta por uma nova. Responda à nova oferta.`,
    replacedLink: 'Ver a nova oferta',
    validUntil: (when) => `Esta oferta é válida até ${when}.`,
    wasValidUntil: (when) => `Ela era válida até ${when}.`,
    yourDetails: 'Seus dados',
    companyName: 'Nome da empresa',
    contactName: 'Seu nome',
    email: 'E-mail',
    delegatedAdminLegend: 'Administração delegada',
    delegatedAdminYes: 'Aceitar com administração delegada',
    delegatedAdminNo: 'Aceitar sem administração delegada',
    beforeYouAccept: 'Antes de aceitar',
    accept: 'Aceitar e ir para o pagamento',
    declineSummary: 'Não tem interesse? Recuse esta oferta',
    declineReason: 'Motivo (opcional)',
    decline: 'Recusar oferta',
    contactHeading: 'Contato',
    offerRef: (id) => `Oferta ${id}`,
    switchLanguage: 'View in English',
    titleWithErrors: (title) => `Erro: ${title}`,
    errorSummaryTitle: 'Há um problema',
    errors: {
      required: 'Preencha este campo.',
      licenses: (min, max) =>
        `Informe um número inteiro de ${formatNumber('pt-BR', min)} a ${formatNumber('pt-BR', max)}.`,
      email: 'Informe um e-mail como nome@exemplo.com.',
      tooLong: (max) => `Use no máximo ${max} caracteres.`,
      choice: 'Escolha uma das opções.',
      hiddenCharacters:
        'Remova os caracteres ocultos: invisíveis, de controle ou de direção do texto (o mais fácil é digitar o texto de novo).',
      needsLetterOrDigit: 'Use pelo menos uma letra ou um número.',
      emailLocalPartTooLong: 'Use no máximo 64 caracteres antes do @ (menos se houver letras acentuadas).',
      stale: 'Este formulário está desatualizado. Confira a oferta e envie novamente.',
      duplicate: 'Este formulário está desatualizado. Confira a oferta e envie novamente.',
      mediaType:
        'Não conseguimos ler o formulário no formato em que foi enviado. Use o formulário desta página e envie novamente.',
      encoding:
        'Não conseguimos ler o formulário: ele continha caracteres que não são texto válido. Confira suas respostas e envie novamente.',
      tooLarge: 'O formulário enviado era grande demais. Confira suas respostas e envie novamente.',
      busy: 'Muitas pessoas estão respondendo a esta oferta agora e sua resposta ainda não foi salva. Envie novamente em alguns segundos.',
      expired:
        'Esta página ficou aberta por mais de 24 horas, então sua resposta não foi salva. Confira suas respostas e envie novamente.',
      automated:
        'Sua resposta não foi salva: este navegador não se identificou como o navegador de uma pessoa. Abra o link da oferta no seu navegador de costume e responda por lá.',
    },
    acceptedTitle: (partner) => `Você aceitou a oferta de ${partner}`,
    acceptedNext: (partner) =>
      `Agora, entre no checkout da Microsoft com uma conta de administrador da sua organização para concluir a compra. A Microsoft cobra diretamente de você; ${partner} fica registrado como seu consultor.`,
    acceptedWhat: 'O que você aceitou',
    acceptedLicenses: (name, count) => `${name}: ${count} licenças`,
    acceptedWithDelegatedAdmin: 'Com administração delegada',
    acceptedWithoutDelegatedAdmin: 'Sem administração delegada',
    acceptedBy: (contactName, company, email) => `Aceita por ${contactName} para ${company} (${email}).`,
    continueToCheckout: 'Continuar para o pagamento',
    continuingIn: (seconds) =>
      `Você será levado ao pagamento em ${seconds} segundos. Você pode voltar a esta página depois, pelo histórico do navegador, para continuar.`,
    crossSiteTitle: 'Esta resposta não foi salva',
    crossSiteBody:
      'O formulário foi enviado de outro site, por isso não o salvamos. Abra o link da oferta que você recebeu e responda naquela página.',
    declinedTitle: 'Obrigado pela resposta',
    declinedBody: (partner) => `Avisamos ${partner} que você recusou esta oferta. Você pode fechar esta página.`,
    statusTitle: {
      deactivated: 'Esta oferta não está mais disponível',
      expired: 'Esta oferta expirou',
      exhausted: 'Esta oferta já atingiu o limite',
    },
    statusBody: {
      deactivated: (partner) => `${partner} retirou esta oferta.`,
      expired: (partner) => `A validade da oferta terminou. Fale com ${partner} para receber uma nova.`,
      exhausted: (partner) => `Esta oferta atingiu o limite de aceites. Fale com ${partner} para receber uma nova.`,
    },
    partnerMessage: (partner) => `Mensagem de ${partner}:`,
    notFoundTitle: 'Oferta não encontrada',
    notFoundBody: 'Não encontramos esta oferta. Confira se o link está completo ou peça um novo a quem o enviou.',
    methodNotAllowedTitle: 'Este endereço não pode ser usado assim',
    methodNotAllowedBody: 'Abra a oferta pelo link que você recebeu e responda pelo formulário da página.',
    errorTitle: 'Algo deu errado',
    errorBody: 'Não conseguimos carregar esta página agora. Tente novamente em instantes.',
    busyTitle: 'Tente novamente em instantes',
    busyBody:
      'Muitas pessoas estão respondendo a esta oferta agora e sua resposta não foi salva. Volte e envie novamente em alguns segundos.',
  },
};

/** A term and its billing in words: "1-year commitment, paid up front". */
export function termText(term: CommitmentTerm, billingFrequency: BillingFrequency, text: PageText): string {
  const upFront = BILLING_PERIOD_MONTHS[billingFrequency] === TERM_MONTHS[term];
  return `${text.termName[term]}, ${text.billing(billingFrequency, upFront)}`;
}
