/**
 * The pure helpers of the HTTP client service under one name, as they were
 * before the client was split by concept (the tests import them from here).
 * Each lives in the file of its concept: `clientRequest.ts` (URLs),
 * `retryPolicy.ts` (`retry-after`, what is retried), `clientErrors.ts` (error
 * bodies, codes and messages of failed connections), `responseStart.ts` and
 * `responseBody.ts` (what a 2xx body is), `requestSpan.ts` (what a span
 * records).
 *
 * Not public API.
 */
export { apiErrorFromResponse, errorCodeOf, errorMessageOf, MAX_ERROR_BODY, MAX_ERROR_READ, notAStreamError, requestIdOf, scrub } from "./clientErrors.js"
export { baseUrlProblem, displayUrl, joinUrl } from "./clientRequest.js"
export {
  makeObservation,
  type Observation,
  observationAttributes,
  observeChunk,
  observeSnapshot
} from "./requestSpan.js"
export { completionAsSse } from "./responseBody.js"
export { blankLength, type BodyKind, BodySniffer, concat, sniffBody } from "./responseStart.js"
export { isRetryableConnectionCode, isRetryableStatus, RETRYABLE_CONNECTION_CODES, retryAfterOf } from "./retryPolicy.js"
