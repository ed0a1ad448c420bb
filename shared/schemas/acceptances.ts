import * as z from 'zod/mini';
import { queryInt } from '../http/query.ts';
import { SUBMISSION_ID_PATTERN } from '../offer-page/submission-token.ts';

/** Opaque to partners: base64url of the last acceptance's submission id. */
export function encodeAcceptanceCursor(submissionId: string): string {
  return Buffer.from(`acceptance:${submissionId}`, 'utf8').toString('base64url');
}

function decodeAcceptanceCursor(cursor: string): string | undefined {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const submissionId = decoded.startsWith('acceptance:') ? decoded.slice('acceptance:'.length) : '';
  return SUBMISSION_ID_PATTERN.test(submissionId) ? submissionId : undefined;
}

export const listAcceptancesQuery = z.object({
  limit: z.optional(queryInt(1, 100)),
  cursor: z.optional(
    z.pipe(
      z.string().check(
        z.maxLength(200),
        z.refine((value) => decodeAcceptanceCursor(value) !== undefined, {
          error: 'is not a cursor from a previous page',
          params: { rule: 'invalid_cursor' },
        }),
      ),
      z.transform((value) => decodeAcceptanceCursor(value) as string),
    ),
  ),
});
