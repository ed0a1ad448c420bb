import type * as z from 'zod/mini';
import type { FieldError } from './problem.ts';

type Issue = z.core.$ZodIssue;

/** `['items', 2, 'licenses']` under `body` → `body.items[2].licenses`. */
export function fieldPath(location: string, path: readonly PropertyKey[]): string {
  let out = location;
  for (const segment of path) {
    out += typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`;
  }
  return out;
}

function describeBound(
  issue: Issue & { origin?: string },
  bound: unknown,
  inclusive: boolean | undefined,
  big: boolean,
) {
  const cmp = big ? (inclusive ? 'at most' : 'less than') : inclusive ? 'at least' : 'more than';
  switch (issue.origin) {
    case 'string':
      return `must be ${cmp} ${String(bound)} characters long`;
    case 'array':
    case 'set':
      return `must have ${cmp} ${String(bound)} items`;
    default:
      return `must be ${cmp} ${String(bound)}`;
  }
}

/**
 * zod/mini ships no message locale (that keeps bundles small), so messages are written here from
 * the issue's code and parameters: one consistent voice for every endpoint.
 */
export function describeIssue(issue: Issue): string {
  // A schema-level custom message wins over the generic one.
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)} ${issue.expected}`;
    case 'too_small':
      return describeBound(issue, issue.minimum, issue.inclusive, false);
    case 'too_big':
      return describeBound(issue, issue.maximum, issue.inclusive, true);
    case 'invalid_format':
      return issue.format === 'regex' ? 'has an invalid format' : `must be a valid ${issue.format}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `is not a recognised field`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return 'is invalid';
  }
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** The rule name partners can branch on: zod's code, with "missing" told apart from "wrong type". */
function ruleOf(issue: Issue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'required';
  if (issue.code === 'invalid_format') return issue.format === 'regex' ? 'pattern' : `format:${issue.format}`;
  if (issue.code === 'custom' && typeof issue.params?.rule === 'string') return issue.params.rule;
  return issue.code;
}

export function toFieldErrors(location: string, issues: readonly Issue[]): FieldError[] {
  return issues.flatMap((issue) => {
    // An unknown key is reported at the key itself, one error per key, so the field is named.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: fieldPath(location, [...issue.path, key]),
        rule: 'unrecognized_key',
        message: 'is not a recognised field',
      }));
    }
    return [{ field: fieldPath(location, issue.path), rule: ruleOf(issue), message: describeIssue(issue) }];
  });
}

/**
 * Names of query parameters given more than once in a raw query string (`limit` in
 * `?limit=5&limit=6`), in order of first appearance. Names are decoded as API Gateway decodes them.
 */
export function repeatedParameters(rawQueryString: string): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const [name] of new URLSearchParams(rawQueryString)) {
    if (seen.has(name)) repeated.add(name);
    seen.add(name);
  }
  return [...repeated];
}

export function repeatedError(name: string): FieldError {
  return { field: fieldPath('query', [name]), rule: 'repeated', message: 'must be given once' };
}
