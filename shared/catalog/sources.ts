/**
 * The public sources behind every figure and rule in the pricing data (terms, billing, price lists,
 * quantity rules, the commitment clock). Each fact in those files names the id of its source here, so a
 * reviewer can check any figure against the page it came from.
 *
 * `readOn` is the date the page was read for this repository (ISO 8601 date, UTC). Where a page was
 * only available through a dated transcription or quotation, `via` says so and `readOn` is still the
 * date we read it; the transcription's own date is part of `note`.
 *
 * `kind` says how authoritative the page is: `vendor` is Microsoft's own documentation, `secondary`
 * a partner, reseller or analyst page reporting the vendor's figures. A secondary source is used only
 * where the stored copies of the vendor's own page were not available, and always says so.
 */
export interface Source {
  readonly id: string;
  readonly title: string;
  readonly url: string;
  readonly publisher: string;
  readonly kind: 'vendor' | 'secondary';
  /** ISO 8601 date (UTC) on which the page was read for this repository. */
  readonly readOn: string;
  /** The words the fact rests on, quoted from the page (shortened with "…"). */
  readonly quote: string;
  /** Where the page was read through a transcription or quotation: that copy's address. */
  readonly via?: string;
  readonly note?: string;
}

const READ_ON = '2026-11-30';

export const SOURCES = {
  // Commitment clock
  nceCancellationWindow: {
    id: 'nceCancellationWindow',
    title: 'Cancel a commercial marketplace or new commerce subscription using Partner Center APIs',
    url: 'https://learn.microsoft.com/en-us/partner-center/developer/cancel-an-azure-marketplace-subscription',
    publisher: 'Microsoft Learn',
    kind: 'vendor',
    readOn: READ_ON,
    quote:
      'New commerce subscriptions can be canceled within 7 days, except where otherwise required by law, of purchase or renewal. After this window has passed, subscriptions can no longer be canceled',
    note: 'Quoted from the stored fi-fi copy (English text); the en-us copy points to the "New commerce experience cancellation policy" page for the same window.',
  },
  nceSeatReductionWindow: {
    id: 'nceSeatReductionWindow',
    title: 'Microsoft 365 business premium accidentally order placed month/year (Microsoft Q&A)',
    url: 'https://learn.microsoft.com/en-us/answers/a/12734183',
    publisher: 'Microsoft Q&A (answer by Microsoft external staff, 2026-04-21)',
    kind: 'vendor',
    readOn: READ_ON,
    quote:
      'license quantity reductions are only permitted within the first seven (7) days after a subscription is purchased, renewed, or when additional licenses are added. Once this 7‑day adjustment window has passed, Microsoft locks the license quantity for the remainder of the annual commitment period, even though billing occurs monthly.',
  },
  partnerCenterLicenseDecrease: {
    id: 'partnerCenterLicenseDecrease',
    title: 'New commerce experience cancellation policy; Create customer subscriptions in Partner Center',
    url: 'https://learn.microsoft.com/en-us/partner-center/customers/new-commerce-cancellation-policy',
    publisher: 'Microsoft Learn',
    kind: 'vendor',
    readOn: READ_ON,
    quote:
      'License-based (per user) | Prorated refund within seven calendar days of purchase. … The number of licenses on a subscription can be decreased only within the first seven days of when the licenses were added to the subscription (except where otherwise required by law). This rule applies whether the licenses were added at the initial purchase, on renewal, or at midterm.',
    via: 'https://techcommunity.microsoft.com/discussions/ncecsp-forum/nce-triennial-license-reduction-mid-term/4359142',
    note: 'The first sentence is from the "New commerce experience cancellation policy" page at the address above; the rest is the Partner Center article quoted in the forum thread (via).',
  },
  nceSevenDaySince2022: {
    id: 'nceSevenDaySince2022',
    title: 'Cancellation Policy of Microsoft Products',
    url: 'https://kb.cloud.im/support/solutions/articles/66000498726',
    publisher: 'Cloud.im (Microsoft distributor knowledge base)',
    kind: 'secondary',
    readOn: READ_ON,
    quote:
      'Starting July 11, 2022, partners will only have a seven-day (168 hours) cancellation window. This will apply to new purchases and renewals … The proration will be calculated daily.',
  },
  nceTermDates: {
    id: 'nceTermDates',
    title: 'Manage Software Subscriptions (Microsoft Cloud Solution Provider)',
    url: 'https://docs.platform.softwareone.com/extensions/microsoft-cloud-solution-provider/software-subscriptions/manage-software-subscriptions',
    publisher: 'SoftwareOne (Microsoft CSP distributor)',
    kind: 'secondary',
    readOn: READ_ON,
    quote:
      'if the term end date is 2023-03-01T00:00:00Z UTC, it includes the whole day. The renewal will start after the term ends (2023-03-02T00:00:00Z UTC) … The seven-day window starts at the date and time of renewal completion.',
  },

  // Terms and billing
  nceBillingPlans: {
    id: 'nceBillingPlans',
    title: 'Manage term duration and billing frequency',
    url: 'https://learn.microsoft.com/en-gb/partner-center/customers/billing-frequency-changes',
    publisher: 'Microsoft Learn',
    kind: 'vendor',
    readOn: READ_ON,
    quote:
      "The term duration refers to the length of time you commit to the subscription, while the billing frequency dictates how often you're billed for the subscription licenses. … Midterm billing frequency changes for triennial offers will be blocked starting April 1, 2025.",
  },
  nceTermOptions: {
    id: 'nceTermOptions',
    title: 'Billing and Licensing FAQs (New Commerce Experience)',
    url: 'https://pei.com/billing-licensing-faqs/',
    publisher: 'PEI (Microsoft partner)',
    kind: 'secondary',
    readOn: READ_ON,
    quote:
      'There are three term options for New Commerce Experience: Monthly … Annual … Multi-Year … For annual commitments exceeding $2,000/year, customers will have the option to pay upfront for their annual commitment or receive 12 monthly bills. For commitments under $2,000/year, customers must pay upfront … Can I pay monthly for a multi-year commitment? Yes, customers with commitments exceeding $2,000 annually will have the option to pay upfront … pay yearly … or receive 36 monthly bills',
    note: 'The $2,000 threshold dates from the 2022 launch and is not modelled: the vendor now prices monthly billing "across all annual term subscriptions" (source annualBilledMonthlyPremium).',
  },
  monthlyTermOffers2022: {
    id: 'monthlyTermOffers2022',
    title: 'Microsoft 365 Price Increases Starting March 2022',
    url: 'https://www.cirrusits.co.uk/new-pricing-for-microsoft-365-2022/',
    publisher: 'Cirrus IT Solutions (Microsoft partner)',
    kind: 'secondary',
    readOn: READ_ON,
    quote:
      'Which products will be available as monthly commitment subscriptions? Microsoft 365 Apps for Business, Microsoft 365 Apps for Enterprise, Microsoft 365 Business Basic, Microsoft 365 Business Premium, Microsoft 365 Business Standard, Microsoft 365 E3, … Microsoft 365 E5, … Microsoft 365 F1, Microsoft 365 F3, Office 365 E1, Office 365 E3, Office 365 E5, … Power BI Pro, Visio Plan 1, Visio Plan 2, Power BI Premium Per User …',
    note: 'The list on the page continues past what the stored copy shows; only the products it shows are marked as sold on a monthly term.',
  },

  // Pricing rules
  monthlyTermPremium: {
    id: 'monthlyTermPremium',
    title: 'Microsoft Subscription Changes – What You Need to Know',
    url: 'https://www.premierepc.net/solution-highlight/microsoft-subscription-changes-what-you-need-to-know/',
    publisher: 'PremierePC (Microsoft partner)',
    kind: 'secondary',
    readOn: READ_ON,
    quote:
      'Monthly term offers will now include a 20% increase in price. … Microsoft 365 Business Basic: $7.20 MTM / $6 annualized … Microsoft 365 Business Standard: $15 MTM / $12.50 annualized … March 1, 2022 – all net new subscriptions will be on the new pricing model.',
  },
  annualBilledMonthlyPremium: {
    id: 'annualBilledMonthlyPremium',
    title: "Understanding Microsoft's Licensing Updates: Balancing Flexibility and Cost",
    url: 'https://synergy-technical.com/blogs/licensing/2025-microsoft-pricing-update',
    publisher: 'Synergy Technical (Microsoft partner)',
    kind: 'secondary',
    readOn: READ_ON,
    quote:
      'Effective April 1, 2025, Microsoft plans to introduce pricing for monthly billing across all annual term subscriptions. This initiative includes a 5% price increase for monthly billing plans of annual subscriptions. This adjustment will apply across all purchasing channels … Buy Online (Web Direct) … Cloud Solution Provider (CSP) … Microsoft Customer Agreement for Enterprises (MCA-E) … For customers who pay the full subscription amount upfront, the 5% premium will not apply. … retain the existing 20% premium for t[he monthly term]',
  },
  annualBilledMonthlyPremiumVendor: {
    id: 'annualBilledMonthlyPremiumVendor',
    title: 'Partner Center announcements, March 2025',
    url: 'https://learn.microsoft.com/zh-cn/partner-center/announcements/2025-march',
    publisher: 'Microsoft Learn',
    kind: 'vendor',
    readOn: READ_ON,
    quote:
      '重新发布 2025 年 3 月 NCE 基于许可证的价目表预览,预计 2025 年 4 月的价格变化 … 以正确反映三年期订阅的每月计费计划预计 5% 的价格上涨 (March 2025 NCE license-based price list preview re-released to reflect the expected 5% price increase for monthly billing plans of three-year subscriptions, April 2025 price change).',
    note: 'Stored copy in Chinese (zh-cn) of the English announcement page; translation ours.',
  },
  pricesRoundedToCent: {
    id: 'pricesRoundedToCent',
    title: 'Microsoft 365 Monthly Pricing and Licensing: Frequently Asked Questions',
    url: 'https://geekgirlsit.com/?p=27743',
    publisher: 'Geek Girls IT (Microsoft partner)',
    kind: 'secondary',
    readOn: READ_ON,
    quote:
      'Microsoft 365 Business Standard (as of January 2026): No commitment (monthly billing): $15.00 / month; Annual commitment (monthly billing): $13.13 / month; Annual commitment (annual prepaid billing): $150.00 per year',
    note: '$150.00 a year is $12.50 a month; $12.50 × 1.05 = $13.125 is published as $13.13 (half up to the cent) and $12.50 × 1.20 = $15.00.',
  },

  // US prices (effective 2026-07-01)
  usBusinessPrices202607: {
    id: 'usBusinessPrices202607',
    title: 'Microsoft 365 License Audit Before the July 1 Price Increase',
    url: 'https://lasvegasitservices.com/blog/microsoft-365-license-audit/',
    publisher: 'Las Vegas IT Services (Microsoft partner)',
    kind: 'secondary',
    readOn: READ_ON,
    quote:
      "Microsoft's official pricing update confirms Microsoft 365 Business Basic is increasing by $1 per user per month (from $6 to $7) and Business Standard is increasing by $1.50 per user per month (from $12.50 to $14). Business Premium is unchanged at $22 per user per month in this update.",
  },
  usEnterprisePrices202607: {
    id: 'usEnterprisePrices202607',
    title: 'Microsoft’s New M365 Price Increase Masks a Far Larger Budget Shock',
    url: 'https://www.npifinancial.com/smartspend-bulletins/microsofts-new-m365-price-increase-masks-a-far-larger-budget-shock',
    publisher: 'NPI (licensing analyst)',
    kind: 'secondary',
    readOn: READ_ON,
    quote:
      'Microsoft announced that commercial customers will face yet another global price increase, effective July 1, 2026. … The new per user/month prices will be: M365 F3 $10.00, M365 E3 $39.00, M365 E5 $60.00',
  },
  usOffice365E3Price202607: {
    id: 'usOffice365E3Price202607',
    title: 'Your Microsoft renewal is a sovereignty lever',
    url: 'https://servola.de/journal/your-microsoft-renewal-is-a-sovereignty-lever/',
    publisher: 'Servola (analyst journal)',
    kind: 'secondary',
    readOn: READ_ON,
    quote:
      'On 1 July 2026 Microsoft raises the list price of its main 365 suites. Office 365 E3 moves from 23 to 26 dollars per user per month',
  },
  usF1Price202607: {
    id: 'usF1Price202607',
    title: 'Microsoft 365 Commercial Price Hikes Set for July 2026: A Segmented Impact Analysis',
    url: 'https://tkly.com/?p=9106',
    publisher: 'tkly (technology news)',
    kind: 'secondary',
    readOn: READ_ON,
    quote: 'Microsoft 365 F1 is set to rise from its current $2.25 to $3.00 per user per month',
  },
  usEntraPrices: {
    id: 'usEntraPrices',
    title: 'Microsoft Entra plans and pricing',
    url: 'https://www.microsoft.com/en-us/security/business/microsoft-entra-pricing',
    publisher: 'Microsoft',
    kind: 'vendor',
    readOn: READ_ON,
    quote: 'Microsoft Entra ID P1 — $7.00 user/month, paid yearly (annual commitment)',
    via: 'https://raw.githubusercontent.com/api-evangelist/microsoft-entra/refs/heads/main/plans/microsoft-entra-plans-pricing.yml',
    note: 'Transcribed verbatim from the vendor page on 2026-09-20 ("every price_text was found verbatim in the fetched page text").',
  },

  // BR market
  brazilPricesInReais: {
    id: 'brazilPricesInReais',
    title: 'Mudanças importantes de licenciamento na Microsoft Brasil',
    url: 'https://overbr.com.br/artigos/mudancas-importantes-de-licenciamento-na-microsoft-brasil',
    publisher: 'OverBR (Microsoft partner) quoting Microsoft Brasil',
    kind: 'secondary',
    readOn: READ_ON,
    quote:
      'estamos anunciando mudanças na lista de preços em Reais … Clientes no Brasil adquirindo serviços online em Reais continuarão a encontrar as ofertas de nuvem da Microsoft altamente competitivas.',
    note: 'Establishes the currency (BRL) of the Brazilian list only; no current per-SKU figure in reais was found in the sources available, so the BR list holds no prices.',
  },

  // Quantity rules
  businessFamilySeatCap: {
    id: 'businessFamilySeatCap',
    title: 'Microsoft 365 Business Premium frequently asked questions',
    url: 'https://learn.microsoft.com/en-us/microsoft-365/business-premium/microsoft-365-business-faqs',
    publisher: 'Microsoft Learn',
    kind: 'vendor',
    readOn: READ_ON,
    quote:
      'Organizations may only provision up to 300 seats total across all of our Business family of plans (Business Basic, Business Standard, Business Premium).',
    via: 'https://news.lavx.hu/article/microsoft-clarifies-300-seat-limit-for-all-business-licenses-combined',
    note: 'Read through the news article above, which quotes the sentence from the vendor page; the plans named cover their "(no Teams)" editions, sold under the same plan names.',
  },
  businessFamilyAppsForBusiness: {
    id: 'businessFamilyAppsForBusiness',
    title: 'How Many Users Can Use Microsoft 365 Business? (w/ Examples + FAQs)',
    url: 'https://officeconsumer.com/how-many-users-can-use-microsoft-365-business-w-examples-faqs/',
    publisher: 'OfficeConsumer',
    kind: 'secondary',
    readOn: READ_ON,
    quote:
      'Microsoft 365 Business plans allow a maximum of 300 users per tenant, a hard cap set by Microsoft across Business Basic, Business Standard, Business Premium, and Apps for Business.',
    note: 'Counts Microsoft 365 Apps for business in the cap, which the vendor sentence quoted in `businessFamilySeatCap` does not name.',
  },
} as const satisfies Record<string, Source>;

export type SourceId = keyof typeof SOURCES;
