import { CANCELLATION_POLICY, TERM_DATE_SOURCES } from '../../shared/catalog/commitment.ts';
import { PRICE_LISTS } from '../../shared/catalog/price-lists.ts';
import { QUANTITY_RULES } from '../../shared/catalog/quantity-rules.ts';
import { SOURCES, type Source } from '../../shared/catalog/sources.ts';
import { PRICING_RULES, TERMS_SOURCES } from '../../shared/catalog/terms.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

describe('pricing sources', () => {
  it('give each source its own id, an https address, a publisher, the date read and the words quoted', () => {
    for (const [key, source] of Object.entries(SOURCES) as [string, Source][]) {
      expect(source.id).toBe(key);
      expect(new URL(source.url).protocol).toBe('https:');
      expect(source.publisher.length).toBeGreaterThan(0);
      expect(source.readOn).toMatch(ISO_DATE);
      expect(source.quote.length).toBeGreaterThan(20);
      expect(['vendor', 'secondary']).toContain(source.kind);
    }
  });

  it('are each cited by some fact: a price list, a rule, the terms sold, the term dates or the cancellation policy', () => {
    // Arrange
    const cited = new Set<string>([
      ...Object.values(PRICE_LISTS).flatMap((priceList) => [
        ...priceList.sources,
        ...Object.values(priceList.basePrices).map((price) => price.source),
      ]),
      ...PRICING_RULES.flatMap((rule) => rule.sources),
      ...QUANTITY_RULES.flatMap((rule) => rule.sources),
      ...CANCELLATION_POLICY.sources,
      ...TERMS_SOURCES,
      ...TERM_DATE_SOURCES,
    ]);

    // Act
    const uncited = Object.keys(SOURCES).filter((id) => !cited.has(id));

    // Assert
    expect(uncited).toEqual([]);
  });
});
