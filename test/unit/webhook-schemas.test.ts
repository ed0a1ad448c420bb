import * as z from 'zod/mini';
import { WEBHOOK_EVENT_TYPES } from '../../shared/domain/webhook.ts';
import { createWebhookEndpointBody, WEBHOOK_TEXT_LIMITS } from '../../shared/schemas/webhooks.ts';

/** The first issue's path and rule (params.rule for custom checks, zod's code otherwise). */
function firstIssue(input: unknown): { path: PropertyKey[]; rule: string } | undefined {
  const result = z.safeParse(createWebhookEndpointBody, input);
  if (result.success) return undefined;
  const [issue] = result.error.issues;
  if (!issue) return undefined;
  const params = (issue as { params?: { rule?: string } }).params;
  return { path: issue.path, rule: params?.rule ?? issue.code };
}

const valid = () => ({ url: 'https://hooks.example.com/in', events: ['offer.accepted'] });

describe('createWebhookEndpointBody', () => {
  it('takes a URL, events and a description; stores the normalised URL and trimmed description', () => {
    const result = z.parse(createWebhookEndpointBody, {
      url: 'https://Hooks.Example.com:443/in',
      events: ['offer.accepted', 'offer.declined'],
      description: '  CRM sync ',
    });

    expect(result).toEqual({
      url: 'https://hooks.example.com/in',
      events: ['offer.accepted', 'offer.declined'],
      description: 'CRM sync',
    });
  });

  it('takes every event type, and treats a null description as absent', () => {
    const result = z.parse(createWebhookEndpointBody, {
      ...valid(),
      events: [...WEBHOOK_EVENT_TYPES],
      description: null,
    });

    expect(result).toEqual({ url: 'https://hooks.example.com/in', events: [...WEBHOOK_EVENT_TYPES] });
  });

  it.each([
    ['a relative URL', { url: '/hook' }, ['url'], 'url'],
    ['an ftp URL', { url: 'ftp://hooks.example.com/' }, ['url'], 'https_only'],
    ['a URL with a fragment', { url: 'https://hooks.example.com/#x' }, ['url'], 'no_fragment'],
    ['a URL with surrounding spaces', { url: ' https://hooks.example.com/' }, ['url'], 'no_surrounding_whitespace'],
    ['a URL with a line break', { url: 'https://hooks.example.com/\n' }, ['url'], 'no_control_characters'],
    [
      'an over-long URL',
      { url: `https://hooks.example.com/${'a'.repeat(WEBHOOK_TEXT_LIMITS.url)}` },
      ['url'],
      'too_big',
    ],
    ['no events', { events: [] }, ['events'], 'too_small'],
    ['an unknown event type', { events: ['offer.paid'] }, ['events', 0], 'invalid_value'],
    ['ping (sent by the test route only)', { events: ['ping'] }, ['events', 0], 'invalid_value'],
    ['an event type twice', { events: ['offer.viewed', 'offer.viewed'] }, ['events'], 'unique_items'],
    [
      'an over-long description',
      { description: 'd'.repeat(WEBHOOK_TEXT_LIMITS.description + 1) },
      ['description'],
      'too_big',
    ],
    ['an unknown member', { secret: 'whsec_mine' }, [], 'unrecognized_keys'],
  ])('refuses %s, naming the field and the rule', (_what, change, path, rule) => {
    expect(firstIssue({ ...valid(), ...change })).toEqual({ path, rule });
  });

  it('requires url and events', () => {
    expect(firstIssue({ events: ['offer.created'] })).toEqual({ path: ['url'], rule: 'invalid_type' });
    expect(firstIssue({ url: 'https://hooks.example.com/' })).toEqual({ path: ['events'], rule: 'invalid_type' });
  });
});
