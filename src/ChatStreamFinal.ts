/**
 * The final helpers: they run an events or chunk stream to its end and give
 * the completion, the first choice's message, content or tool calls, or a
 * typed error for a completion cut by `length` or `content_filter` (stream
 * contract §6). `ChatStream` re-exports them under their old names; the
 * service `ChatCompletions` has the same helpers taking request params.
 *
 * The implementation is in `internal/finalHelpers.ts`.
 *
 * @since 0.1.0
 */
import * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessage, ToolCall } from "./ChatCompletion.js"
import type { ContentFilterFinishReasonError, LengthFinishReasonError } from "./ChatStreamError.js"
import type * as ChatStreamEvent from "./ChatStreamEvent.js"
import { checkFinishReasons, lastSnapshot } from "./internal/finalHelpers.js"

// -----------------------------------------------------------------------------
// final helpers
// -----------------------------------------------------------------------------

/**
 * Anything the final helpers consume: an events stream or a chunk stream.
 *
 * @example
 * ```ts
 * import { Effect, Option, Stream } from "effect"
 * import { ChatStream } from "effect-chat-stream"
 *
 * const wordCount = <E, R>(stream: ChatStream.Consumable<E, R>) =>
 *   Effect.map(ChatStream.finalContent(stream), Option.match({ onNone: () => 0, onSome: (text) => text.split(/\s+/).length }))
 *
 * declare const body: Stream.Stream<Uint8Array>
 * const fromEvents = wordCount(ChatStream.events(body))
 * const fromChunks = wordCount(ChatStream.chunks(body))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Consumable<E, R> =
  | Stream.Stream<ChatStreamEvent.ChatStreamEvent, E, R>
  | Stream.Stream<ChatCompletionChunk, E, R>

/**
 * Runs the stream to its end and gives the last snapshot (none when no chunk
 * arrived, as for a body that is only `[DONE]`).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { ChatStream } from "effect-chat-stream"
 *
 * declare const body: Stream.Stream<Uint8Array>
 * const program = Effect.gen(function*() {
 *   const completion = yield* ChatStream.finalChatCompletion(ChatStream.events(body))
 * })
 * ```
 *
 * @since 0.1.0
 * @category final helpers
 */
export const finalChatCompletion = <E, R>(self: Consumable<E, R>): Effect.Effect<Option.Option<ChatCompletion>, E, R> =>
  lastSnapshot(self)

/**
 * Like `finalChatCompletion`, but fails with `LengthFinishReasonError` or
 * `ContentFilterFinishReasonError` (carrying the completion) when a choice
 * ended with `length` or `content_filter`.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { ChatStream } from "effect-chat-stream"
 *
 * declare const body: Stream.Stream<Uint8Array>
 * const program = ChatStream.finalChatCompletionChecked(ChatStream.events(body)).pipe(
 *   Effect.catchTag("LengthFinishReasonError", (error) => Effect.succeed(error.snapshot))
 * )
 * ```
 *
 * @since 0.1.0
 * @category final helpers
 */
export const finalChatCompletionChecked = <E, R>(
  self: Consumable<E, R>
): Effect.Effect<Option.Option<ChatCompletion>, E | LengthFinishReasonError | ContentFilterFinishReasonError, R> =>
  Effect.flatMap(finalChatCompletion(self), checkFinishReasons)

/**
 * The message of the first choice of the final completion.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { ChatStream } from "effect-chat-stream"
 *
 * declare const body: Stream.Stream<Uint8Array>
 * const message = ChatStream.finalMessage(ChatStream.events(body))
 * ```
 *
 * @since 0.1.0
 * @category final helpers
 */
export const finalMessage = <E, R>(self: Consumable<E, R>): Effect.Effect<Option.Option<ChatCompletionMessage>, E, R> =>
  Effect.map(finalChatCompletion(self), Option.flatMap((completion) => Arr.head(completion.choices.map((c) => c.message))))

/**
 * The content of the first choice's final message (none when it has none).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { ChatStream } from "effect-chat-stream"
 *
 * declare const body: Stream.Stream<Uint8Array>
 * const program = Effect.gen(function*() {
 *   const text = yield* ChatStream.finalContent(ChatStream.events(body))
 * })
 * ```
 *
 * @since 0.1.0
 * @category final helpers
 */
export const finalContent = <E, R>(self: Consumable<E, R>): Effect.Effect<Option.Option<string>, E, R> =>
  Effect.map(finalMessage(self), Option.flatMap((message) => Option.fromNullable(message.content)))

/**
 * The tool calls of the first choice's final message (none when there are
 * none).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { ChatStream } from "effect-chat-stream"
 *
 * declare const body: Stream.Stream<Uint8Array>
 * const calls = ChatStream.finalToolCalls(ChatStream.events(body))
 * ```
 *
 * @since 0.1.0
 * @category final helpers
 */
export const finalToolCalls = <E, R>(
  self: Consumable<E, R>
): Effect.Effect<Option.Option<Arr.NonEmptyReadonlyArray<ToolCall>>, E, R> =>
  Effect.map(
    finalMessage(self),
    Option.flatMap((message) =>
      message.tool_calls !== undefined && Arr.isNonEmptyReadonlyArray(message.tool_calls)
        ? Option.some(message.tool_calls)
        : Option.none()
    )
  )
