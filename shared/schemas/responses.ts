import * as z from 'zod/mini';
import { BILLING_FREQUENCIES, COMMITMENT_TERMS } from '../catalog/terms.ts';
import { OFFER_STATUSES } from '../domain/offer.ts';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhook.ts';
import { LOCALES } from '../i18n/locale.ts';

/**
 * What the partner API answers, as zod schemas: the OpenAPI document's response shapes are
 * generated from these (shared/openapi/), and the contract test checks every answer of the
 * integration suite against that document, so a view that grows a field without this file
 * saying so fails there. Never used to parse at run time. Amounts are integer minor units of
 * `currency` (ISO 4217); instants are ISO 8601 UTC strings.
 */

const instant = () => z.string().check(z.meta({ format: 'date-time' }));
const term = z.enum(COMMITMENT_TERMS as [string, ...string[]]).check(z.meta({ description: 'ISO 8601 duration' }));
const billingFrequency = z.enum(BILLING_FREQUENCIES as [string, ...string[]]);

/** A unit price snapshot: per license, `monthlyUnitMinor` per month and `perBillingPeriodMinor` per bill. */
export const linePriceSchema = z
  .object({
    currency: z.string(),
    monthlyUnitMinor: z.int(),
    perBillingPeriodMinor: z.int(),
    billingPeriodMonths: z.int(),
  })
  .check(z.meta({ description: 'A list unit price per license, in integer minor units.' }));

const contactSchema = z.object({ name: z.string(), email: z.string(), phone: z.optional(z.string()) });

/** An offer line with its term, billing, price snapshot (null: none sourced) and the customer's choices. */
export const offerLineViewSchema = z.object({
  sku: z.string(),
  name: z.string(),
  licenses: z.int(),
  term,
  billingFrequency,
  unitPrice: z.nullable(linePriceSchema),
  choices: z.array(z.object({ term, billingFrequency, unitPrice: z.nullable(linePriceSchema) })),
});

/** An offer as GET /v1/offers/{summaryId}, the list and deactivate show it; status is derived when read. */
export const offerViewSchema = z.object({
  summaryId: z.string(),
  url: z.string().check(z.meta({ format: 'uri' })),
  status: z.enum(OFFER_STATUSES),
  reference: z.optional(z.string()),
  officeId: z.string(),
  officeName: z.string(),
  usageLocation: z.string(),
  items: z.array(offerLineViewSchema),
  delegatedAdmin: z.boolean(),
  locale: z.enum(LOCALES),
  customization: z.object({
    logoUrl: z.optional(z.string()),
    intro: z.optional(z.string()),
    closing: z.optional(z.string()),
    contact: z.optional(contactSchema),
  }),
  createdAt: instant(),
  expiresAt: z.optional(instant()),
  maxAcceptances: z.optional(z.int()),
  deactivatedAt: z.optional(instant()),
  deactivationMessage: z.optional(z.string()),
  requireCustomerAgreement: z.boolean(),
  catalogVersion: z.optional(z.string()),
  priceListVersion: z.optional(z.string()),
  revisionOf: z.optional(z.string().check(z.meta({ description: 'The summary ID this offer revised.' }))),
  revisedBy: z.optional(z.string().check(z.meta({ description: 'The summary ID of the revision.' }))),
  counters: z.object({ views: z.int(), acceptances: z.int(), declines: z.int() }),
});

/** The ready-to-send email for an offer: `html` a complete document, `text` its plain-text part. */
export const offerMessageSchema = z.object({
  locale: z.enum(LOCALES),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
});

/** 201 of create and revise: the offer plus its message. */
export const createdOfferSchema = z.object({ ...offerViewSchema.def.shape, message: offerMessageSchema });

export const offerListSchema = z.object({
  offers: z.array(offerViewSchema),
  nextCursor: z.optional(z.string().check(z.meta({ description: 'Absent on the last page.' }))),
});

export const offerMessageResponseSchema = z.object({ summaryId: z.string(), ...offerMessageSchema.def.shape });

/**
 * One acceptance's evidence snapshot. Acceptances recorded before a field existed list without it
 * (items of `sku` and `licenses` only, no names, versions or attestation).
 */
export const acceptanceSchema = z.object({
  submissionId: z.string(),
  companyName: z.string(),
  contactName: z.string(),
  firstName: z.optional(z.string()),
  lastName: z.optional(z.string()),
  email: z.string(),
  phone: z.optional(z.string()),
  jobTitle: z.optional(z.string()),
  purchaseOrder: z.optional(z.string()),
  items: z.array(
    z.object({
      sku: z.string(),
      name: z.optional(z.string()),
      licenses: z.int(),
      term: z.optional(term),
      billingFrequency: z.optional(billingFrequency),
      unitPrice: z.optional(linePriceSchema),
    }),
  ),
  delegatedAdmin: z.boolean(),
  acceptedAt: instant(),
  catalogVersion: z.optional(z.string()),
  priceListVersion: z.optional(z.string()),
  disclosureVersion: z.optional(z.string()),
  customerAgreement: z.optional(
    z.object({
      agreementUrl: z.string(),
      dateAgreed: z.string().check(z.meta({ format: 'date' })),
      primaryContact: z.object({
        firstName: z.string(),
        lastName: z.string(),
        email: z.string(),
        phone: z.optional(z.string()),
      }),
    }),
  ),
});

export const acceptanceListSchema = z.object({
  summaryId: z.string(),
  acceptances: z.array(acceptanceSchema),
  nextCursor: z.optional(z.string()),
});

export const usageLocationsSchema = z.object({
  catalogVersion: z.string(),
  locale: z.enum(LOCALES),
  usageLocations: z.array(z.object({ code: z.string(), name: z.string() })),
});

const catalogPriceSchema = z.object({
  currency: z.string(),
  monthlyUnitMinor: z.int(),
  perBillingPeriodMinor: z.int(),
  billingPeriodMonths: z.int(),
  derivedBy: z.nullable(z.string()),
  effectiveFrom: z.string(),
});

export const catalogSchema = z.object({
  catalogVersion: z.string(),
  priceListVersion: z.string(),
  usageLocation: z.string(),
  currency: z.nullable(z.string()),
  defaultTerm: z.object({ term, billingFrequency }),
  subscriptions: z.array(
    z.object({
      sku: z.string(),
      name: z.string(),
      family: z.string(),
      minLicenses: z.int(),
      maxLicenses: z.int(),
      existingSubscribersOnly: z.boolean(),
      terms: z.array(
        z.object({
          term,
          billingOptions: z.array(
            z.object({
              billingFrequency,
              price: z.nullable(catalogPriceSchema),
              priceUnavailableReason: z.optional(z.string()),
            }),
          ),
        }),
      ),
    }),
  ),
});

export const officeSchema = z.object({
  officeId: z.string(),
  name: z.string(),
  city: z.string(),
  country: z.string(),
  active: z.boolean(),
  updatedAt: instant(),
  lastSyncedAt: instant(),
});

export const officeListSchema = z.object({ offices: z.array(officeSchema), lastSyncedAt: z.nullable(instant()) });

export const officeSyncSchema = z.object({
  syncedAt: instant(),
  stats: z.object({
    received: z.int(),
    written: z.int(),
    unchanged: z.int(),
    invalid: z.int(),
    deactivated: z.int(),
  }),
  offices: z.array(officeSchema),
});

/** One broken rule of a problem: where (`body.items[2].licenses`), which rule, what is wrong. */
export const fieldErrorSchema = z.object({ field: z.string(), rule: z.string(), message: z.string() });

/**
 * RFC 9457 problem details as every JSON route answers its errors. Problem types may add extension
 * members (`existingSummaryId`, `revisedBy`, `quantityLimits`), so other members are allowed.
 */
export const problemSchema = z.looseObject({
  type: z.string().check(z.meta({ description: '`urn:purchase-offers:problem:<slug>`' })),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  errors: z.optional(z.array(fieldErrorSchema).check(z.maxLength(20))),
  errorsOmitted: z.optional(
    z.int().check(z.meta({ description: 'How many errors after the first 20 were left out.' })),
  ),
  requestId: z.optional(z.string()),
});

/**
 * The body POSTed to a webhook endpoint. `id` is stable across retries (also the `webhook-id`
 * header): consumers dedupe on it. `data` depends on `type`.
 */
export const webhookEnvelopeSchema = z.object({
  id: z.string(),
  type: z.enum([...WEBHOOK_EVENT_TYPES, 'ping']),
  createdAt: instant(),
  data: z.record(z.string(), z.unknown()),
});

const offerEventData = (extra: z.core.$ZodLooseShape = {}) =>
  z.looseObject({ summaryId: z.string(), reference: z.optional(z.string()), ...extra });

/**
 * Each event type's `data`. Every offer event names its offer (`summaryId`, and your `reference`
 * when it has one); `offer.accepted` carries the acceptance's whole evidence snapshot as the
 * acceptances list shows it, `offer.declined` the decline. Members may be added, never removed.
 */
export const WEBHOOK_EVENT_DATA: Readonly<
  Record<(typeof WEBHOOK_EVENT_TYPES)[number] | 'ping', { description: string; schema: z.ZodMiniType }>
> = {
  'offer.created': {
    description: 'An offer was created (or made by a revision): `data` is the offer as the API shows it.',
    schema: offerViewSchema,
  },
  'offer.viewed': {
    description: 'A customer opened the offer for the first time (counted views only).',
    schema: offerEventData({ viewedAt: instant() }),
  },
  'offer.accepted': {
    description: 'A customer accepted the offer: `data` is the acceptance snapshot with the summary ID.',
    schema: z.looseObject({ ...acceptanceSchema.def.shape, summaryId: z.string(), reference: z.optional(z.string()) }),
  },
  'offer.declined': {
    description: 'A customer declined the offer, with the reason when one was given.',
    schema: offerEventData({ submissionId: z.string(), reason: z.optional(z.string()), declinedAt: instant() }),
  },
  'offer.exhausted': {
    description: 'The offer reached `maxAcceptances`.',
    schema: offerEventData({ acceptances: z.int(), maxAcceptances: z.int() }),
  },
  'offer.expiring': {
    description: 'The offer expires in 24 hours (`expiresAt`).',
    schema: offerEventData({ expiresAt: instant() }),
  },
  'offer.expired': { description: 'The offer passed `expiresAt`.', schema: offerEventData({ expiresAt: instant() }) },
  'offer.deactivated': {
    description: 'The offer was deactivated (or replaced by a revision: `revisedBy` names the revision).',
    schema: offerEventData({
      deactivatedAt: instant(),
      revisedBy: z.optional(z.string().check(z.meta({ description: 'The summary ID of the revision.' }))),
    }),
  },
  ping: {
    description: 'Sent by `POST /v1/webhook-endpoints/{id}/test` only.',
    schema: z.looseObject({ endpointId: z.string() }),
  },
};

/**
 * A webhook endpoint as the API shows it: never a secret's value except `secret` in the answers
 * of create and rotate-secret (shown once). Open to members the endpoints API adds.
 */
export const webhookEndpointSchema = z.looseObject({
  endpointId: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  description: z.optional(z.string()),
  status: z.enum(['enabled', 'disabled']),
  disabledReason: z.optional(z.string()),
  secrets: z.array(z.looseObject({ createdAt: instant(), expiresAt: z.optional(instant()) })),
  secret: z.optional(z.string().check(z.meta({ description: '`whsec_…`: only when created or rotated.' }))),
  createdAt: instant(),
  updatedAt: instant(),
});

export const webhookEndpointListSchema = z.looseObject({ webhookEndpoints: z.array(webhookEndpointSchema) });

/** 202 of the test route: the ping event queued and its delivery. */
export const webhookPingSchema = z.looseObject({
  event: z.looseObject({}),
  deliveryId: z.string(),
  status: z.string(),
});
