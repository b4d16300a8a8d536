/**
 * The typed failures of a chat completion stream.
 *
 * Every error raised after the first chunk carries the last snapshot
 * (`snapshot: Option<ChatCompletion>`), so a caller never loses what was
 * received; errors raised before the first chunk carry `Option.none()`.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import type { ChatCompletion } from "./ChatCompletion.js"
import * as apiError from "./internal/apiError.js"
import * as errors from "./internal/errors.js"

/**
 * @example
 * ```ts
 * import { ChatStreamError } from "effect-chat-stream"
 *
 * const isOurs = (u: object) => ChatStreamError.TypeId in u
 * ```
 *
 * @since 0.1.0
 * @category type id
 */
export const TypeId: typeof errors.TypeId = errors.TypeId

/**
 * The type of `TypeId`.
 *
 * @example
 * ```ts
 * import { ChatStreamError } from "effect-chat-stream"
 *
 * const hasTypeId = (u: object): u is { readonly [ChatStreamError.TypeId]: ChatStreamError.TypeId } =>
 *   ChatStreamError.TypeId in u
 * ```
 *
 * @since 0.1.0
 * @category type id
 */
export type TypeId = typeof TypeId

/**
 * The snapshot an error carries: `null` in JSON when none was received.
 *
 * @example
 * ```ts
 * import { Option, Schema } from "effect"
 * import { ChatStreamError } from "effect-chat-stream"
 *
 * Schema.encodeSync(ChatStreamError.SnapshotSchema)(Option.none()) // null
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const SnapshotSchema = errors.SnapshotSchema

/**
 * The server-sent-events layer stopped.
 *
 * - `EventTooLarge`: one server-sent event was larger than the configured
 *   limit (`maxEventBytes`, in UTF-8 bytes). The stream stops reading instead
 *   of buffering without bound.
 * - `InvalidLimit`: the configured `maxEventBytes` (in `limit`) is not a
 *   positive integer or `Infinity` (`NaN`, `0`, a negative or fractional
 *   number). The stream fails before decoding anything.
 *
 * @example
 * ```ts
 * import { Option } from "effect"
 * import { ChatStreamError } from "effect-chat-stream"
 *
 * const error = new ChatStreamError.SseError({ reason: "EventTooLarge", limit: 1024, snapshot: Option.none() })
 * error.message // "A server-sent event exceeded the limit of 1024 bytes; …"
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const SseError = errors.SseError
export type SseError = errors.SseError

/**
 * An event's data was not a chunk: not JSON, not an object, or a field of
 * the wrong type. `text` holds the first 1 KiB of the data.
 *
 * @example
 * ```ts
 * import { Option } from "effect"
 * import { ChatStreamError } from "effect-chat-stream"
 *
 * const error = new ChatStreamError.ChunkDecodeError({ text: "{oops", reason: "Unexpected token", snapshot: Option.none() })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const ChunkDecodeError = errors.ChunkDecodeError
export type ChunkDecodeError = errors.ChunkDecodeError

/**
 * The provider reported an error: in the stream (`{"error": …}` payload or
 * `event: error`), or as a non-2xx HTTP response. `status`, `requestId` and
 * `body` are present for HTTP responses only.
 *
 * @example
 * ```ts
 * import { Option } from "effect"
 * import { ChatStreamError } from "effect-chat-stream"
 *
 * const error = new ChatStreamError.ApiError({
 *   message: "Rate limit reached", type: "rate_limit_error", code: null, param: null, snapshot: Option.none()
 * })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const ApiError = errors.ApiError
export type ApiError = errors.ApiError

/**
 * Why a stream was incomplete.
 *
 * - `NoFinishReason`: input ended without `[DONE]` while a choice (or no
 *   choice at all) was still unfinished — an empty body, a dropped connection.
 * - `CutInsideEvent`: the connection ended inside an event whose data is not
 *   valid JSON.
 * - `Transport`: reading the body failed (socket reset, …); see `cause`.
 * - `IdleTimeout`: the server sent nothing for longer than the idle timeout.
 *
 * @example
 * ```ts
 * import { ChatStreamError } from "effect-chat-stream"
 *
 * const retryable = (reason: ChatStreamError.IncompleteReason) => reason === "Transport" || reason === "IdleTimeout"
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const IncompleteReason = errors.IncompleteReason

/**
 * Why a stream was incomplete.
 *
 * @example
 * ```ts
 * import { ChatStreamError } from "effect-chat-stream"
 *
 * const hint: Record<ChatStreamError.IncompleteReason, string> = {
 *   NoFinishReason: "the response stopped early",
 *   CutInsideEvent: "the connection dropped inside an event",
 *   Transport: "the connection failed",
 *   IdleTimeout: "the server went quiet"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type IncompleteReason = typeof IncompleteReason.Type

/**
 * The stream ended before it was complete: no `[DONE]` and not every
 * choice got a `finish_reason`. The snapshot holds everything received.
 *
 * @example
 * ```ts
 * import { Option } from "effect"
 * import { ChatStreamError } from "effect-chat-stream"
 *
 * const error = new ChatStreamError.IncompleteStreamError({ reason: "NoFinishReason", snapshot: Option.none() })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const IncompleteStreamError = errors.IncompleteStreamError
export type IncompleteStreamError = errors.IncompleteStreamError

/**
 * A choice ended with `finish_reason: "length"`: the answer was cut by the
 * token limit. Raised by `finalChatCompletionChecked`.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { ChatStream, ChatStreamEvent } from "effect-chat-stream"
 *
 * declare const events: Stream.Stream<ChatStreamEvent.ChatStreamEvent>
 * const completion = ChatStream.finalChatCompletionChecked(events).pipe(
 *   Effect.catchTag("LengthFinishReasonError", (e) => Effect.succeed(e.snapshot)) // keep the cut answer
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const LengthFinishReasonError = errors.LengthFinishReasonError
export type LengthFinishReasonError = errors.LengthFinishReasonError

/**
 * A choice ended with `finish_reason: "content_filter"`. Raised by
 * `finalChatCompletionChecked`.
 *
 * @example
 * ```ts
 * import { Option } from "effect"
 * import { ChatStreamError } from "effect-chat-stream"
 *
 * const error = new ChatStreamError.ContentFilterFinishReasonError({ choiceIndex: 0, snapshot: Option.none() })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const ContentFilterFinishReasonError = errors.ContentFilterFinishReasonError
export type ContentFilterFinishReasonError = errors.ContentFilterFinishReasonError

/**
 * The errors a stream can fail with.
 *
 * @example
 * ```ts
 * import { ChatStreamError } from "effect-chat-stream"
 *
 * const describe = (error: ChatStreamError.ChatStreamError): string => {
 *   switch (error._tag) {
 *     case "ApiError":
 *       return `provider error${error.status === undefined ? "" : ` (HTTP ${error.status})`}: ${error.message}`
 *     case "IncompleteStreamError":
 *       return `incomplete: ${error.reason}`
 *     case "ChunkDecodeError":
 *     case "SseError":
 *       return error.message
 *   }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ChatStreamError = SseError | ChunkDecodeError | ApiError | IncompleteStreamError

/**
 * The errors of `finalChatCompletionChecked` on top of the stream's own.
 *
 * @example
 * ```ts
 * import { ChatStreamError } from "effect-chat-stream"
 *
 * const why = (error: ChatStreamError.FinishReasonError) =>
 *   `choice ${error.choiceIndex}: ${error._tag === "LengthFinishReasonError" ? "token limit" : "content filter"}`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type FinishReasonError = LengthFinishReasonError | ContentFilterFinishReasonError

/**
 * A schema of every error of this module, to encode one as JSON.
 *
 * @example
 * ```ts
 * import { Option, Schema } from "effect"
 * import { ChatStreamError } from "effect-chat-stream"
 *
 * Schema.encodeSync(ChatStreamError.ChatStreamErrorSchema)(
 *   new ChatStreamError.IncompleteStreamError({ reason: "NoFinishReason", snapshot: Option.none() })
 * )
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatStreamErrorSchema = Schema.Union(
  SseError,
  ChunkDecodeError,
  ApiError,
  IncompleteStreamError,
  LengthFinishReasonError,
  ContentFilterFinishReasonError
)

/**
 * @example
 * ```ts
 * import { ChatStreamError } from "effect-chat-stream"
 *
 * declare const error: unknown
 * if (ChatStreamError.isChatStreamError(error)) console.error(error._tag, error.message)
 * ```
 *
 * @since 0.1.0
 * @category refinements
 */
export const isChatStreamError = (u: unknown): u is ChatStreamError | FinishReasonError => Predicate.hasProperty(u, TypeId)

/**
 * Gives a copy of the error carrying `snapshot`, unless it already carries
 * one. Used where a lower layer raised the error before the snapshot was
 * known.
 *
 * @example
 * ```ts
 * import { Option } from "effect"
 * import { ChatStreamError } from "effect-chat-stream"
 *
 * const error = new ChatStreamError.IncompleteStreamError({ reason: "NoFinishReason", snapshot: Option.none() })
 * ChatStreamError.withSnapshot(error, Option.none())
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const withSnapshot = <E extends ChatStreamError | FinishReasonError>(
  error: E,
  snapshot: Option.Option<ChatCompletion>
): E => {
  if (Option.isSome(error.snapshot) || Option.isNone(snapshot)) return error
  // Copies every own property (an Error's `message` and `stack` are not
  // enumerable) so the copy is the same error with a snapshot.
  const copy = Object.create(Object.getPrototypeOf(error)) as E
  for (const key of Reflect.ownKeys(error)) {
    Object.defineProperty(copy, key, Object.getOwnPropertyDescriptor(error, key)!)
  }
  Object.defineProperty(copy, "snapshot", { value: snapshot, enumerable: true, writable: true, configurable: true })
  return copy
}

/**
 * Builds an `ApiError` from a provider's error payload (`payload.error ??
 * payload`): `message`, `type`, `code`, `param`, the last three `null` when
 * absent. The message is never empty: when the payload's is absent, empty
 * or blank, it is `"The provider reported an error"` followed by the type
 * and code when known (`"… (server_error, code 500)"`), or `HTTP <status>`
 * for an HTTP response.
 *
 * @example
 * ```ts
 * import { Option } from "effect"
 * import { ChatStreamError } from "effect-chat-stream"
 *
 * ChatStreamError.apiErrorFromPayload({ error: { message: "Overloaded", type: "server_error" } }, Option.none())
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const apiErrorFromPayload: (
  payload: unknown,
  snapshot: Option.Option<ChatCompletion>,
  http?: { readonly status: number; readonly requestId: string | null; readonly body: string }
) => ApiError = apiError.apiErrorFromPayload
