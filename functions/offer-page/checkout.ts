import { lineTerm, type OfferLine } from '../../shared/domain/offer.ts';

/**
 * The checkout URL is built from a template in configuration (CDK context → CHECKOUT_URL_TEMPLATE),
 * never from request input: only the placeholder values vary, each URL-encoded, so nothing a
 * customer or partner sends can choose the host.
 *
 * Per accepted line, comma-separated in offer order:
 * - `{items}`: `SKU:licenses` (unchanged since before terms existed);
 * - `{terms}`: `SKU:term:billingFrequency`, e.g. `M365_BUSINESS_BASIC:P1Y:monthly`;
 * - `{lines}`: `SKU:licenses:term:billingFrequency`, all of it in one value.
 * Acceptances recorded before terms existed read as P1Y/annual, the term those offers were sold on.
 */
export const CHECKOUT_PLACEHOLDERS = ['advisorCode', 'summaryId', 'items', 'terms', 'lines', 'delegatedAdmin'] as const;
type Placeholder = (typeof CHECKOUT_PLACEHOLDERS)[number];

export interface CheckoutTemplate {
  readonly template: string;
  /**
   * The checkout's origin. Customers reach it from the confirmation page by a plain GET (a link and a
   * meta refresh), so the pages' CSP form-action need not, and does not, name it.
   */
  readonly origin: string;
}

/** Fails fast at start-up on a template that is not an absolute https URL with known placeholders. */
export function parseCheckoutTemplate(template: string): CheckoutTemplate {
  let url: URL;
  try {
    url = new URL(template.replace(/\{(\w+)\}/g, 'x'));
  } catch {
    throw new Error('CHECKOUT_URL_TEMPLATE must be an absolute URL');
  }
  // Plain http only for the local runtime's demo checkout on this machine.
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(loopback && url.protocol === 'http:')) {
    throw new Error('CHECKOUT_URL_TEMPLATE must use https');
  }
  if (/\{\w+\}/.test(template.slice(0, url.protocol.length + 2 + url.host.length))) {
    throw new Error('CHECKOUT_URL_TEMPLATE must not have placeholders in its host');
  }
  for (const [, name] of template.matchAll(/\{(\w+)\}/g)) {
    if (!(CHECKOUT_PLACEHOLDERS as readonly string[]).includes(name ?? '')) {
      throw new Error(`CHECKOUT_URL_TEMPLATE has an unknown placeholder {${name}}`);
    }
  }
  return { template, origin: url.origin };
}

export interface CheckoutInput {
  readonly advisorCode: string;
  readonly summaryId: string;
  readonly items: readonly OfferLine[];
  readonly delegatedAdmin: boolean;
}

function termAndBilling(item: OfferLine): string {
  const { term, billingFrequency } = lineTerm(item);
  return `${term}:${billingFrequency}`;
}

export function buildCheckoutUrl({ template }: CheckoutTemplate, input: CheckoutInput): string {
  const values: Record<Placeholder, string> = {
    advisorCode: input.advisorCode,
    summaryId: input.summaryId,
    items: input.items.map((item) => `${item.sku}:${item.licenses}`).join(','),
    terms: input.items.map((item) => `${item.sku}:${termAndBilling(item)}`).join(','),
    lines: input.items.map((item) => `${item.sku}:${item.licenses}:${termAndBilling(item)}`).join(','),
    delegatedAdmin: String(input.delegatedAdmin),
  };
  return template.replace(/\{(\w+)\}/g, (_match, name: Placeholder) => encodeURIComponent(values[name]));
}
