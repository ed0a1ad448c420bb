import { summaryIdFromLink } from '../../shared/domain/summary-id.ts';

const ID = 'ABCD-EFGH-JKMN-PQRS-TVWX';

describe('summaryIdFromLink', () => {
  it.each([
    ')',
    '.',
    ',',
    '/',
    ';',
    ':',
    '!',
    '?',
    "'",
    '"',
    ']',
    '>',
    ').',
    '/)',
    '%29',
    '%2E',
    '%2F',
    '%3E',
    '%2529',
    '”',
    '%E2%80%9D',
    '。',
    '…',
    '%20',
    '%E2%80',
  ])('strips %j from the end of a code', (trailer) => {
    expect(summaryIdFromLink(`${ID}${trailer}`)).toBe(ID);
  });

  it('keeps normalizeSummaryId’s forgiveness (case, spaces, hyphens, I/L/O)', () => {
    expect(summaryIdFromLink('abcd efgh jkmn pqrs tvwx).')).toBe(ID);
    expect(summaryIdFromLink('1O1O-ILIL-0000-0000-0000,')).toBe('1010-1111-0000-0000-0000');
  });

  it.each([
    ['a letter too many', `${ID}Y.`],
    ['a form path', `${ID}/accept`],
    ['a missing group', 'ABCD-EFGH-JKMN-PQRS)'],
    ['junk in front', `(${ID}`],
    ['an over-long segment', `${ID}${')'.repeat(300)}`],
    ['nothing', ''],
  ])('gives up on %s', (_label, code) => {
    expect(summaryIdFromLink(code)).toBeUndefined();
  });
});
