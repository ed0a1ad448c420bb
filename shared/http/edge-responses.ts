import { createHash } from 'node:crypto';
import { siteIconLink } from '../render/site-icon.ts';
import { PROBLEM_TYPE_PREFIX, type ProblemDetails } from './problem.ts';

/**
 * The answers given before any route runs: by AWS WAF at the edge (rate limits, managed rule
 * blocks) and by the origin check when a request did not come through CloudFront. They are fixed
 * text (WAF's custom response bodies are static: no request id, no language negotiation), so each
 * page says everything in English and Brazilian Portuguese, the customer pages' two languages.
 * The infra builds WAF's custom responses from these same values.
 */

/** The three edge answers. */
export type EdgeRefusal = 'rate-limited' | 'request-blocked' | 'edge-required';
/** The pages: the three refusals, and the origin check's 503 when it could not read its secret. */
export type EdgePageKind = EdgeRefusal | 'unavailable';

/** Problem documents for /v1 (RFC 9457; the slugs are in shared/openapi/problems.ts). */
export function edgeProblem(kind: EdgeRefusal): ProblemDetails {
  switch (kind) {
    case 'rate-limited':
      return {
        type: `${PROBLEM_TYPE_PREFIX}rate-limited`,
        title: 'Too many requests',
        status: 429,
        detail:
          'Too many requests from your address for this kind of request. Retry after the number of seconds in the Retry-After header.',
      };
    case 'request-blocked':
      return {
        type: `${PROBLEM_TYPE_PREFIX}request-blocked`,
        title: 'Request blocked',
        status: 403,
        detail:
          'Our web application firewall blocked this request (a known attack pattern, a known bad input, or an address with a poor reputation). If it is a legitimate call, contact support with the time it was sent.',
      };
    case 'edge-required':
      return {
        type: `${PROBLEM_TYPE_PREFIX}edge-required`,
        title: 'Use the public address',
        status: 403,
        detail: 'This address only answers requests made through the service’s public address; call the API there.',
      };
  }
}

const PAGE_TEXT: Record<EdgePageKind, { en: [string, string]; pt: [string, string] }> = {
  'rate-limited': {
    en: ['Too many requests', 'Please wait a few minutes, then try again.'],
    pt: ['Muitas solicitações', 'Aguarde alguns minutos e tente novamente.'],
  },
  'request-blocked': {
    en: [
      'Request blocked',
      'Our security filter blocked this request. If you think this is a mistake, try again later.',
    ],
    pt: [
      'Solicitação bloqueada',
      'Nosso filtro de segurança bloqueou esta solicitação. Se acha que é um engano, tente novamente mais tarde.',
    ],
  },
  'edge-required': {
    en: ['Wrong address', 'Open the link you received instead of this address.'],
    pt: ['Endereço incorreto', 'Abra o link que você recebeu em vez deste endereço.'],
  },
  unavailable: {
    en: ['Temporarily unavailable', 'Please try again in a few seconds.'],
    pt: ['Temporariamente indisponível', 'Tente novamente em alguns segundos.'],
  },
};

const STYLE =
  'body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1f;background:#f4f5f7}' +
  'main{max-width:40rem;margin:0 auto;padding:1rem;background:#fff;min-height:100vh}h1{font-size:1.5rem;margin:.5rem 0}';

/**
 * The one inline style, allowed by its hash, and the service's icon (same origin): the pages need
 * no other source. The icon is linked even though WAF may be refusing this client: a rate rule
 * counts one kind of request (a client over the customer pages' limit is not over the other
 * requests' one), and CloudFront answers the icon from its cache; unlinked, the browser would ask
 * /favicon.ico, a redirect and then the icon, under the same rules.
 */
export const EDGE_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src 'self'; frame-ancestors 'none'`;

/** A small HTML page in both languages (fixed text: nothing from the request is in it). */
export function edgePage(kind: EdgePageKind): string {
  const { en, pt } = PAGE_TEXT[kind];
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    siteIconLink.value +
    `<title>${en[0]}</title><style>${STYLE}</style></head><body><main>` +
    `<h1>${en[0]}</h1><p>${en[1]}</p>` +
    `<div lang="pt-BR"><h1>${pt[0]}</h1><p>${pt[1]}</p></div>` +
    '</main></body></html>'
  );
}

/** Whether a path's answers are JSON problems (the partner API) rather than pages (customers, console). */
export function isApiPath(path: string): boolean {
  return path === '/v1' || path.startsWith('/v1/');
}
