import { type Offer, offerContact } from '../../shared/domain/offer.ts';
import { formatDateTime, formatNumber } from '../../shared/i18n/format.ts';
import { LOCALES, type Locale } from '../../shared/i18n/locale.ts';
import { html, SafeHtml } from '../../shared/render/html.ts';
import { buildOfferMessage, type OfferMessage } from '../../shared/render/offer-message.ts';
import { offerUrl } from '../../shared/render/offer-view.ts';
import { localized } from './offer-form.ts';

/**
 * Page 2 of the create wizard ("Send"): what the partner needs to send the offer it just made:
 * the summary ID to track it, the link (and its QR code), the ready message in both languages
 * with copy buttons and a mail link, and what to tell the customer with it (who advises them,
 * who bills them, whom to ask, that they choose the license counts, and the offer's own limits).
 * Everything is readable and selectable without script; the copy buttons are a progressive
 * enhancement (one inline script, allowed by its hash).
 */

export interface SendText {
  readonly title: string;
  readonly step: string;
  readonly summaryIdHeading: string;
  readonly summaryIdAdvice: string;
  readonly linkHeading: string;
  readonly linkLabel: string;
  readonly linkHint: string;
  readonly qrAlt: string;
  readonly messageHeading: (language: string, own: boolean) => string;
  readonly subject: string;
  readonly text: string;
  readonly htmlSource: string;
  readonly preview: string;
  readonly previewWithColours: string;
  readonly mailApp: string;
  readonly mailAppShort: string;
  readonly copy: string;
  readonly copied: string;
  readonly languageNames: Readonly<Record<Locale, string>>;
  readonly guidanceHeading: string;
  readonly guidanceAdvisor: (partner: string) => string;
  readonly guidanceBilling: string;
  readonly guidanceContact: (contact: string) => string;
  readonly guidanceCounts: string;
  readonly guidanceDelegatedAdmin: string;
  readonly guidanceLimits: (expires: string | undefined, max: string | undefined) => string | undefined;
  readonly offerDetails: string;
  readonly createAnother: string;
  readonly notFoundTitle: string;
  readonly notFound: string;
  readonly viewOffers: string;
}

export const SEND_TEXT: Record<Locale, SendText> = {
  en: {
    title: 'Send your offer',
    step: 'Step 2 of 2: Send',
    summaryIdHeading: 'Summary ID',
    summaryIdAdvice:
      'Note this summary ID: you need it to track the offer, and the customer may quote it when they contact you.',
    linkHeading: 'Offer link',
    linkLabel: 'Link for your customers',
    linkHint: 'Send it to one customer or many, by email, chat or on a web page. The QR code opens the same link.',
    qrAlt: 'QR code of the offer link',
    messageHeading: (language, own) => `Ready message in ${language}${own ? ' (the offer’s language)' : ''}`,
    subject: 'Subject',
    text: 'Text',
    htmlSource: 'HTML (for mail tools that take HTML)',
    preview: 'Preview',
    previewWithColours: 'Open the HTML message as the customer’s mail app shows it',
    mailApp: 'Open in my mail app',
    mailAppShort:
      'The message is too long for a mail link: your mail app opens with the link and summary ID only; paste the full text from above.',
    copy: 'Copy',
    copied: 'Copied',
    languageNames: { en: 'English', 'pt-BR': 'Portuguese (Brazil)' },
    guidanceHeading: 'Before you send it',
    guidanceAdvisor: (partner) =>
      `Introduce yourself as ${partner}, an authorised subscription advisor: your organisation is recorded as advisor on every purchase made through this offer.`,
    guidanceBilling:
      'Tell the customer that Microsoft bills them directly for the subscriptions: they pay Microsoft, not you.',
    guidanceContact: (contact) => `Say how to reach you with questions. The offer shows: ${contact}.`,
    guidanceCounts:
      'The customer controls the license counts: they can change them within each subscription’s limits when accepting.',
    guidanceDelegatedAdmin:
      'This offer includes delegated administration: if the customer accepts it, your organisation can manage their subscriptions and users for them. They may accept the offer without it.',
    guidanceLimits: (expires, max) =>
      [expires ? `The offer is valid until ${expires}.` : '', max ? `At most ${max} customers can accept it.` : '']
        .filter(Boolean)
        .join(' ') || undefined,
    offerDetails: 'Follow this offer',
    createAnother: 'Create another offer',
    notFoundTitle: 'Offer not found',
    notFound: 'There is no offer of yours with this summary ID.',
    viewOffers: 'View your offers',
  },
  'pt-BR': {
    title: 'Envie sua oferta',
    step: 'Etapa 2 de 2: Enviar',
    summaryIdHeading: 'ID do resumo',
    summaryIdAdvice:
      'Anote este ID do resumo: você precisa dele para acompanhar a oferta, e o cliente pode citá-lo ao falar com você.',
    linkHeading: 'Link da oferta',
    linkLabel: 'Link para seus clientes',
    linkHint: 'Envie para um ou vários clientes, por e-mail, chat ou em uma página web. O QR code abre o mesmo link.',
    qrAlt: 'QR code do link da oferta',
    messageHeading: (language, own) => `Mensagem pronta em ${language}${own ? ' (o idioma da oferta)' : ''}`,
    subject: 'Assunto',
    text: 'Texto',
    htmlSource: 'HTML (para ferramentas de e-mail que aceitam HTML)',
    preview: 'Pré-visualização',
    previewWithColours: 'Abrir a mensagem HTML como o aplicativo de e-mail do cliente a mostra',
    mailApp: 'Abrir no meu aplicativo de e-mail',
    mailAppShort:
      'A mensagem é longa demais para um link de e-mail: seu aplicativo abre só com o link e o ID do resumo; cole o texto completo acima.',
    copy: 'Copiar',
    copied: 'Copiado',
    languageNames: { en: 'inglês', 'pt-BR': 'português (Brasil)' },
    guidanceHeading: 'Antes de enviar',
    guidanceAdvisor: (partner) =>
      `Apresente-se como ${partner}, consultor de assinaturas autorizado: sua organização fica registrada como consultora em cada compra feita por esta oferta.`,
    guidanceBilling:
      'Diga ao cliente que a Microsoft cobra as assinaturas diretamente dele: ele paga à Microsoft, não a você.',
    guidanceContact: (contact) => `Diga como falar com você em caso de dúvidas. A oferta mostra: ${contact}.`,
    guidanceCounts:
      'O cliente controla as quantidades de licenças: pode alterá-las dentro dos limites de cada assinatura ao aceitar.',
    guidanceDelegatedAdmin:
      'Esta oferta inclui administração delegada: se o cliente aceitar, sua organização pode gerenciar as assinaturas e os usuários dele. Ele pode aceitar a oferta sem ela.',
    guidanceLimits: (expires, max) =>
      [expires ? `A oferta é válida até ${expires}.` : '', max ? `No máximo ${max} clientes podem aceitá-la.` : '']
        .filter(Boolean)
        .join(' ') || undefined,
    offerDetails: 'Acompanhar esta oferta',
    createAnother: 'Criar outra oferta',
    notFoundTitle: 'Oferta não encontrada',
    notFound: 'Não há oferta sua com este ID do resumo.',
    viewOffers: 'Ver suas ofertas',
  },
};

/**
 * Mail links longer than this carry a short body instead of the whole text: some mail handlers
 * refuse or cut long `mailto:` URLs. A limit we chose, well below the lengths browsers accept.
 */
export const MAX_MAILTO_LENGTH = 2_000;

/**
 * A `mailto:` link with the message's subject and text (no address, so the partner picks the
 * recipient; each field percent-encoded as UTF-8; line breaks as CRLF, which mail clients take as
 * a new line), or, when that is longer than MAX_MAILTO_LENGTH, with a short body:
 * the link and the summary ID. `short` says which.
 */
export function mailtoLink(
  message: OfferMessage,
  url: string,
  summaryIdLine: string,
): { href: string; short: boolean } {
  const encode = (value: string) => encodeURIComponent(value.replace(/\r?\n/g, '\r\n'));
  const full = `mailto:?subject=${encode(message.subject)}&body=${encode(message.text)}`;
  if (full.length <= MAX_MAILTO_LENGTH) return { href: full, short: false };
  return {
    href: `mailto:?subject=${encode(message.subject)}&body=${encode(`${url}\n\n${summaryIdLine}`)}`,
    short: true,
  };
}

/**
 * The message's HTML body for a preview inside the console: the document's body without its inline
 * styles, which the console's CSP would refuse (the layout shows, the colours and spacing do not).
 * Its `bgcolor` attributes go too: without the styles that colour the text on them, the button's
 * dark cell would hold a link in the console's own link colour (axe: colour contrast).
 * The message is built by our own templates, every outside string escaped, so `style="…"` and
 * `bgcolor="…"` are only ever attributes here.
 */
export function previewOf(messageHtml: string): SafeHtml {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(messageHtml)?.[1] ?? '';
  return new SafeHtml(body.replace(/\s(?:style|bgcolor)="[^"]*"/g, ''));
}

/** The copy buttons: hidden until this runs; each copies the text of the element it names. */
export const COPY_SCRIPT = `(function(){var s=document.getElementById('copy-status');document.querySelectorAll('button[data-copy]').forEach(function(b){if(!navigator.clipboard)return;b.hidden=false;b.addEventListener('click',function(){var t=document.getElementById(b.getAttribute('data-copy'));var v=t.value!==undefined?t.value:t.textContent;navigator.clipboard.writeText(v).then(function(){b.textContent=b.getAttribute('data-done');if(s)s.textContent=b.getAttribute('data-done');});});});})();`;

function copyButton(target: string, label: string, text: SendText): SafeHtml {
  return html`<button type="button" class="secondary" data-copy="${target}" data-done="${text.copied}" hidden aria-label="${text.copy}: ${label}">${text.copy}</button>`;
}

function messageSection(offer: Offer, locale: Locale, messageLocale: Locale, url: string, text: SendText): SafeHtml {
  const message = buildOfferMessage(offer, messageLocale, url);
  const id = (part: string) => `message-${messageLocale}-${part}`;
  const mail = mailtoLink(message, url, `${SEND_TEXT[messageLocale].summaryIdHeading}: ${offer.summaryId}`);
  const language = text.languageNames[messageLocale];
  return html`<section aria-labelledby="${id('heading')}" lang="${messageLocale}">
<h2 id="${id('heading')}" lang="${locale}">${text.messageHeading(language, messageLocale === offer.locale)}</h2>
<div class="field"><label for="${id('subject')}" lang="${locale}">${text.subject}</label>
<input id="${id('subject')}" type="text" readonly value="${message.subject}">
${copyButton(id('subject'), `${text.subject} (${language})`, text)}</div>
<div class="field"><label for="${id('text')}" lang="${locale}">${text.text}</label>
<textarea id="${id('text')}" rows="12" readonly>${message.text}</textarea>
${copyButton(id('text'), `${text.text} (${language})`, text)}</div>
<p><a class="button" href="${mail.href}" lang="${locale}">${text.mailApp}</a></p>
${mail.short ? html`<p class="hint" lang="${locale}">${text.mailAppShort}</p>` : ''}
<details><summary lang="${locale}">${text.htmlSource}</summary>
<div class="field"><label for="${id('html')}" lang="${locale}">${text.htmlSource}</label>
<textarea id="${id('html')}" rows="8" readonly>${message.html}</textarea>
${copyButton(id('html'), `${text.htmlSource} (${language})`, text)}</div></details>
<h3 lang="${locale}">${text.preview}</h3>
<div class="preview">${previewOf(message.html)}</div>
<p lang="${locale}"><a href="/console/offers/${offer.summaryId}/message.html?locale=${messageLocale}">${text.previewWithColours}</a></p>
</section>`;
}

/**
 * What the partner should tell the customer along with the message, with this offer's facts: the
 * partner advises, the vendor bills, whom to ask, that the customer sets the license counts, delegated
 * administration when offered, and the expiry and acceptance limits when set.
 */
function guidance(offer: Offer, locale: Locale, text: SendText): SafeHtml {
  const contact = offerContact(offer);
  const reach = [contact.name, contact.email, contact.phone].filter(Boolean).join(', ');
  const limits = text.guidanceLimits(
    offer.expiresAt ? formatDateTime(locale, offer.expiresAt, offer.usageLocation) : undefined,
    offer.maxAcceptances !== undefined ? formatNumber(locale, offer.maxAcceptances) : undefined,
  );
  return html`<h2>${text.guidanceHeading}</h2>
<ul>
<li>${text.guidanceAdvisor(offer.partner.name)}</li>
<li>${text.guidanceBilling}</li>
<li>${text.guidanceContact(reach)}</li>
<li>${text.guidanceCounts}</li>
${offer.delegatedAdmin ? html`<li>${text.guidanceDelegatedAdmin}</li>` : ''}
${limits ? html`<li>${limits}</li>` : ''}
</ul>`;
}

/** Page 2's main content for `offer`, in the console's `locale`. */
export function sendPageMain(offer: Offer, locale: Locale, publicBaseUrl: string): SafeHtml {
  const text = SEND_TEXT[locale];
  const url = offerUrl(publicBaseUrl, offer.summaryId);
  const other = LOCALES.filter((l) => l !== offer.locale);
  return html`<h1>${text.title}</h1>
<p>${text.step}</p>
<section aria-labelledby="summary-id-heading">
<h2 id="summary-id-heading">${text.summaryIdHeading}</h2>
<p class="copyable" id="summary-id"><strong>${offer.summaryId}</strong></p>
${copyButton('summary-id', text.summaryIdHeading, text)}
<p>${text.summaryIdAdvice}</p>
</section>
<section aria-labelledby="link-heading">
<h2 id="link-heading">${text.linkHeading}</h2>
<div class="field"><label for="offer-url">${text.linkLabel}</label>
<input id="offer-url" type="url" readonly value="${url}" aria-describedby="offer-url-hint">
<p class="hint" id="offer-url-hint">${text.linkHint}</p>
${copyButton('offer-url', text.linkLabel, text)}</div>
<p><img src="/console/offers/${offer.summaryId}/qr.svg" alt="${text.qrAlt}" width="200" height="200"></p>
</section>
<p class="hint" role="status" id="copy-status"></p>
${guidance(offer, locale, text)}
${[offer.locale, ...other].map((messageLocale) => messageSection(offer, locale, messageLocale, url, text))}
<p><a href="${localized(`/console/offers/${offer.summaryId}`, locale)}">${text.offerDetails}</a></p>
<p><a href="${localized('/console/offers/new', locale)}">${text.createAnother}</a></p>`;
}
