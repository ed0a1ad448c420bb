import { MAX_CUSTOMERS_FOR_OFFERS } from '../../shared/domain/partner.ts';
import { formatNumber } from '../../shared/i18n/format.ts';
import type { Locale } from '../../shared/i18n/locale.ts';

/** What a broken rule is about, for its message: the field's label and the rule's own figures. */
export interface RuleContext {
  readonly label: string;
  readonly min?: number;
  readonly max?: number;
  /** The subscription's name, on a subscription's fields. */
  readonly subscription?: string;
}

/**
 * The create form's words (page 1 of the wizard). Messages for broken rules are keyed by the
 * rule's name (the one the API's problem documents carry), so the form and the API name the same
 * rules; a rule without words here shows the domain's own (English) message after the label.
 */
export interface OfferFormText {
  readonly title: string;
  readonly step: string;
  readonly lead: string;
  readonly errorSummaryTitle: string;
  readonly officeLegend: string;
  readonly office: string;
  readonly chooseOffice: string;
  readonly inactiveOffice: (name: string) => string;
  readonly officeHint: string;
  readonly noOffices: string;
  readonly lastSynced: (when: string) => string;
  readonly neverSynced: string;
  readonly syncNow: string;
  readonly syncHint: string;
  readonly usageLocationLegend: string;
  readonly usageLocation: string;
  readonly chooseUsageLocation: string;
  readonly showSubscriptions: string;
  readonly usageLocationHint: string;
  readonly subscriptionsLegend: (location: string) => string;
  readonly subscriptionsHint: string;
  readonly pickLocationFirst: string;
  readonly include: string;
  readonly licenseCount: string;
  readonly termAndBilling: string;
  readonly moreChoices: string;
  readonly moreChoicesHint: string;
  readonly delegatedAdminLegend: string;
  readonly delegatedAdmin: string;
  readonly delegatedAdminHint: string;
  readonly notCertified: string;
  readonly messageLegend: string;
  readonly offerLanguage: string;
  readonly offerLanguageHint: string;
  readonly languageNames: Readonly<Record<Locale, string>>;
  readonly logoUrl: string;
  readonly logoUrlHint: string;
  readonly intro: string;
  readonly introHint: string;
  readonly closing: string;
  readonly closingHint: string;
  readonly contactName: string;
  readonly contactEmail: string;
  readonly contactPhone: string;
  readonly contactHint: string;
  readonly limitsLegend: string;
  readonly expiresOn: string;
  readonly expiresOnHint: (days: number) => string;
  readonly maxAcceptances: string;
  readonly maxAcceptancesHint: (max: number) => string;
  readonly reference: string;
  readonly referenceHint: string;
  /** On the revise form, under expiry, maximum acceptances and reference: an empty field is not a removal. */
  readonly emptyKeepsCurrent: string;
  readonly requireAgreement: string;
  readonly requireAgreementHint: string;
  readonly create: string;
  readonly optional: string;
  readonly totalsHeading: string;
  readonly noneChosen: string;
  /** The subscriptions shown were for another usage location than the one now chosen. */
  readonly locationChanged: string;
  readonly syncDone: (written: number, deactivated: number) => string;
  readonly syncTooSoon: (seconds: number) => string;
  readonly syncUnavailable: string;
  readonly cannotCreateTitle: string;
  readonly cannotCreate: (count: number) => string;
  readonly cannotCreateNext: string;
  readonly viewOffers: string;
  readonly profileMissing: string;
  readonly keyReused: string;
  readonly busy: string;
  readonly unavailable: string;
  /** The domain refused the partner (100 customers or more) as the form was sent. */
  readonly tooManyCustomers: string;
  /** A field's rule the form has no words for (never the API's English). */
  readonly fieldInvalid: (label: string) => string;
  /** A refusal the form has no words for. */
  readonly formInvalid: string;
  /** Per rule name; `undefined` means: use the domain's own message. */
  readonly rules: Readonly<Record<string, (context: RuleContext) => string>>;
}

const count = (locale: Locale, value: number | undefined) => (value === undefined ? '' : formatNumber(locale, value));

const EN: OfferFormText = {
  title: 'Create purchase offer',
  step: 'Step 1 of 2: Select options',
  lead: 'Choose the office, the customer’s usage location and the subscriptions to offer. The next page gives you the link and a ready message to send.',
  errorSummaryTitle: 'There is a problem',
  officeLegend: 'Partner office',
  office: 'Office',
  chooseOffice: 'Choose an office',
  inactiveOffice: (name) => `${name} (inactive)`,
  officeHint:
    'The offices synced from the partner network directory. A new office can take up to 24 hours to appear there; once it does, it shows here within 15 minutes, or at once with “Sync offices now”.',
  noOffices: 'No office of yours has been synced yet. Sync your offices now, or wait for the next scheduled sync.',
  lastSynced: (when) => `Offices last synced: ${when}.`,
  neverSynced: 'Your offices have not been synced yet.',
  syncNow: 'Sync offices now',
  syncHint: 'At most once a minute. What you typed in this form is not kept.',
  usageLocationLegend: 'Usage location',
  usageLocation: 'Customer’s usage location',
  chooseUsageLocation: 'Choose a country or region',
  showSubscriptions: 'Show subscriptions sold there',
  usageLocationHint: 'Where the customer will use the subscriptions. It decides which subscriptions and prices apply.',
  subscriptionsLegend: (location) => `Subscriptions sold in ${location}`,
  subscriptionsHint: 'Tick each subscription to include (1 to 20), with its license count, term and billing.',
  pickLocationFirst: 'Choose a usage location and select “Show subscriptions sold there” to see what you can offer.',
  include: 'Include in the offer',
  licenseCount: 'License count',
  termAndBilling: 'Term and billing',
  moreChoices: 'Also let the customer choose',
  moreChoicesHint: 'The term and billing above is always a choice; tick others the customer may pick instead.',
  delegatedAdminLegend: 'Delegated administration',
  delegatedAdmin: 'Offer delegated administration',
  delegatedAdminHint:
    'The customer may accept with or without it. With it, your organisation can manage the customer’s subscriptions and users for them.',
  notCertified: 'Your organisation is not certified for delegated administration, so your offers cannot include it.',
  messageLegend: 'Message to the customer',
  offerLanguage: 'Offer language',
  offerLanguageHint: 'The language of the offer page and of the ready message. The customer can switch.',
  languageNames: { en: 'English', 'pt-BR': 'Portuguese (Brazil)' },
  logoUrl: 'Logo address (https)',
  logoUrlHint: 'Left empty: the logo of your partner profile, if any.',
  intro: 'Introduction',
  introHint: 'Left empty: a standard introduction naming your organisation.',
  closing: 'Closing',
  closingHint: 'Left empty: a standard closing.',
  contactName: 'Contact name',
  contactEmail: 'Contact email',
  contactPhone: 'Contact phone',
  contactHint: 'How the customer reaches you about this offer. Left empty: the contact of your partner profile.',
  limitsLegend: 'Expiry, acceptances and reference',
  expiresOn: 'Valid until',
  expiresOnHint: (days) =>
    `The offer ends at the end of this day in the usage location’s time zone, at most ${days} days from today. Left empty: it stays open until you deactivate it.`,
  maxAcceptances: 'Maximum acceptances',
  maxAcceptancesHint: (max) =>
    `How many customers may accept this offer, 1 to ${formatNumber('en', max)}. Left empty: no limit.`,
  reference: 'Your reference',
  referenceHint: 'Your own identifier for this offer (letters, digits and punctuation), unique among your offers.',
  emptyKeepsCurrent: 'When revising: left empty, the offer keeps its current value.',
  requireAgreement: 'Ask the customer to accept the Microsoft Customer Agreement on the offer page',
  requireAgreementHint: 'Adds a required checkbox linking to the agreement to the customer’s accept form.',
  create: 'Create offer and continue',
  optional: '(optional)',
  totalsHeading: 'Estimated cost at list price',
  noneChosen: 'No subscription chosen yet.',
  locationChanged:
    'You changed the usage location: here are the subscriptions sold there. Choose them and create the offer again.',
  syncDone: (written, deactivated) =>
    `Offices synced: ${written} new or changed, ${deactivated} no longer listed in the directory (now inactive).`,
  syncTooSoon: (seconds) =>
    `Offices can be synced at most once a minute. Try again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`,
  syncUnavailable:
    'The partner network directory did not answer. Your offices are still synced every few minutes; try again later.',
  cannotCreateTitle: 'Your organisation cannot create purchase offers',
  cannotCreate: (n) =>
    `Purchase offers are for partners that manage fewer than ${formatNumber('en', MAX_CUSTOMERS_FOR_OFFERS)} customers. Your partner profile says your organisation manages ${formatNumber('en', n)}, so it cannot create new offers.`,
  cannotCreateNext:
    'Offers you created before keep working, and you can still follow them. If the customer count on your profile is out of date, contact support.',
  viewOffers: 'View your offers',
  profileMissing: 'No partner profile is on record for your sign-in. Contact support.',
  keyReused:
    'This form was already used to create an offer with other options. Check the options below and create the offer again.',
  busy: 'Another request for the same offer is being processed. Try again in a moment.',
  unavailable: 'The service did not answer in time. Nothing was created; try again in a few seconds.',
  tooManyCustomers: `Purchase offers are for partners that manage fewer than ${formatNumber('en', MAX_CUSTOMERS_FOR_OFFERS)} customers: your organisation cannot create new offers.`,
  fieldInvalid: (label) => `${label} is not valid; check it and try again`,
  formInvalid: 'The offer could not be saved with these options. Check the form and try again.',
  rules: {
    required: ({ label }) => `${label} is required`,
    invalid_type: ({ label }) => `${label} must be a whole number`,
    integer: ({ label }) => `${label} must be a whole number`,
    too_big: ({ label, max }) => `${label} must be at most ${count('en', max)}`,
    too_big_text: ({ label, max }) => `${label} must be at most ${count('en', max)} characters long`,
    too_small: ({ label, min }) => `${label} must be at least ${count('en', min)}`,
    too_small_text: ({ label, min }) => `${label} must be at least ${count('en', min)} characters long`,
    pattern: ({ label }) => `${label} has characters that are not allowed`,
    reference_pattern: ({ label }) =>
      `${label} may use letters, digits and punctuation only (no accents), without spaces at either end`,
    phone_pattern: ({ label }) => `${label} must be a phone number: digits, spaces, ( ) . - and an optional leading +`,
    'format:email': ({ label }) => `${label} must be an email address, like name@example.com`,
    email_local_part_too_long: ({ label }) => `${label} is too long before the @`,
    email_too_long: ({ label }) => `${label} is too long`,
    'format:datetime': ({ label }) => `${label} must be a date`,
    url: ({ label }) => `${label} must be a full web address, starting with https://`,
    https_only: ({ label }) => `${label} must start with https://`,
    no_surrounding_whitespace: ({ label }) => `${label} must not start or end with spaces`,
    well_formed_unicode: ({ label }) => `${label} has characters that cannot be stored`,
    no_control_characters: ({ label }) => `${label} must not contain control or text-direction characters`,
    no_invisible_characters: ({ label }) => `${label} must not contain invisible characters`,
    not_blank: ({ label }) => `${label} must not be empty`,
    needs_letter_or_digit: ({ label }) => `${label} must contain a letter or a digit`,
    unsupported_usage_location: () => 'Choose a usage location from the list',
    invalid_value: ({ label }) => `${label}: choose one from the list`,
    unknown_office: () => 'Choose one of your synced offices (sync your offices if a new one is missing)',
    office_inactive: () => 'This office is inactive in the partner network directory; choose an active one',
    too_few_items: () => 'Choose at least one subscription',
    too_many_items: () => 'Choose at most 20 subscriptions',
    duplicate_sku: ({ subscription }) => `${subscription} is listed twice`,
    unknown_sku: () => 'This subscription is not in the catalog',
    not_sold_in_usage_location: ({ subscription }) =>
      `${subscription ?? 'This subscription'} is not sold in this usage location`,
    licenses_out_of_range: ({ subscription, min, max }) =>
      `The license count for ${subscription} must be from ${count('en', min)} to ${count('en', max)}`,
    unknown_term: () => 'Choose a term from the list',
    term_not_sold_for_sku: ({ subscription }) => `${subscription} is not sold on this term`,
    unknown_billing_frequency: () => 'Choose a billing frequency from the list',
    billing_not_allowed_on_term: () => 'This billing frequency is not offered on this term',
    business_family_seat_cap: ({ max }) =>
      `Microsoft 365 Business Basic, Standard, Premium and Apps for business may have at most ${count('en', max)} licenses in total`,
    certification_required: () => 'Only partners certified for delegated administration may offer it',
    in_future: () => 'The date must be in the future',
    too_far: ({ max }) => `The offer may stay open for at most ${count('en', max)} days`,
    unique: () => 'You already used this reference for another offer; choose another one',
  },
};

const PT: OfferFormText = {
  title: 'Criar oferta de compra',
  step: 'Etapa 1 de 2: Selecionar opções',
  lead: 'Escolha o escritório, o local de uso do cliente e as assinaturas a oferecer. A próxima página traz o link e uma mensagem pronta para enviar.',
  errorSummaryTitle: 'Há um problema',
  officeLegend: 'Escritório do parceiro',
  office: 'Escritório',
  chooseOffice: 'Escolha um escritório',
  inactiveOffice: (name) => `${name} (inativo)`,
  officeHint:
    'Os escritórios sincronizados do diretório da rede de parceiros. Um escritório novo pode levar até 24 horas para aparecer lá; depois disso, aparece aqui em até 15 minutos, ou na hora com “Sincronizar escritórios agora”.',
  noOffices:
    'Nenhum escritório seu foi sincronizado ainda. Sincronize seus escritórios agora ou aguarde a próxima sincronização programada.',
  lastSynced: (when) => `Última sincronização dos escritórios: ${when}.`,
  neverSynced: 'Seus escritórios ainda não foram sincronizados.',
  syncNow: 'Sincronizar escritórios agora',
  syncHint: 'No máximo uma vez por minuto. O que você digitou neste formulário não é mantido.',
  usageLocationLegend: 'Local de uso',
  usageLocation: 'Local de uso do cliente',
  chooseUsageLocation: 'Escolha um país ou região',
  showSubscriptions: 'Mostrar as assinaturas vendidas lá',
  usageLocationHint: 'Onde o cliente vai usar as assinaturas. Define quais assinaturas e preços se aplicam.',
  subscriptionsLegend: (location) => `Assinaturas vendidas em ${location}`,
  subscriptionsHint:
    'Marque cada assinatura a incluir (de 1 a 20), com a quantidade de licenças, o prazo e a cobrança.',
  pickLocationFirst:
    'Escolha um local de uso e selecione “Mostrar as assinaturas vendidas lá” para ver o que você pode oferecer.',
  include: 'Incluir na oferta',
  licenseCount: 'Quantidade de licenças',
  termAndBilling: 'Prazo e cobrança',
  moreChoices: 'Deixar o cliente escolher também',
  moreChoicesHint: 'O prazo e a cobrança acima são sempre uma opção; marque outros que o cliente pode escolher.',
  delegatedAdminLegend: 'Administração delegada',
  delegatedAdmin: 'Oferecer administração delegada',
  delegatedAdminHint:
    'O cliente pode aceitar com ou sem ela. Com ela, sua organização pode gerenciar as assinaturas e os usuários do cliente por ele.',
  notCertified:
    'Sua organização não é certificada para administração delegada, portanto suas ofertas não podem incluí-la.',
  messageLegend: 'Mensagem para o cliente',
  offerLanguage: 'Idioma da oferta',
  offerLanguageHint: 'O idioma da página da oferta e da mensagem pronta. O cliente pode trocar.',
  languageNames: { en: 'Inglês', 'pt-BR': 'Português (Brasil)' },
  logoUrl: 'Endereço do logotipo (https)',
  logoUrlHint: 'Vazio: o logotipo do seu perfil de parceiro, se houver.',
  intro: 'Introdução',
  introHint: 'Vazio: uma introdução padrão com o nome da sua organização.',
  closing: 'Encerramento',
  closingHint: 'Vazio: um encerramento padrão.',
  contactName: 'Nome do contato',
  contactEmail: 'E-mail do contato',
  contactPhone: 'Telefone do contato',
  contactHint: 'Como o cliente fala com você sobre esta oferta. Vazio: o contato do seu perfil de parceiro.',
  limitsLegend: 'Validade, aceites e referência',
  expiresOn: 'Válida até',
  expiresOnHint: (days) =>
    `A oferta termina no fim deste dia, no fuso horário do local de uso, no máximo ${days} dias a partir de hoje. Vazio: fica aberta até você desativá-la.`,
  maxAcceptances: 'Máximo de aceites',
  maxAcceptancesHint: (max) =>
    `Quantos clientes podem aceitar esta oferta, de 1 a ${formatNumber('pt-BR', max)}. Vazio: sem limite.`,
  reference: 'Sua referência',
  referenceHint: 'Seu próprio identificador desta oferta (letras, dígitos e pontuação), único entre suas ofertas.',
  emptyKeepsCurrent: 'Na revisão: vazio, a oferta mantém o valor atual.',
  requireAgreement: 'Pedir ao cliente que aceite o Contrato de Cliente Microsoft na página da oferta',
  requireAgreementHint: 'Acrescenta ao formulário de aceite uma caixa obrigatória com o link para o contrato.',
  create: 'Criar oferta e continuar',
  optional: '(opcional)',
  totalsHeading: 'Custo estimado a preço de lista',
  noneChosen: 'Nenhuma assinatura escolhida ainda.',
  locationChanged:
    'Você mudou o local de uso: estas são as assinaturas vendidas lá. Escolha-as e crie a oferta novamente.',
  syncDone: (written, deactivated) =>
    `Escritórios sincronizados: ${written} novos ou alterados, ${deactivated} fora do diretório (agora inativos).`,
  syncTooSoon: (seconds) =>
    `Os escritórios podem ser sincronizados no máximo uma vez por minuto. Tente de novo em ${seconds} ${seconds === 1 ? 'segundo' : 'segundos'}.`,
  syncUnavailable:
    'O diretório da rede de parceiros não respondeu. Seus escritórios continuam sendo sincronizados a cada poucos minutos; tente mais tarde.',
  cannotCreateTitle: 'Sua organização não pode criar ofertas de compra',
  cannotCreate: (n) =>
    `As ofertas de compra são para parceiros que gerenciam menos de ${formatNumber('pt-BR', MAX_CUSTOMERS_FOR_OFFERS)} clientes. Seu perfil de parceiro indica que sua organização gerencia ${formatNumber('pt-BR', n)}, portanto não pode criar novas ofertas.`,
  cannotCreateNext:
    'As ofertas criadas antes continuam funcionando e você ainda pode acompanhá-las. Se a quantidade de clientes do seu perfil estiver desatualizada, fale com o suporte.',
  viewOffers: 'Ver suas ofertas',
  profileMissing: 'Não há perfil de parceiro registrado para o seu acesso. Fale com o suporte.',
  keyReused:
    'Este formulário já foi usado para criar uma oferta com outras opções. Confira as opções abaixo e crie a oferta novamente.',
  busy: 'Outra solicitação para a mesma oferta está em andamento. Tente de novo em instantes.',
  unavailable: 'O serviço não respondeu a tempo. Nada foi criado; tente de novo em alguns segundos.',
  tooManyCustomers: `As ofertas de compra são para parceiros que gerenciam menos de ${formatNumber('pt-BR', MAX_CUSTOMERS_FOR_OFFERS)} clientes: sua organização não pode criar novas ofertas.`,
  fieldInvalid: (label) => `${label}: valor inválido; confira e tente de novo`,
  formInvalid: 'Não foi possível salvar a oferta com estas opções. Confira o formulário e tente de novo.',
  rules: {
    required: ({ label }) => `${label}: campo obrigatório`,
    invalid_type: ({ label }) => `${label} deve ser um número inteiro`,
    integer: ({ label }) => `${label} deve ser um número inteiro`,
    too_big: ({ label, max }) => `${label} deve ser no máximo ${count('pt-BR', max)}`,
    too_big_text: ({ label, max }) => `${label} deve ter no máximo ${count('pt-BR', max)} caracteres`,
    too_small: ({ label, min }) => `${label} deve ser no mínimo ${count('pt-BR', min)}`,
    too_small_text: ({ label, min }) => `${label} deve ter no mínimo ${count('pt-BR', min)} caracteres`,
    pattern: ({ label }) => `${label} tem caracteres não permitidos`,
    reference_pattern: ({ label }) =>
      `${label} aceita só letras sem acento, dígitos e pontuação, sem espaços no início ou no fim`,
    phone_pattern: ({ label }) =>
      `${label} deve ser um número de telefone: dígitos, espaços, ( ) . - e um + opcional no início`,
    'format:email': ({ label }) => `${label} deve ser um endereço de e-mail, como nome@exemplo.com`,
    email_local_part_too_long: ({ label }) => `${label} é longo demais antes do @`,
    email_too_long: ({ label }) => `${label} é longo demais`,
    'format:datetime': ({ label }) => `${label} deve ser uma data`,
    url: ({ label }) => `${label} deve ser um endereço web completo, começando com https://`,
    https_only: ({ label }) => `${label} deve começar com https://`,
    no_surrounding_whitespace: ({ label }) => `${label} não pode começar nem terminar com espaços`,
    well_formed_unicode: ({ label }) => `${label} tem caracteres que não podem ser armazenados`,
    no_control_characters: ({ label }) => `${label} não pode conter caracteres de controle ou de direção do texto`,
    no_invisible_characters: ({ label }) => `${label} não pode conter caracteres invisíveis`,
    not_blank: ({ label }) => `${label} não pode ficar vazio`,
    needs_letter_or_digit: ({ label }) => `${label} deve conter uma letra ou um dígito`,
    unsupported_usage_location: () => 'Escolha um local de uso da lista',
    invalid_value: ({ label }) => `${label}: escolha uma opção da lista`,
    unknown_office: () => 'Escolha um dos seus escritórios sincronizados (sincronize os escritórios se faltar um novo)',
    office_inactive: () => 'Este escritório está inativo no diretório da rede de parceiros; escolha um ativo',
    too_few_items: () => 'Escolha pelo menos uma assinatura',
    too_many_items: () => 'Escolha no máximo 20 assinaturas',
    duplicate_sku: ({ subscription }) => `${subscription} aparece duas vezes`,
    unknown_sku: () => 'Esta assinatura não está no catálogo',
    not_sold_in_usage_location: ({ subscription }) =>
      `${subscription ?? 'Esta assinatura'} não é vendida neste local de uso`,
    licenses_out_of_range: ({ subscription, min, max }) =>
      `A quantidade de licenças de ${subscription} deve ser de ${count('pt-BR', min)} a ${count('pt-BR', max)}`,
    unknown_term: () => 'Escolha um prazo da lista',
    term_not_sold_for_sku: ({ subscription }) => `${subscription} não é vendida neste prazo`,
    unknown_billing_frequency: () => 'Escolha uma cobrança da lista',
    billing_not_allowed_on_term: () => 'Esta cobrança não é oferecida neste prazo',
    business_family_seat_cap: ({ max }) =>
      `Microsoft 365 Business Basic, Standard, Premium e Apps for business podem ter no máximo ${count('pt-BR', max)} licenças no total`,
    certification_required: () => 'Só parceiros certificados em administração delegada podem oferecê-la',
    in_future: () => 'A data deve estar no futuro',
    too_far: ({ max }) => `A oferta pode ficar aberta por no máximo ${count('pt-BR', max)} dias`,
    unique: () => 'Você já usou esta referência em outra oferta; escolha outra',
  },
};

export const OFFER_FORM_TEXT: Record<Locale, OfferFormText> = { en: EN, 'pt-BR': PT };
