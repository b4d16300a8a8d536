/**
 * An open streaming response of the HTTP client (`ChatCompletions.stream`):
 * what the response said before its body (`ResponseMeta`), and the body's
 * streams (`ChatCompletionStream`). `ChatCompletions` re-exports them under
 * their old names.
 *
 * @since 0.1.0
 */
import type * as Headers from "@effect/platform/Headers"
import type * as Duration from "effect/Duration"
import type * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import type { ChatCompletion, ChatCompletionChunk } from "./ChatCompletion.js"
import type { ChatStreamError } from "./ChatStreamError.js"
import type { ChatStreamEvent } from "./ChatStreamEvent.js"

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

/**
 * What the response said before its body: status, headers, the provider's
 * request id, the time from the call to the status line (retries included)
 * and how many attempts it took.
 *
 * @example
 * ```ts
 * import { Duration, Effect, Option } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const { meta } = yield* ChatCompletions.stream({ model: "m", messages: [{ role: "user", content: "Hi" }] })
 *   yield* Effect.log(`${meta.status} ${Option.getOrElse(meta.requestId, () => "-")} in ${Duration.format(meta.timeToFirstByte)}`)
 * }))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ResponseMeta {
  readonly url: string
  readonly status: number
  readonly headers: Headers.Headers
  /** `x-request-id` (or `request-id`, `apim-request-id`). */
  readonly requestId: Option.Option<string>
  readonly timeToFirstByte: Duration.Duration
  readonly attempts: number
}

/**
 * An open streaming response: its meta, and its body as raw bytes or
 * through the core pipeline. The body is read once: run one of the four
 * streams, once (running a second fails with a defect). Errors carry the
 * snapshot received so far; the final helpers of `ChatStream` take `events`
 * or `chunks`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatCompletions, ChatStream } from "effect-chat-stream"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const response = yield* ChatCompletions.stream({ model: "m", messages: [{ role: "user", content: "Hi" }] })
 *   return yield* ChatStream.finalToolCalls(response.events)
 * }))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ChatCompletionStream {
  readonly meta: ResponseMeta
  /**
   * The body as it arrives (for recording) once its start showed an event stream; a JSON completion is given
   * as the event stream it makes, and a body that is neither fails with `ApiError` (its start in `body`).
   * Transport failures and the idle timeout are `IncompleteStreamError`s.
   */
  readonly bytes: Stream.Stream<Uint8Array, ChatStreamError>
  readonly events: Stream.Stream<ChatStreamEvent, ChatStreamError>
  readonly chunks: Stream.Stream<ChatCompletionChunk, ChatStreamError>
  readonly snapshots: Stream.Stream<ChatCompletion, ChatStreamError>
}
