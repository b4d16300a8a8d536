/**
 * The JSON-lines form of a stream (stream contract §7): one event per line,
 * encoded by its Schema with `_tag` first and `null` for none, then a last
 * line `{"_tag":"Final","completion":…}` or `{"_tag":"Failure","error":…}`.
 *
 * The CLI's `--json` prints exactly these lines; tests and recordings can
 * compare them.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { ChatCompletion } from "./ChatCompletion.js"
import {
  type ChatStreamError,
  ChatStreamErrorSchema,
  type FinishReasonError,
  isChatStreamError
} from "./ChatStreamError.js"
import { ChatStreamEvent } from "./ChatStreamEvent.js"
import { stringifyIteratively } from "./internal/json.js"

const encodeEventSync = Schema.encodeSync(ChatStreamEvent)
const encodeCompletionSync = Schema.encodeSync(ChatCompletion)
const encodeErrorSync = Schema.encodeSync(ChatStreamErrorSchema)

/**
 * `JSON.stringify(value)` for JSON data at any depth. `JSON.stringify`
 * recurses and throws a `RangeError` past about 4,500 levels, which a chunk's
 * unknown field or a parsed value can reach (the library itself never
 * recurses on input depth); then the same text is produced by a loop with an
 * explicit stack. (On that path a value's `toJSON` runs a second time, so a
 * `toJSON` with side effects can tell the difference; the library's own
 * values have none.)
 *
 * @example
 * ```ts
 * import { JsonLines } from "effect-chat-stream"
 *
 * let deep: unknown = 1
 * for (let i = 0; i < 100_000; i++) deep = [deep]
 * JsonLines.stringify(deep).length // 200_001
 * ```
 *
 * @since 0.1.0
 * @category encoding
 */
export const stringify = (value: unknown): string => {
  try {
    return JSON.stringify(value)
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    return stringifyIteratively(value)
  }
}

/**
 * One event as a JSON line (without the newline).
 *
 * @example
 * ```ts
 * import { Option } from "effect"
 * import { ChatStreamEvent, JsonLines } from "effect-chat-stream"
 *
 * JsonLines.event(new ChatStreamEvent.ContentDelta({ choiceIndex: 0, delta: "Hi", snapshot: "Hi", parsed: Option.none() }))
 * // '{"_tag":"ContentDelta","choiceIndex":0,"delta":"Hi","snapshot":"Hi","parsed":null}'
 * ```
 *
 * @since 0.1.0
 * @category encoding
 */
export const event = (value: ChatStreamEvent): string => {
  const { _tag, ...fields } = encodeEventSync(value)
  return stringify({ _tag, ...fields })
}

/**
 * The last line of a stream that ended well.
 *
 * @example
 * ```ts
 * import { Option } from "effect"
 * import { JsonLines } from "effect-chat-stream"
 *
 * JsonLines.final(Option.none()) // '{"_tag":"Final","completion":null}'
 * ```
 *
 * @since 0.1.0
 * @category encoding
 */
export const final = (completion: Option.Option<ChatCompletion>): string =>
  // A completion is its own encoding: every transformation in the
  // `ChatCompletion` Schema is an optional key that is nullable or has a
  // default, which encoding leaves as it is. So the Schema's encode, which
  // rebuilds every object of the completion (half a second for 20,000
  // logprobs tokens), is skipped; the line has the same JSON up to key order
  // (a test holds the two equal).
  stringify({ _tag: "Final", completion: Option.isSome(completion) ? completion.value : null })

/** The Schema-encoded form of a completion, for the tests that hold `final` to it. @internal */
export const encodeCompletion = (completion: ChatCompletion): unknown => encodeCompletionSync(completion)

/**
 * An error as a JSON object: `_tag`, `message`, then its fields (the
 * snapshot `null` when none). Errors that are not the library's are shown
 * with their `_tag` (or name) and message.
 *
 * @example
 * ```ts
 * import { Option } from "effect"
 * import { ChatStreamError, JsonLines } from "effect-chat-stream"
 *
 * JsonLines.errorJson(new ChatStreamError.IncompleteStreamError({ reason: "NoFinishReason", snapshot: Option.none() }))
 * ```
 *
 * @since 0.1.0
 * @category encoding
 */
export const errorJson = (error: unknown): Record<string, unknown> => {
  if (isChatStreamError(error)) {
    const encoded = encodeErrorSync(error as ChatStreamError | FinishReasonError) as Record<string, unknown>
    const { _tag, cause: _cause, ...fields } = encoded
    return { _tag, message: error.message, ...fields }
  }
  if (typeof error === "object" && error !== null) {
    const tagged = error as { _tag?: unknown; name?: unknown; message?: unknown }
    // Other tagged errors (the client's ConnectionError, …): their own plain
    // fields, so a program can branch on them; causes and functions left out.
    const fields: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(error)) {
      if (key === "_tag" || key === "message" || key === "cause" || key === "snapshot") continue
      if (value === null || ["string", "number", "boolean"].includes(typeof value)) fields[key] = value
    }
    return {
      _tag: typeof tagged._tag === "string" ? tagged._tag : typeof tagged.name === "string" ? tagged.name : "Error",
      message: typeof tagged.message === "string" ? tagged.message : String(error),
      ...fields,
      snapshot: null
    }
  }
  return { _tag: "Error", message: String(error), snapshot: null }
}

/**
 * The last line of a stream that failed.
 *
 * @example
 * ```ts
 * import { Option } from "effect"
 * import { ChatStreamError, JsonLines } from "effect-chat-stream"
 *
 * JsonLines.failure(new ChatStreamError.IncompleteStreamError({ reason: "NoFinishReason", snapshot: Option.none() }))
 * ```
 *
 * @since 0.1.0
 * @category encoding
 */
export const failure = (error: unknown): string => stringify({ _tag: "Failure", error: errorJson(error) })
