/**
 * Ops CLI: `npm run ops -- <command> [options]`. Talks to DynamoDB through the standard AWS
 * credential chain (profiles, SSO, env); `--endpoint` points it at DynamoDB Local instead.
 * The table comes from `--table` or TABLE_NAME (the stack prints it as the TableName output).
 */
import { parseArgs } from 'node:util';
import * as z from 'zod/mini';
import { countViews, pendingViewRecords } from '../../shared/db/offer-views.ts';
import { sdkTable } from '../../shared/db/sdk-table.ts';
import { DomainError } from '../../shared/domain/errors.ts';
import { normalizeSummaryId } from '../../shared/domain/summary-id.ts';
import { toFieldErrors } from '../../shared/http/validation.ts';
import { emailAddress } from '../../shared/schemas/email.ts';
import { nameText } from '../../shared/schemas/text.ts';
import { countAllPendingViews } from './count-views.ts';
import { allPartnerIds, backfillOfferCounters } from './offer-backfill.ts';
import { PartnerAdmin } from './partner-admin.ts';

const USAGE = `Usage: npm run ops -- <command> [options]

Commands:
  create-partner      --partner-id ID --name NAME --advisor-code CODE --customer-count N
                      --contact-name NAME --contact-email EMAIL [--contact-phone PHONE]
                      [--delegated-admin-certified] [--logo-url https://...]
  issue-key           --partner-id ID [--label TEXT]     prints the key once; store it safely. The label
                      names the person or system the key is for (e.g. "Ana Souza"); the console
                      shows it to whoever signs in with the key
  list-keys           --partner-id ID                    key ids, labels, created/revoked (never keys)
  revoke-key          --partner-id ID --key-id KEYID
  set-customer-count  --partner-id ID --customer-count N
  backfill-offer-counters --partner-id ID | --all-partners
                      once after the deploy that moved answer counters to their own item:
                      open-offer index keys (and counters items) for older offers (README, Indexes
                      and counters). --all-partners finds partners by one Scan of the table
  count-views         --summary-id ID | --all            adds the offer's view records not yet counted
                      to its views counter, each exactly once, as the views function does (after
                      that function failed for a while: README, Views at any rate). --all finds
                      every offer with uncounted records by one Scan of the table (reads it all)

Common options:
  --table NAME        DynamoDB table (default: $TABLE_NAME)
  --endpoint URL      DynamoDB endpoint, e.g. http://127.0.0.1:8000 for DynamoDB Local
  --region REGION     AWS region (default: the SDK's own resolution)`;

const options = {
  table: { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'partner-id': { type: 'string' },
  name: { type: 'string' },
  'advisor-code': { type: 'string' },
  'customer-count': { type: 'string' },
  'contact-name': { type: 'string' },
  'contact-email': { type: 'string' },
  'contact-phone': { type: 'string' },
  'delegated-admin-certified': { type: 'boolean', default: false },
  'logo-url': { type: 'string' },
  label: { type: 'string' },
  'key-id': { type: 'string' },
  'summary-id': { type: 'string' },
  all: { type: 'boolean', default: false },
  'all-partners': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const partnerId = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2-63 lower-case letters, digits or -'));
const count = z.pipe(
  z.string().check(z.regex(/^\d{1,7}$/, 'must be a whole number')),
  z.transform((s) => Number(s)),
);

const schemas = {
  'create-partner': z.object({
    'partner-id': partnerId,
    // The partner's name and contact reach customers: the same text and email rules as the API's.
    name: nameText(120),
    'advisor-code': z.string().check(z.regex(/^\d{4,10}$/, 'must be 4-10 digits')),
    'customer-count': count,
    'contact-name': nameText(120),
    'contact-email': emailAddress,
    'contact-phone': z.optional(z.string().check(z.regex(/^\+?[0-9 ()-]{6,30}$/, 'must be a phone number'))),
    'delegated-admin-certified': z.boolean(),
    'logo-url': z.optional(z.url({ protocol: /^https$/ })),
  }),
  // The label is shown in the console's frame: the same text rules as a partner's names.
  'issue-key': z.object({ 'partner-id': partnerId, label: z.optional(nameText(80)) }),
  'list-keys': z.object({ 'partner-id': partnerId }),
  'revoke-key': z.object({ 'partner-id': partnerId, 'key-id': z.string().check(z.regex(/^[0-9a-f]{12}$/)) }),
  'set-customer-count': z.object({ 'partner-id': partnerId, 'customer-count': count }),
  'backfill-offer-counters': z.object({ 'partner-id': z.optional(partnerId), 'all-partners': z.boolean() }),
  'count-views': z.object({ 'summary-id': z.optional(z.string()), all: z.boolean() }),
};
type Command = keyof typeof schemas;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options, allowPositionals: true });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  if (!(command in schemas)) fail(`Unknown command "${command}".\n\n${USAGE}`);
  const tableName = values.table ?? process.env.TABLE_NAME;
  if (!tableName) fail('Give the table with --table or TABLE_NAME.');
  if (values.region) process.env.AWS_REGION = values.region;
  const table = sdkTable(tableName, values.endpoint);
  const admin = new PartnerAdmin(table);
  const optionsFor = <C extends Command>(name: C): z.output<(typeof schemas)[C]> => {
    const parsed = schemas[name].safeParse(values);
    if (parsed.success) return parsed.data as z.output<(typeof schemas)[C]>;
    const lines = toFieldErrors('', parsed.error.issues).map((e) => `  --${e.field.slice(1)} ${e.message}`);
    return fail(`Invalid options for ${name}:\n${lines.join('\n')}`);
  };

  switch (command as Command) {
    case 'create-partner': {
      const input = optionsFor('create-partner');
      const partner = await admin.createPartner({
        partnerId: input['partner-id'],
        name: input.name,
        advisorCode: input['advisor-code'],
        customerCount: input['customer-count'],
        delegatedAdminCertified: input['delegated-admin-certified'],
        contact: {
          name: input['contact-name'],
          email: input['contact-email'],
          ...(input['contact-phone'] ? { phone: input['contact-phone'] } : {}),
        },
        ...(input['logo-url'] ? { logoUrl: input['logo-url'] } : {}),
      });
      console.log(JSON.stringify(partner, null, 2));
      break;
    }
    case 'issue-key': {
      const input = optionsFor('issue-key');
      const { key, record } = await admin.issueKey(input['partner-id'], input.label ?? 'issued by ops CLI');
      console.log(
        `API key for ${record.partnerId} (key id ${record.keyId}, label "${record.label}"). It is shown only this once:\n\n  ${key}\n`,
      );
      break;
    }
    case 'list-keys': {
      const input = optionsFor('list-keys');
      const keys = await admin.keys.listForPartner(input['partner-id']);
      console.table(keys.map(({ keyHash: _hash, ...rest }) => rest));
      break;
    }
    case 'revoke-key': {
      const input = optionsFor('revoke-key');
      const record = await admin.revokeKey(input['partner-id'], input['key-id']);
      console.log(`Revoked key ${record.keyId} of ${record.partnerId} at ${record.revokedAt}.`);
      break;
    }
    case 'set-customer-count': {
      const input = optionsFor('set-customer-count');
      const partner = await admin.setCustomerCount(input['partner-id'], input['customer-count']);
      console.log(`${partner.partnerId} now manages ${partner.customerCount} customers.`);
      break;
    }
    case 'count-views': {
      const input = optionsFor('count-views');
      if (input.all === (input['summary-id'] !== undefined))
        fail('Invalid options for count-views:\n  give either --summary-id ID or --all');
      if (input.all) {
        const reports = await countAllPendingViews(table, new Date());
        for (const r of reports)
          console.log(
            `${r.summaryId}: ${r.pending} view records pending, ${r.counted} counted now, ` +
              `${r.alreadyCounted} counted before, ${r.unknownOffer} of no offer, ${r.failed} failed.`,
          );
        console.log(`${reports.length} offers with uncounted view records.`);
        if (reports.some((r) => r.failed > 0)) process.exitCode = 1;
        break;
      }
      const summaryId =
        normalizeSummaryId(input['summary-id'] ?? '') ??
        fail('Invalid options for count-views:\n  --summary-id must be a summary ID (XXXX-XXXX-XXXX-XXXX-XXXX)');
      const pending = await pendingViewRecords(table, summaryId);
      const outcome = await countViews(table, pending, new Date());
      console.log(
        `${summaryId}: ${pending.length} view records pending, ${outcome.counted} counted now, ` +
          `${outcome.alreadyCounted} counted before, ${outcome.unknownOffer} of no offer, ${outcome.failed.length} failed.`,
      );
      if (outcome.failed.length > 0) process.exitCode = 1;
      break;
    }
    case 'backfill-offer-counters': {
      const input = optionsFor('backfill-offer-counters');
      const one = input['partner-id'];
      if (input['all-partners'] === (one !== undefined))
        fail('Invalid options for backfill-offer-counters:\n  give either --partner-id ID or --all-partners');
      for (const id of one ? [one] : await allPartnerIds(table)) {
        const report = await backfillOfferCounters(table, id, new Date());
        console.log(
          `${id}: ${report.offers} offers read, ${report.counters} counters items written, ` +
            `${report.opened} open offers indexed, ${report.exhausted} marked exhausted.`,
        );
      }
      break;
    }
  }
}

main().catch((error: unknown) => {
  if (error instanceof DomainError) fail(`${error.title}: ${error.detail}`);
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
