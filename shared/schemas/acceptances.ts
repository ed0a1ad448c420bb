import * as z from 'zod/mini';
import type { Acceptance } from '../domain/acceptance.ts';
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

export const listAcceptancesQuery = z.strictObject({
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

/**
 * One acceptance as `GET /v1/offers/{summaryId}/acceptances` lists it: the whole recorded snapshot
 * (the summary ID is the list's own). Fields a snapshot does not hold are absent, never null:
 * acceptances recorded before the evidence fields existed list as they were recorded (companyName,
 * contactName, email, items of `sku` and `licenses`, delegatedAdmin, acceptedAt).
 */
export type AcceptanceView = Omit<Acceptance, 'summaryId'>;

export function acceptanceView(acceptance: Acceptance): AcceptanceView {
  const { summaryId: _summaryId, ...view } = acceptance;
  return view;
}
