import { secretMatches } from '../../shared/security/constant-time.ts';

describe('secretMatches', () => {
  it('matches only the same value', () => {
    expect(secretMatches('s3cr3t-value', 's3cr3t-value')).toBe(true);
    expect(secretMatches('s3cr3t-value', 's3cr3t-valuE')).toBe(false);
  });

  it('answers false, without throwing, for values of other lengths', () => {
    expect(secretMatches('s3cr3t-value', 's3cr3t')).toBe(false);
    expect(secretMatches('s3cr3t-value', 's3cr3t-value-and-more')).toBe(false);
    expect(secretMatches('s3cr3t-value', '')).toBe(false);
  });

  it('never matches an empty expected value, even against an empty one', () => {
    expect(secretMatches('', '')).toBe(false);
  });

  it('compares characters, not bytes of another encoding', () => {
    expect(secretMatches('chave-ç', 'chave-ç')).toBe(true);
    expect(secretMatches('chave-ç', 'chave-c')).toBe(false);
  });
});
