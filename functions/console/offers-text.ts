import type { OfferStatus } from '../../shared/domain/offer.ts';
import { formatNumber } from '../../shared/i18n/format.ts';
import type { Locale } from '../../shared/i18n/locale.ts';

/**
 * The words of the console's offers list, offer page and revise form, per locale. Words the
 * customer also reads (terms and billing, "price shown at checkout") come from the offer page's
 * PAGE_TEXT, so the partner sees exactly what its customer sees.
 */
export interface OffersText {
  readonly status: Readonly<Record<OfferStatus, string>>;
  readonly errorSummary: string;
  readonly list: {
    readonly title: string;
    readonly filters: string;
    readonly statusLabel: string;
    readonly allStatuses: string;
    readonly limitLabel: string;
    readonly limitHint: string;
    readonly show: string;
    readonly caption: string;
    readonly captionFiltered: (status: string) => string;
    readonly summaryId: string;
    readonly reference: string;
    readonly statusColumn: string;
    readonly created: string;
    readonly views: string;
    readonly acceptances: string;
    readonly declines: string;
    readonly none: string;
    readonly createFirst: string;
    readonly noneOnPage: string;
    readonly pages: string;
    readonly nextPage: string;
    readonly firstPage: string;
    readonly errors: {
      readonly status: string;
      readonly limit: string;
      readonly cursor: string;
      readonly repeated: string;
    };
  };
  readonly detail: {
    readonly title: (summaryId: string) => string;
    readonly back: string;
    readonly deactivatedNotice: string;
    readonly replacedBy: string;
    readonly revisionOf: string;
    readonly countersHeading: string;
    readonly ofMax: (max: number) => string;
    readonly detailsHeading: string;
    readonly summaryId: string;
    readonly link: string;
    readonly status: string;
    readonly reference: string;
    readonly created: string;
    readonly expires: string;
    readonly noExpiry: string;
    readonly maxAcceptances: string;
    readonly noMax: string;
    readonly office: string;
    readonly usageLocation: string;
    readonly language: string;
    readonly delegatedAdmin: string;
    readonly customerAgreement: string;
    readonly yes: string;
    readonly no: string;
    readonly deactivatedAt: string;
    readonly deactivationMessage: string;
    readonly subscriptionsHeading: string;
    readonly subscription: string;
    readonly licenses: string;
    readonly termAndBilling: string;
    readonly unitPrice: string;
    readonly shareHeading: string;
    readonly qrAlt: string;
    readonly qrDownload: string;
    readonly acceptancesHeading: string;
    readonly acceptancesCaption: (count: string) => string;
    readonly noAcceptances: string;
    readonly acceptedAt: string;
    readonly company: string;
    readonly contact: string;
    readonly accepted: string;
    readonly purchaseOrder: string;
    readonly withDelegatedAdmin: string;
    readonly withoutDelegatedAdmin: string;
    readonly agreementOn: (date: string) => string;
    readonly moreAcceptances: string;
    readonly declinesHeading: string;
    readonly declinesCaption: (count: string) => string;
    readonly noDeclines: string;
    readonly declinedAt: string;
    readonly reason: string;
    readonly noReason: string;
    readonly moreDeclines: string;
    readonly firstAcceptances: string;
    readonly firstDeclines: string;
    readonly messageHeading: string;
    readonly messageLead: string;
    readonly languageName: Readonly<Record<Locale, string>>;
    readonly offerLanguage: string;
    readonly subject: string;
    readonly text: string;
    readonly htmlPreview: string;
    readonly htmlPreviewHint: string;
    readonly inlinePreview: string;
    readonly htmlSource: string;
    readonly reviseHeading: string;
    readonly reviseLead: string;
    readonly reviseLink: string;
    readonly alreadyRevised: string;
    readonly deactivateHeading: string;
    readonly deactivateLead: string;
    readonly deactivateMessage: string;
    readonly deactivateMessageHint: (max: number) => string;
    readonly deactivateButton: string;
    readonly alreadyDeactivated: string;
    readonly errors: { readonly deactivationMessage: (max: number) => string };
  };
  readonly revise: {
    readonly title: (summaryId: string) => string;
    readonly step: (summaryId: string) => string;
    readonly submit: string;
    readonly alreadyRevisedTitle: string;
    readonly alreadyRevised: (summaryId: string) => string;
    readonly goToRevision: string;
  };
  readonly notFound: { readonly title: string; readonly body: string; readonly back: string };
}

export const OFFERS_TEXT: Record<Locale, OffersText> = {
  en: {
    status: { active: 'Active', deactivated: 'Deactivated', expired: 'Expired', exhausted: 'Acceptance limit reached' },
    errorSummary: 'There is a problem',
    list: {
      title: 'Offers',
      filters: 'Filter offers',
      statusLabel: 'Status',
      allStatuses: 'All statuses',
      limitLabel: 'Offers per page',
      limitHint: 'From 1 to 100.',
      show: 'Show offers',
      caption: 'Your offers, newest first',
      captionFiltered: (status) => `Your offers with status “${status}”, newest first`,
      summaryId: 'Summary ID',
      reference: 'Reference',
      statusColumn: 'Status',
      created: 'Created',
      views: 'Views',
      acceptances: 'Acceptances',
      declines: 'Declines',
      none: 'You have no offers yet.',
      createFirst: 'Create your first purchase offer',
      noneOnPage: 'No offers with this status on this page. More may follow on the next page.',
      pages: 'Pages',
      nextPage: 'Next page',
      firstPage: 'First page',
      errors: {
        status: 'Choose one of the statuses listed.',
        limit: 'Enter a whole number from 1 to 100.',
        cursor: 'This page link is no longer valid. Start again from the first page.',
        repeated: 'Give this filter only once.',
      },
    },
    detail: {
      title: (summaryId) => `Offer ${summaryId}`,
      back: 'All offers',
      deactivatedNotice:
        'The offer was deactivated. Customers who open its link now see that it is no longer available.',
      replacedBy: 'This offer was replaced by a revision:',
      revisionOf: 'This offer revises',
      countersHeading: 'Views, acceptances and declines',
      ofMax: (max) => `of at most ${formatNumber('en', max)}`,
      detailsHeading: 'Details',
      summaryId: 'Summary ID',
      link: 'Offer link',
      status: 'Status',
      reference: 'Your reference',
      created: 'Created',
      expires: 'Expires',
      noExpiry: 'No expiry date',
      maxAcceptances: 'Maximum acceptances',
      noMax: 'No limit',
      office: 'Partner office',
      usageLocation: 'Usage location',
      language: 'Language',
      delegatedAdmin: 'Delegated administration',
      customerAgreement: 'Customer agreement required',
      yes: 'Yes',
      no: 'No',
      deactivatedAt: 'Deactivated',
      deactivationMessage: 'Message to customers',
      subscriptionsHeading: 'Subscriptions',
      subscription: 'Subscription',
      licenses: 'Licenses',
      termAndBilling: 'Term and billing',
      unitPrice: 'Unit price',
      shareHeading: 'Link and QR code',
      qrAlt: 'QR code of the offer link',
      qrDownload: 'Download the QR code (SVG)',
      acceptancesHeading: 'Acceptances',
      acceptancesCaption: (count) => `Acceptances (${count} in all), oldest first`,
      noAcceptances: 'No customer has accepted this offer yet.',
      acceptedAt: 'Accepted',
      company: 'Company',
      contact: 'Contact',
      accepted: 'Subscriptions accepted',
      purchaseOrder: 'Purchase order',
      withDelegatedAdmin: 'With delegated administration',
      withoutDelegatedAdmin: 'Without delegated administration',
      agreementOn: (date) => `Accepted the customer agreement on ${date}`,
      moreAcceptances: 'More acceptances',
      declinesHeading: 'Declines',
      declinesCaption: (count) => `Declines (${count} in all), oldest first`,
      noDeclines: 'No customer has declined this offer.',
      declinedAt: 'Declined',
      reason: 'Reason',
      noReason: 'No reason given',
      moreDeclines: 'More declines',
      firstAcceptances: 'First acceptances',
      firstDeclines: 'First declines',
      messageHeading: 'Message',
      messageLead: 'The ready message to send your customer, in the offer’s language and the other one.',
      languageName: { en: 'English', 'pt-BR': 'Portuguese (Brazil)' },
      offerLanguage: '(the offer’s language)',
      subject: 'Subject',
      text: 'Text',
      htmlPreview: 'Open the HTML preview',
      htmlPreviewHint: 'Opens the email as your customer’s mail app shows it, on its own page.',
      htmlSource: 'HTML source',
      inlinePreview: 'Preview (the layout, without the email’s colours)',
      reviseHeading: 'Revise',
      reviseLead:
        'A customer who wants other license counts or terms gets a revised offer: a new offer with a new link, which replaces this one.',
      reviseLink: 'Revise this offer',
      alreadyRevised: 'This offer was already revised; revise the newer one instead.',
      deactivateHeading: 'Deactivate',
      deactivateLead:
        'Customers can no longer accept or decline a deactivated offer. Its link then says that it is no longer available, with your message if you write one. This cannot be undone.',
      deactivateMessage: 'Message to customers (optional)',
      deactivateMessageHint: (max) => `Shown to customers who open the link. At most ${max} characters.`,
      deactivateButton: 'Deactivate this offer',
      alreadyDeactivated: 'This offer is deactivated.',
      errors: {
        deactivationMessage: (max) =>
          `Enter at most ${max} characters of visible text, without control or invisible characters.`,
      },
    },
    revise: {
      title: (summaryId) => `Revise offer ${summaryId}`,
      step: (summaryId) =>
        `Your changes make a new offer with a new link and summary ID; it replaces offer ${summaryId}, whose link then sends customers to the new one. Counters start at 0. An expiry date, maximum acceptances or reference left empty keeps the current one.`,
      submit: 'Create the revised offer and continue',
      alreadyRevisedTitle: 'Offer already revised',
      alreadyRevised: (summaryId) =>
        `Offer ${summaryId} was already revised. An offer is revised once: revise its newest revision instead.`,
      goToRevision: 'Go to the revision',
    },
    notFound: {
      title: 'Offer not found',
      body: 'You have no offer with this summary ID. Check the ID, or find the offer in your list.',
      back: 'Go to your offers',
    },
  },
  'pt-BR': {
    status: {
      active: 'Ativa',
      deactivated: 'Desativada',
      expired: 'Expirada',
      exhausted: 'Limite de aceites atingido',
    },
    errorSummary: 'Há um problema',
    list: {
      title: 'Ofertas',
      filters: 'Filtrar ofertas',
      statusLabel: 'Status',
      allStatuses: 'Todos os status',
      limitLabel: 'Ofertas por página',
      limitHint: 'De 1 a 100.',
      show: 'Mostrar ofertas',
      caption: 'Suas ofertas, das mais recentes às mais antigas',
      captionFiltered: (status) => `Suas ofertas com status “${status}”, das mais recentes às mais antigas`,
      summaryId: 'ID de resumo',
      reference: 'Referência',
      statusColumn: 'Status',
      created: 'Criada em',
      views: 'Visualizações',
      acceptances: 'Aceites',
      declines: 'Recusas',
      none: 'Você ainda não tem ofertas.',
      createFirst: 'Crie sua primeira oferta de compra',
      noneOnPage: 'Nenhuma oferta com este status nesta página. Pode haver mais na próxima página.',
      pages: 'Páginas',
      nextPage: 'Próxima página',
      firstPage: 'Primeira página',
      errors: {
        status: 'Escolha um dos status da lista.',
        limit: 'Informe um número inteiro de 1 a 100.',
        cursor: 'Este link de página não é mais válido. Comece de novo pela primeira página.',
        repeated: 'Informe este filtro uma vez só.',
      },
    },
    detail: {
      title: (summaryId) => `Oferta ${summaryId}`,
      back: 'Todas as ofertas',
      deactivatedNotice: 'A oferta foi desativada. Quem abrir o link agora vê que ela não está mais disponível.',
      replacedBy: 'Esta oferta foi substituída por uma revisão:',
      revisionOf: 'Esta oferta revisa',
      countersHeading: 'Visualizações, aceites e recusas',
      ofMax: (max) => `de no máximo ${formatNumber('pt-BR', max)}`,
      detailsHeading: 'Detalhes',
      summaryId: 'ID de resumo',
      link: 'Link da oferta',
      status: 'Status',
      reference: 'Sua referência',
      created: 'Criada em',
      expires: 'Expira em',
      noExpiry: 'Sem data de expiração',
      maxAcceptances: 'Máximo de aceites',
      noMax: 'Sem limite',
      office: 'Escritório do parceiro',
      usageLocation: 'Local de uso',
      language: 'Idioma',
      delegatedAdmin: 'Administração delegada',
      customerAgreement: 'Contrato de cliente exigido',
      yes: 'Sim',
      no: 'Não',
      deactivatedAt: 'Desativada em',
      deactivationMessage: 'Mensagem aos clientes',
      subscriptionsHeading: 'Assinaturas',
      subscription: 'Assinatura',
      licenses: 'Licenças',
      termAndBilling: 'Prazo e cobrança',
      unitPrice: 'Preço unitário',
      shareHeading: 'Link e QR code',
      qrAlt: 'QR code do link da oferta',
      qrDownload: 'Baixar o QR code (SVG)',
      acceptancesHeading: 'Aceites',
      acceptancesCaption: (count) => `Aceites (${count} no total), dos mais antigos aos mais recentes`,
      noAcceptances: 'Nenhum cliente aceitou esta oferta ainda.',
      acceptedAt: 'Aceita em',
      company: 'Empresa',
      contact: 'Contato',
      accepted: 'Assinaturas aceitas',
      purchaseOrder: 'Pedido de compra',
      withDelegatedAdmin: 'Com administração delegada',
      withoutDelegatedAdmin: 'Sem administração delegada',
      agreementOn: (date) => `Aceitou o contrato de cliente em ${date}`,
      moreAcceptances: 'Mais aceites',
      declinesHeading: 'Recusas',
      declinesCaption: (count) => `Recusas (${count} no total), das mais antigas às mais recentes`,
      noDeclines: 'Nenhum cliente recusou esta oferta.',
      declinedAt: 'Recusada em',
      reason: 'Motivo',
      noReason: 'Nenhum motivo informado',
      moreDeclines: 'Mais recusas',
      firstAcceptances: 'Primeiros aceites',
      firstDeclines: 'Primeiras recusas',
      messageHeading: 'Mensagem',
      messageLead: 'A mensagem pronta para enviar ao cliente, no idioma da oferta e no outro.',
      languageName: { en: 'Inglês', 'pt-BR': 'Português (Brasil)' },
      offerLanguage: '(o idioma da oferta)',
      subject: 'Assunto',
      text: 'Texto',
      htmlPreview: 'Abrir a prévia em HTML',
      htmlPreviewHint: 'Abre o e-mail como o aplicativo de e-mail do cliente o mostra, em uma página própria.',
      htmlSource: 'Código HTML',
      inlinePreview: 'Prévia (o layout, sem as cores do e-mail)',
      reviseHeading: 'Revisar',
      reviseLead:
        'O cliente que quer outras quantidades de licenças ou outros prazos recebe uma oferta revisada: uma nova oferta, com novo link, que substitui esta.',
      reviseLink: 'Revisar esta oferta',
      alreadyRevised: 'Esta oferta já foi revisada; revise a mais recente.',
      deactivateHeading: 'Desativar',
      deactivateLead:
        'Os clientes não podem mais aceitar nem recusar uma oferta desativada. O link passa a dizer que ela não está mais disponível, com a sua mensagem, se você escrever uma. Não é possível desfazer.',
      deactivateMessage: 'Mensagem aos clientes (opcional)',
      deactivateMessageHint: (max) => `Mostrada a quem abrir o link. No máximo ${max} caracteres.`,
      deactivateButton: 'Desativar esta oferta',
      alreadyDeactivated: 'Esta oferta está desativada.',
      errors: {
        deactivationMessage: (max) =>
          `Escreva no máximo ${max} caracteres de texto visível, sem caracteres de controle ou invisíveis.`,
      },
    },
    revise: {
      title: (summaryId) => `Revisar a oferta ${summaryId}`,
      step: (summaryId) =>
        `Suas alterações criam uma nova oferta, com novo link e novo ID de resumo, que substitui a oferta ${summaryId}; o link antigo passa a levar os clientes à nova. Os contadores começam em 0. Data de expiração, máximo de aceites ou referência deixados em branco mantêm os atuais.`,
      submit: 'Criar a oferta revisada e continuar',
      alreadyRevisedTitle: 'Oferta já revisada',
      alreadyRevised: (summaryId) =>
        `A oferta ${summaryId} já foi revisada. Uma oferta é revisada uma vez só: revise a revisão mais recente.`,
      goToRevision: 'Ir para a revisão',
    },
    notFound: {
      title: 'Oferta não encontrada',
      body: 'Você não tem nenhuma oferta com este ID de resumo. Confira o ID ou procure a oferta na sua lista.',
      back: 'Ir para suas ofertas',
    },
  },
};
