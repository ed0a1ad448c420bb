import * as z from 'zod/mini';
import type { DirectoryOffice } from '../../../shared/domain/office.ts';
import { describeIssue, fieldPath } from '../../../shared/http/validation.ts';
import { nameText } from '../../../shared/schemas/text.ts';

/**
 * The directory's wire format, validated strictly. Unknown fields are ignored (the directory may
 * add some), but every field we store must be present and well formed. Ids become key parts
 * (`OFFICES#<partnerId>`, `OFFICE#<officeId>`), so they may not contain `#` or whitespace.
 */
const idSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be an id (1-128 letters, digits, ._:-)'));
/**
 * Office names and cities are shown to partners and, through offers, to customers: the same text
 * rules as names partners type (no control, text-direction or invisible characters, a letter or
 * digit, stored trimmed and NFC), 1-200 characters as stored.
 */
const textSchema = nameText(200);

export const directoryOfficeSchema = z.object({
  partnerId: idSchema,
  officeId: idSchema,
  name: textSchema,
  city: textSchema,
  country: z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in upper case')),
  status: z.enum(['active', 'inactive', 'deleted']),
  updatedAt: z.iso.datetime({ offset: true }),
});

/**
 * The page envelope: if this is wrong the whole page is unusable (and retried as transient). A
 * `nextPageToken` that is absent, `null` or `""` means this is the last page: JSON encoders write
 * an unset field all three ways.
 */
export const directoryPageSchema = z.object({
  offices: z.array(z.unknown()).check(z.maxLength(10_000)),
  nextPageToken: z.pipe(
    z.optional(z.nullable(z.string().check(z.maxLength(4096)))),
    z.transform((token) => (token === null || token === '' ? undefined : token)),
  ),
  cursor: z.string().check(z.minLength(1), z.maxLength(4096)),
});

export interface ParsedRecord {
  readonly ok: true;
  readonly office: DirectoryOffice;
}
export interface RejectedRecord {
  readonly ok: false;
  readonly partnerId?: string;
  readonly officeId?: string;
  readonly problems: string[];
}

/**
 * Validates one record. `updatedAt` is normalised to UTC with millisecond precision, so stored
 * values compare correctly as strings (the DynamoDB stale-write condition compares strings).
 */
export function parseDirectoryOffice(raw: unknown): ParsedRecord | RejectedRecord {
  const result = directoryOfficeSchema.safeParse(raw);
  if (result.success) {
    return { ok: true, office: { ...result.data, updatedAt: new Date(result.data.updatedAt).toISOString() } };
  }
  const loose = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const asId = (value: unknown) => (typeof value === 'string' && value.length <= 128 ? value : undefined);
  const partnerId = asId(loose.partnerId);
  const officeId = asId(loose.officeId);
  return {
    ok: false,
    ...(partnerId !== undefined ? { partnerId } : {}),
    ...(officeId !== undefined ? { officeId } : {}),
    problems: result.error.issues.map((issue) => `${fieldPath('record', issue.path)} ${describeIssue(issue)}`),
  };
}
