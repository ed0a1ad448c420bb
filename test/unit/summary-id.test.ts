import { generateSummaryId, normalizeSummaryId, summaryIdFromLink } from '../../shared/domain/summary-id.ts';

const ID = 'ABCD-EFGH-JKMN-PQRS-TVWX';
const CANONICAL = /^[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){4}$/;

describe('generateSummaryId', () => {
  it('gives 20 Crockford symbols in five groups of four', () => {
    const id = generateSummaryId();

    expect(id).toMatch(CANONICAL);
    expect(normalizeSummaryId(id)).toBe(id);
  });
});

describe('normalizeSummaryId', () => {
  it('accepts exactly 20 symbols', () => {
    expect(normalizeSummaryId('ABCDEFGHJKMNPQRSTVWX')).toBe(ID);
  });

  it.each([
    ['21 symbols', 'ABCDEFGHJKMNPQRSTVWXY'],
    ['23 symbols (the extra ones would fall outside the groups)', 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ1'],
    ['19 symbols', 'ABCDEFGHJKMNPQRSTVW'],
    ['a letter outside the alphabet', 'ABCD-EFGH-JKMN-PQRS-TVWU'],
  ])('refuses %s', (_label, input) => {
    expect(normalizeSummaryId(input)).toBeUndefined();
  });

  it('reads inputs up to 40 characters and refuses longer ones before normalising', () => {
    const spaced = [...'ABCDEFGHJKMNPQRSTVWX'].join(' ');
    const forty = `${spaced} `;

    expect(forty).toHaveLength(40);
    expect(normalizeSummaryId(forty)).toBe(ID);
    expect(normalizeSummaryId(`${forty} `)).toBeUndefined();
  });
});

describe('summaryIdFromLink limits', () => {
  it('decodes a pasted link part of up to 200 characters and refuses a longer one', () => {
    const twoHundred = `${ID}${')'.repeat(200 - ID.length)}`;

    expect(summaryIdFromLink(twoHundred)).toBe(ID);
    expect(summaryIdFromLink(`${twoHundred})`)).toBeUndefined();
  });

  it('undoes percent-encoding at most three times over', () => {
    expect(summaryIdFromLink(`${ID}%252529`)).toBe(ID);
    expect(summaryIdFromLink(`${ID}%25252529`)).toBeUndefined();
  });

  it('cuts a broken escape only at the end, whole, and still decodes the escapes before it', () => {
    // %4B is K; %E2%80 and %F0%9F%98 are cut-off UTF-8 sequences (a quote and an emoji).
    expect(summaryIdFromLink('ABCD-EFGH-J%4BMN-PQRS-TVWX%E2%80')).toBe(ID);
    expect(summaryIdFromLink('ABCD-EFGH-J%4BMN-PQRS-TVWX%F0%9F%98')).toBe(ID);
  });
});

describe('generated and typed summary IDs', () => {
  it('are 20 Crockford base32 symbols (100 bits) in five groups of four, and distinct', () => {
    const ids = new Set(Array.from({ length: 1000 }, generateSummaryId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
  });

  it('normalises what a person types: case, missing hyphens, spaces, I/L as 1 and O as 0', () => {
    expect(normalizeSummaryId('abcd efgh jkmn pqrs tvwx')).toBe('ABCD-EFGH-JKMN-PQRS-TVWX');
    expect(normalizeSummaryId('1O1O-ILIL-0000-0000-0000')).toBe('1010-1111-0000-0000-0000');
    expect(normalizeSummaryId('ABCD-EFGH')).toBeUndefined();
    expect(normalizeSummaryId('ABCD-EFGH-JKMN-PQRS-TVWU')).toBeUndefined();
    expect(normalizeSummaryId('x'.repeat(500))).toBeUndefined();
  });
});
