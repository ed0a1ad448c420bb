import { isAutomatedAnswer, isAutomatedVisitor } from '../../functions/offer-page/visitors.ts';
import {
  AUTOMATED_AGENTS,
  DESKTOP_CHROME,
  NAVIGATION,
  NO_FETCH_METADATA_AGENTS,
  PEOPLE_AGENTS,
} from '../support/user-agents.ts';

describe('automated visitors', () => {
  it.each(Object.entries(AUTOMATED_AGENTS))(
    'classifies %s as automated, even with navigation metadata',
    (_name, agent) => {
      expect(isAutomatedVisitor({ 'user-agent': agent, ...NAVIGATION })).toBe(true);
    },
  );

  it.each(Object.entries(PEOPLE_AGENTS))('counts %s opening the link', (_name, agent) => {
    expect(isAutomatedVisitor({ 'user-agent': agent, ...NAVIGATION })).toBe(false);
  });

  it('treats a desktop Chrome user agent without fetch metadata (a mail scanner) as automated', () => {
    expect(isAutomatedVisitor({ 'user-agent': DESKTOP_CHROME })).toBe(true);
  });

  it.each([
    ['a script fetching the page', { 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' }],
    ['the page in a frame', { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' }],
    ['only the mode', { 'sec-fetch-mode': 'navigate' }],
    ['only the destination', { 'sec-fetch-dest': 'document' }],
  ])('treats %s as automated', (_label, metadata) => {
    expect(isAutomatedVisitor({ 'user-agent': DESKTOP_CHROME, ...metadata })).toBe(true);
  });

  it.each([
    ['sec-purpose', 'prefetch'],
    ['sec-purpose', 'prefetch;prerender'],
    ['purpose', 'prefetch'],
    ['x-purpose', 'preview'],
    ['x-moz', 'prefetch'],
  ])('treats a speculative load (%s: %s) as automated', (name, value) => {
    expect(isAutomatedVisitor({ 'user-agent': DESKTOP_CHROME, ...NAVIGATION, [name]: value })).toBe(true);
  });

  it('treats a missing or blank user agent as automated', () => {
    expect(isAutomatedVisitor({ ...NAVIGATION })).toBe(true);
    expect(isAutomatedVisitor({ 'user-agent': '   ', ...NAVIGATION })).toBe(true);
  });

  it('counts a navigation whatever site it came from and with or without a user gesture', () => {
    for (const site of ['none', 'cross-site', 'same-site', 'same-origin']) {
      expect(isAutomatedVisitor({ 'user-agent': DESKTOP_CHROME, ...NAVIGATION, 'sec-fetch-site': site })).toBe(false);
    }
    const { 'sec-fetch-user': _user, ...withoutGesture } = NAVIGATION;
    expect(isAutomatedVisitor({ 'user-agent': DESKTOP_CHROME, ...withoutGesture })).toBe(false);
  });
});

describe('automated answers (form posts)', () => {
  /** What a browser that sends fetch metadata adds to a form post on the page. */
  const FORM_POST = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-site': 'same-origin' };

  it.each(Object.entries(NO_FETCH_METADATA_AGENTS))(
    'takes the answer of %s, which sends no fetch metadata (its view is not counted)',
    (_name, agent) => {
      expect(isAutomatedAnswer({ 'user-agent': agent })).toBe(false);
      expect(isAutomatedVisitor({ 'user-agent': agent })).toBe(true);
    },
  );

  it.each(Object.entries(PEOPLE_AGENTS))('takes the answer of %s posting the form', (_name, agent) => {
    expect(isAutomatedAnswer({ 'user-agent': agent, ...FORM_POST })).toBe(false);
  });

  it.each(Object.entries(AUTOMATED_AGENTS))('refuses the answer of %s, with or without metadata', (_name, agent) => {
    expect(isAutomatedAnswer({ 'user-agent': agent })).toBe(true);
    expect(isAutomatedAnswer({ 'user-agent': agent, ...FORM_POST })).toBe(true);
  });

  it.each([
    ['a script’s request', { 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' }],
    ['a no-cors request', { 'sec-fetch-mode': 'no-cors' }],
    ['a post from a frame', { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' }],
    ['a prefetch', { ...FORM_POST, 'sec-purpose': 'prefetch' }],
  ])('refuses %s: metadata that is present and not a person’s navigation', (_label, headers) => {
    expect(isAutomatedAnswer({ 'user-agent': DESKTOP_CHROME, ...headers })).toBe(true);
  });

  it.each([
    ['an empty mode and a blank destination', { 'sec-fetch-mode': '', 'sec-fetch-dest': ' ' }],
    ['a blank mode and an empty destination', { 'sec-fetch-mode': ' ', 'sec-fetch-dest': '' }],
  ])('treats blank fetch metadata as none: %s', (_label, headers) => {
    expect(isAutomatedAnswer({ 'user-agent': DESKTOP_CHROME, ...headers })).toBe(false);
  });
});
