import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured JSON logger per function. Service name and level come from the standard
 * Powertools variables (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL) set by the CDK construct.
 * Never pass request headers or bodies to it: they carry API keys and customer data.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'purchase-offers' });
