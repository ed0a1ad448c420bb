/**
 * The variable naming the file where the integration globalSetup leaves the settings its test files
 * need (test/integration/env.ts loads them). Not process.env itself: globalSetup runs in jest's
 * main process, whose environment every project's workers inherit, and unit tests must not find
 * themselves pointed at DynamoDB Local.
 */
export const ENV_FILE_VARIABLE = 'PURCHASE_OFFERS_INTEGRATION_ENV';
