import type { PartnerContact } from '../domain/partner.ts';
import type { Locale } from '../i18n/locale.ts';

export interface DisclosureInput {
  readonly partnerName: string;
  readonly contact: PartnerContact;
  readonly delegatedAdmin: boolean;
}

export type DisclosureId =
  | 'authorised-advisor'
  | 'vendor-billing'
  | 'contact'
  | 'customer-controls-licenses'
  | 'delegated-admin';

export interface Disclosure {
  readonly id: DisclosureId;
  /** Plain text: callers escape it for HTML. */
  readonly text: string;
}

function contactLine(contact: PartnerContact): string {
  return [contact.name, contact.email, contact.phone].filter(Boolean).join(' · ');
}

const TEXTS: Record<Locale, (input: DisclosureInput) => Disclosure[]> = {
  en: ({ partnerName, contact, delegatedAdmin }) => [
    {
      id: 'authorised-advisor',
      text: `${partnerName} is an authorised advisor for Microsoft cloud subscriptions and prepared this offer for you.`,
    },
    {
      id: 'vendor-billing',
      text: 'You buy directly from Microsoft: Microsoft bills you for the subscriptions, not the advisor.',
    },
    { id: 'contact', text: `Questions? Contact ${partnerName}: ${contactLine(contact)}.` },
    {
      id: 'customer-controls-licenses',
      text: 'You decide how many licenses to buy: change any count before you accept. After purchase you can add licenses at any time; reducing them is only possible within the window shown under the commitment.',
    },
    ...(delegatedAdmin
      ? [
          {
            id: 'delegated-admin' as const,
            text: `${partnerName} also asks for delegated administration: limited admin rights in your tenant so it can set up and support your subscriptions for you. It is optional: you can accept the offer without it, and remove the access at any time.`,
          },
        ]
      : []),
  ],
  'pt-BR': ({ partnerName, contact, delegatedAdmin }) => [
    {
      id: 'authorised-advisor',
      text: `${partnerName} é um consultor autorizado de assinaturas de nuvem da Microsoft e preparou esta oferta para você.`,
    },
    {
      id: 'vendor-billing',
      text: 'Você compra diretamente da Microsoft: a cobrança das assinaturas é feita pela Microsoft, não pelo consultor.',
    },
    { id: 'contact', text: `Dúvidas? Fale com ${partnerName}: ${contactLine(contact)}.` },
    {
      id: 'customer-controls-licenses',
      text: 'Você decide quantas licenças comprar: altere qualquer quantidade antes de aceitar. Depois da compra, você pode adicionar licenças a qualquer momento; reduzi-las só é possível dentro do prazo indicado no compromisso.',
    },
    ...(delegatedAdmin
      ? [
          {
            id: 'delegated-admin' as const,
            text: `${partnerName} também solicita administração delegada: permissões administrativas limitadas no seu locatário para configurar e dar suporte às suas assinaturas. É opcional: você pode aceitar a oferta sem ela e remover o acesso a qualquer momento.`,
          },
        ]
      : []),
  ],
};

/** What the customer must read before accepting, in the offer's language; shared by the message and the page. */
export function disclosures(locale: Locale, input: DisclosureInput): Disclosure[] {
  return TEXTS[locale](input);
}
