/**
 * A fast path for decoding a chunk: a hand-written check of exactly what the
 * `ChatCompletionChunk` Schema accepts, producing the same value (nulls of
 * known fields removed, defaults filled in, unknown fields kept).
 *
 * It returns `undefined` for anything it does not accept; the caller then runs
 * the Schema, which decides and words the error. So the fast path can only
 * be wrong by building a different value for input the Schema accepts, and the
 * property tests compare the two on generated chunks.
 *
 * Iterative over the chunk's fixed shape: no recursion the input controls.
 *
 * The generic checks are in `internal/chunkCheck.ts`, the hand-written ones
 * for `JSON.parse` output in `internal/jsonChunk.ts`.
 *
 * Not public API. (This comment carries no internal tag: it would strip the
 * import below it from the published declarations.)
 */
import type { ChatCompletionChunk } from "../ChatCompletion.js"
import { chunk, REJECT } from "./chunkCheck.js"
import { jsonChunk } from "./jsonChunk.js"

/**
 * The decoded chunk, or `undefined` when the Schema must decide.
 *
 * @internal
 */
export const decodeChunkFast = (json: unknown): ChatCompletionChunk | undefined => {
  const result = chunk(json)
  return result === REJECT ? undefined : (result as ChatCompletionChunk)
}

/**
 * `decodeChunkFast` for a value straight from `JSON.parse` (which never
 * holds `undefined`): the same result, with a hand-written check of the
 * chunk's hot objects.
 *
 * @internal
 */
export const decodeJsonChunk = (json: unknown): ChatCompletionChunk | undefined => {
  const result = jsonChunk(json)
  return result === REJECT ? undefined : (result as ChatCompletionChunk)
}
