/**
 * Decoding one server-sent event (contract §1 and §2): `JSON.parse`, a
 * provider's error payload, the chunk Schema behind the fast checks, a cut
 * last event, a payload nested too deeply; the result is a signal. Behind
 * `ChatStream.decodePayload` and the byte and event pipelines.
 *
 * Not public API. (This comment carries no internal tag:
 * it would strip the imports below it from the published declarations.)
 */
import * as Cause from "effect/Cause"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import type { ChatCompletion } from "../ChatCompletion.js"
import { ChatCompletionChunk } from "../ChatCompletion.js"
import {
  apiErrorFromPayload,
  type ChatStreamError,
  ChunkDecodeError,
  IncompleteStreamError
} from "../ChatStreamError.js"
import { decodeJsonChunk } from "./decodeChunk.js"
import type { Event } from "./sseTypes.js"
import { DONE, fault, type Signal } from "./signal.js"

const PREVIEW = 1024

const decodeChunkEither = Schema.decodeUnknownEither(ChatCompletionChunk, { onExcessProperty: "preserve" })

const formatIssue = (issue: ParseResult.ParseIssue): string =>
  ParseResult.ArrayFormatter.formatIssueSync(issue)
    .map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ")

export const none = Option.none()

/** `decodePayload` with the given fast path (the one for `JSON.parse` output in the pipeline). */
export const decodeWith = (
  json: unknown,
  text: string,
  decodeFast: (json: unknown) => ChatCompletionChunk | undefined
): Either.Either<ChatCompletionChunk, ChatStreamError> => {
  if (!Predicate.isRecord(json) || Array.isArray(json)) {
    return Either.left(
      new ChunkDecodeError({ text: text.slice(0, PREVIEW), reason: "expected a JSON object", snapshot: none })
    )
  }
  const error = json.error
  // An error object or a non-empty string (§2); an array is not an error.
  if ((typeof error === "object" && error !== null && !Array.isArray(error)) || (typeof error === "string" && error !== "")) {
    return Either.left(apiErrorFromPayload(json, none))
  }
  const fast = decodeFast(json)
  if (fast !== undefined) return Either.right(fast)
  try {
    return Either.mapLeft(
      decodeChunkEither(json),
      (parseError) =>
        new ChunkDecodeError({ text: text.slice(0, PREVIEW), reason: formatIssue(parseError.issue), snapshot: none })
    )
  } catch (cause) {
    // The Schema and its error formatter recurse into the value.
    return Either.left(tooDeep(cause, text, none))
  }
}

/**
 * A payload nested too deeply for a recursive step (the Schema, its error
 * formatter, `JSON.stringify` of object-valued arguments) is bad input, not a
 * defect: a `ChunkDecodeError`. Any other exception is rethrown.
 */
export const tooDeep = (cause: unknown, text: string, snapshot: Option.Option<ChatCompletion>): ChunkDecodeError => {
  // The Schema's formatter runs an Effect of its own, which throws the
  // RangeError wrapped in a FiberFailure.
  const error = Runtime.isFiberFailure(cause) ? Cause.squash(cause[Runtime.FiberFailureCauseId]) : cause
  if (!(error instanceof RangeError)) throw cause
  return new ChunkDecodeError({
    text: text.slice(0, PREVIEW),
    reason: `nested too deeply to process (${error.message})`,
    snapshot
  })
}

/** One server-sent event → a signal (contract §1 and §2). */
export const decodeEvent = (event: Event): Signal<ChatStreamError> => {
  const data = event.data
  if (data === "[DONE]") return DONE
  let json: unknown
  try {
    json = JSON.parse(data)
  } catch (cause) {
    // Cut inside the last event (§1), whatever its name: an unterminated
    // `event: error` whose data is not JSON is most likely a cut JSON payload.
    if (!event.terminated) {
      // The data of a cut `event: error` is kept in the detail: it may be all the server said.
      const detail = event.event === "error"
        ? `the last event, an \`event: error\`, is not complete JSON: ${JSON.stringify(data.length > 200 ? `${data.slice(0, 200)}…` : data)}`
        : "the last event is not complete JSON"
      return fault(new IncompleteStreamError({ reason: "CutInsideEvent", detail, snapshot: none }))
    }
    if (event.event === "error") return fault(apiErrorFromPayload(data, none))
    const reason = cause instanceof Error ? cause.message : String(cause)
    return fault(new ChunkDecodeError({ text: data.slice(0, PREVIEW), reason, snapshot: none }))
  }
  if (event.event === "error") return fault(apiErrorFromPayload(json, none))
  const decoded = decodeWith(json, data, decodeJsonChunk)
  return decoded._tag === "Right" ? { _tag: "Chunk", chunk: decoded.right, text: data } : fault(decoded.left)
}
