import type { Locale } from '../i18n/locale.ts';

/** Every word the customer pages show, per locale; partner-supplied text never goes through here. */
export interface PageText {
  readonly offerTitle: (partner: string) => string;
  readonly offerLead: (partner: string) => string;
  readonly subscriptions: string;
  readonly licensesFor: (name: string) => string;
  readonly licenseRange: (min: number, max: number) => string;
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
  readonly formHasErrors: string;
  readonly errors: {
    readonly required: string;
    readonly licenses: (min: number, max: number) => string;
    readonly email: string;
    readonly tooLong: (max: number) => string;
    readonly choice: string;
    readonly stale: string;
  };
  readonly declinedTitle: string;
  readonly declinedBody: (partner: string) => string;
  readonly statusTitle: Record<'deactivated' | 'expired' | 'exhausted', string>;
  readonly statusBody: Record<'deactivated' | 'expired' | 'exhausted', (partner: string) => string>;
  readonly notFoundTitle: string;
  readonly notFoundBody: string;
  readonly errorTitle: string;
  readonly errorBody: string;
}

export const PAGE_TEXT: Record<Locale, PageText> = {
  en: {
    offerTitle: (partner) => `Your subscription offer from ${partner}`,
    offerLead: (partner) =>
      `${partner} prepared these Microsoft cloud subscriptions for you. Check the counts, then accept or decline.`,
    subscriptions: 'Subscriptions',
    licensesFor: (name) => `${name}: licenses`,
    licenseRange: (min, max) => `From ${min} to ${max} licenses.`,
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
    formHasErrors: 'Some answers need your attention; see the messages below.',
    errors: {
      required: 'Fill in this field.',
      licenses: (min, max) => `Enter a whole number from ${min} to ${max}.`,
      email: 'Enter an email address such as name@example.com.',
      tooLong: (max) => `Use at most ${max} characters.`,
      choice: 'Choose one of the options.',
      stale: 'This form is out of date. Please check the offer and submit it again.',
    },
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
    notFoundTitle: 'Offer not found',
    notFoundBody: 'We could not find this offer. Check that the link is complete, or ask the sender for a new one.',
    errorTitle: 'Something went wrong',
    errorBody: 'We could not load this page right now. Please try again in a moment.',
  },
  'pt-BR': {
    offerTitle: (partner) => `Sua oferta de assinaturas de ${partner}`,
    offerLead: (partner) =>
      `${partner} preparou estas assinaturas de nuvem da Microsoft para você. Confira as quantidades e aceite ou recuse.`,
    subscriptions: 'Assinaturas',
    licensesFor: (name) => `${name}: licenças`,
    licenseRange: (min, max) => `De ${min} a ${max} licenças.`,
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
    formHasErrors: 'Algumas respostas precisam de atenção; veja as mensagens abaixo.',
    errors: {
      required: 'Preencha este campo.',
      licenses: (min, max) => `Informe um número inteiro de ${min} a ${max}.`,
      email: 'Informe um e-mail como nome@exemplo.com.',
      tooLong: (max) => `Use no máximo ${max} caracteres.`,
      choice: 'Escolha uma das opções.',
      stale: 'Este formulário está desatualizado. Confira a oferta e envie novamente.',
    },
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
    notFoundTitle: 'Oferta não encontrada',
    notFoundBody: 'Não encontramos esta oferta. Confira se o link está completo ou peça um novo a quem o enviou.',
    errorTitle: 'Algo deu errado',
    errorBody: 'Não conseguimos carregar esta página agora. Tente novamente em instantes.',
  },
};
