import { writeFileSync } from 'node:fs';
import { OPENAPI_DOCUMENT_PATH, serializeOpenApiDocument } from '../../shared/openapi/document.ts';

/**
 * `npm run openapi`: regenerates the committed OpenAPI document from the route table and the
 * schemas. The functions serve the committed copy; test/unit/openapi.test.ts fails while it is stale.
 */
writeFileSync(OPENAPI_DOCUMENT_PATH, serializeOpenApiDocument());
console.log(`wrote ${OPENAPI_DOCUMENT_PATH}`);
