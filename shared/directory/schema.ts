import * as z from 'zod/mini';
import type { DirectoryOffice } from '../domain/office.ts';
import { describeIssue, fieldPath } from '../http/validation.ts';

/**
 * The directory's wire format, validated strictly. Unknown fields are ignored (the directory may
 * add some), but every field we store must be present and well formed. Ids become key parts
 * (`OFFICES#<partnerId>`, `OFFICE#<officeId>`), so they may not contain `#` or whitespace.
 */
const idSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be an id (1-128 letters, digits, ._:-)'));
const textSchema = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));

export const directoryOfficeSchema = z.object({
  partnerId: idSchema,
  officeId: idSchema,
  name: textSchema,
  city: textSchema,
  country: z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in upper case')),
  status: z.enum(['active', 'inactive', 'deleted']),
  updatedAt: z.iso.datetime({ offset: true }),
});

/** The page envelope: if this is wrong the whole page is unusable (and retried as transient). */
export const directoryPageSchema = z.object({
  offices: z.array(z.unknown()).check(z.maxLength(10_000)),
  nextPageToken: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
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
