import { formatNumber } from '../../shared/i18n/format.ts';
import type { Locale } from '../../shared/i18n/locale.ts';

/**
 * The accept form's own words, per locale: the acceptance evidence fields (names, phone, job title,
 * purchase order), the customer-agreement checkbox and the errors of the rules only acceptance has
 * (the term choice, the cross-line quantity cap). The rest of the page's words are in PAGE_TEXT.
 */
export interface FormText {
  readonly firstName: string;
  readonly lastName: string;
  readonly phone: string;
  readonly jobTitle: string;
  readonly purchaseOrder: string;
  /** The checkbox label is `agreementBefore` + a link named `agreementName` + `agreementAfter`. */
  readonly agreementLegend: string;
  readonly agreementBefore: string;
  readonly agreementName: string;
  readonly agreementAfter: string;
  readonly agreementHint: string;
  readonly errors: {
    readonly agreementRequired: string;
    readonly phone: string;
    readonly termChoice: string;
    /**
     * On each line a quantity rule counts: `names` the lines' subscriptions, `total` their licenses
     * together, `limit` the rule's cap.
     */
    readonly quantityCap: (limit: number, total: number, names: readonly string[]) => string;
  };
}

// Intl formatters are costly to build; one per locale for the life of the function instance.
const listFormats = new Map<Locale, Intl.ListFormat>();

function list(locale: Locale, names: readonly string[]): string {
  let format = listFormats.get(locale);
  if (format === undefined) {
    format = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' });
    listFormats.set(locale, format);
  }
  return format.format(names);
}

export const FORM_TEXT: Record<Locale, FormText> = {
  en: {
    firstName: 'First name',
    lastName: 'Last name',
    phone: 'Phone (optional)',
    jobTitle: 'Job title (optional)',
    purchaseOrder: 'Purchase order number (optional)',
    agreementLegend: 'Microsoft Customer Agreement',
    agreementBefore: 'I accept the ',
    agreementName: 'Microsoft Customer Agreement',
    agreementAfter: '',
    agreementHint:
      'Microsoft requires it for this purchase. We record your name, email, phone and today’s date as your acceptance.',
    errors: {
      agreementRequired: 'Tick this box to accept the Microsoft Customer Agreement, or decline the offer.',
      phone: 'Enter a phone number: digits, spaces, ( ) . - and an optional leading +.',
      termChoice: 'Choose one of the terms offered.',
      quantityCap: (limit, total, names) =>
        `At most ${formatNumber('en', limit)} licenses in total across the Microsoft 365 Business plans in one organisation: ${list('en', names)} add up to ${formatNumber('en', total)}.`,
    },
  },
  'pt-BR': {
    firstName: 'Nome',
    lastName: 'Sobrenome',
    phone: 'Telefone (opcional)',
    jobTitle: 'Cargo (opcional)',
    purchaseOrder: 'Número do pedido de compra (opcional)',
    agreementLegend: 'Contrato de Cliente da Microsoft',
    agreementBefore: 'Aceito o ',
    agreementName: 'Contrato de Cliente da Microsoft',
    agreementAfter: '',
    agreementHint:
      'A Microsoft exige o aceite para esta compra. Registramos seu nome, e-mail, telefone e a data de hoje como seu aceite.',
    errors: {
      agreementRequired: 'Marque esta caixa para aceitar o Contrato de Cliente da Microsoft, ou recuse a oferta.',
      phone: 'Informe um telefone: números, espaços, ( ) . - e um + opcional no início.',
      termChoice: 'Escolha um dos prazos oferecidos.',
      quantityCap: (limit, total, names) =>
        `No máximo ${formatNumber('pt-BR', limit)} licenças no total entre os planos Microsoft 365 Business em uma organização: ${list('pt-BR', names)} somam ${formatNumber('pt-BR', total)}.`,
    },
  },
};
