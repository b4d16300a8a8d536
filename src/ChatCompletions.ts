/**
 * The HTTP client service: opens a streaming chat completion against any
 * OpenAI-compatible endpoint (OpenAI, Azure, DeepSeek, vLLM, OpenRouter,
 * Groq, Gemini, Mistral, Ollama, llama.cpp) and hands back what the core
 * pipeline produces, with the response's meta.
 *
 * The path of a request: `stream(params)` POSTs `{ ...params, stream: true }`
 * (with `stream_options.include_usage` unless turned off) to
 * `<baseUrl>/chat/completions` through `@effect/platform`'s `HttpClient`.
 * A base URL that is not an `http://` or `https://` URL fails every request
 * with a `ConnectionError` (`InvalidUrl`) before anything is sent. Until the
 * response's status line arrived, failures are retried with the layer's
 * schedule (429, 408, 409, 5xx, the request timeout, and the transient
 * network failures of `retryableConnectionCodes`: connection refused, reset
 * or closed, connect timeouts, …), honouring `retry-after`; a non-2xx answer
 * becomes a typed `ApiError`, a failed connection a `ConnectionError`. A
 * permanent failure (an invalid header, a TLS certificate error) fails on the
 * first attempt.
 *
 * The body of a 2xx answer is judged by its start (after an optional byte
 * order mark and whitespace): a field line (`data:`, `event:`, `id:`,
 * `retry:`, a `:` comment) is streamed as it arrives through
 * `ChatStream.events` / `chunks` / `snapshots`, whatever the content type; a
 * body starting with `{` or `[` is read whole as JSON (an error object is an
 * `ApiError`, a non-streamed completion becomes one chunk and `[DONE]`, other
 * JSON an `ApiError` with a preview); anything else (an HTML page, a text) is
 * an `ApiError` naming the status and content type with a preview of the
 * body; an empty body is an `IncompleteStreamError` as in the contract.
 * Nothing is retried once the body is being read. A pause longer than the
 * idle timeout between two reads fails the stream with
 * `IncompleteStreamError` (`IdleTimeout`) carrying the snapshot.
 *
 * The request belongs to the `Scope` of `stream`: closing it, interrupting
 * the fiber, or a consumer that stops early (`Stream.take`) aborts the
 * request and closes the socket at once. Each request runs in a span
 * (`chat <model>`) that records the model, the request id, the time to the
 * first byte and to the first token, the finish reasons and the token usage.
 *
 * @since 0.1.0
 */
import type * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessage, ToolCall } from "./ChatCompletion.js"
import type { ChatCompletionRequest } from "./ChatCompletionRequest.js"
import type { ChatCompletionsError } from "./ChatCompletionsError.js"
import type { ChatCompletionStream } from "./ChatCompletionsResponse.js"
import type {
  ChatStreamError,
  ContentFilterFinishReasonError,
  LengthFinishReasonError
} from "./ChatStreamError.js"
import type { ChatStreamEvent } from "./ChatStreamEvent.js"
import * as service from "./internal/clientService.js"

// -----------------------------------------------------------------------------
// errors, options, the response, constructors and layers (moved; the old names stay)
// -----------------------------------------------------------------------------

/**
 * The client's errors, from `ChatCompletionsError` (see there).
 *
 * @since 0.1.0
 */
export {
  type ChatCompletionsError,
  ConnectionError,
  ConnectionErrorReason,
  ErrorTypeId,
  isConnectionError,
  retryableConnectionCodes
} from "./ChatCompletionsError.js"

/**
 * The client's options, their defaults and the configuration `layerConfig`
 * reads, from `ChatCompletionsOptions` (see there).
 *
 * @since 0.1.0
 */
export {
  config,
  defaultBaseUrl,
  defaultRetrySchedule,
  type Options,
  type ResolvedOptions,
  resolveOptions
} from "./ChatCompletionsOptions.js"

/**
 * An open response: its meta and its body's streams, from
 * `ChatCompletionsResponse` (see there).
 *
 * @since 0.1.0
 */
export type { ChatCompletionStream, ResponseMeta } from "./ChatCompletionsResponse.js"

/**
 * The service's constructors and layers, from `ChatCompletionsLayer` (see
 * there).
 *
 * @since 0.1.0
 */
export { layer, layerConfig, layerConfigNode, layerNode, make, makeWith } from "./ChatCompletionsLayer.js"

// -----------------------------------------------------------------------------
// service
// -----------------------------------------------------------------------------

/**
 * The client service.
 *
 * - `stream(params)` opens the request in the current `Scope` and gives the
 *   meta and the body's streams.
 * - `events` / `chunks` / `snapshots` are streams that open a request each
 *   time they run.
 * - `finalChatCompletion`, `finalChatCompletionChecked`, `finalMessage`,
 *   `finalContent`, `finalToolCalls` open a request and consume it.
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Effect, Layer, Option, Stream } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* ChatCompletions.ChatCompletions
 *   const response = yield* client.stream({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] })
 *   yield* Effect.log(`request ${Option.getOrElse(response.meta.requestId, () => "-")}`)
 *   yield* Stream.runForEach(response.events, (event) =>
 *     event._tag === "ContentDelta" ? Effect.sync(() => process.stdout.write(event.delta)) : Effect.void
 *   )
 * }).pipe(Effect.scoped, Effect.provide(ChatCompletions.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))))
 * ```
 *
 * @since 0.1.0
 * @category service
 */
export const ChatCompletions: typeof service.ChatCompletions = service.ChatCompletions

/**
 * The type of the service's tag: `Layer.Layer<ChatCompletions.ChatCompletions>`,
 * `ChatCompletions.ChatCompletions["Type"]` for the service itself.
 *
 * @example
 * ```ts
 * import type { ChatCompletions } from "effect-chat-stream"
 *
 * const optionsOf = (client: ChatCompletions.ChatCompletions["Type"]) => client.options
 * ```
 *
 * @since 0.1.0
 * @category service
 */
export type ChatCompletions = service.ChatCompletions

// -----------------------------------------------------------------------------
// accessors
// -----------------------------------------------------------------------------

/**
 * Opens a streaming chat completion in the current scope: the response's
 * meta and its body's streams (read once).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const response = yield* ChatCompletions.stream({ model: "m", messages: [{ role: "user", content: "Hi" }] })
 *   yield* Stream.runForEach(response.events.pipe(Stream.take(3)), Effect.log)
 * }))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const stream = (
  params: ChatCompletionRequest
): Effect.Effect<ChatCompletionStream, ChatCompletionsError, ChatCompletions | Scope.Scope> =>
  Effect.flatMap(ChatCompletions, (client) => client.stream(params))

/**
 * The events of a completion; each run opens a request.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const program = ChatCompletions.events({ model: "m", messages: [{ role: "user", content: "Hi" }] }).pipe(
 *   Stream.runForEach((event) => event._tag === "ContentDelta" ? Effect.sync(() => process.stdout.write(event.delta)) : Effect.void)
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const events = (
  params: ChatCompletionRequest
): Stream.Stream<ChatStreamEvent, ChatCompletionsError | ChatStreamError, ChatCompletions> =>
  Stream.unwrap(Effect.map(ChatCompletions, (client) => client.events(params)))

/**
 * The chunks of a completion; each run opens a request.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const all = Stream.runCollect(ChatCompletions.chunks({ model: "m", messages: [{ role: "user", content: "Hi" }] }))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const chunks = (
  params: ChatCompletionRequest
): Stream.Stream<ChatCompletionChunk, ChatCompletionsError | ChatStreamError, ChatCompletions> =>
  Stream.unwrap(Effect.map(ChatCompletions, (client) => client.chunks(params)))

/**
 * The snapshot after every chunk of a completion; each run opens a request.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const last = Stream.runLast(ChatCompletions.snapshots({ model: "m", messages: [{ role: "user", content: "Hi" }] }))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const snapshots = (
  params: ChatCompletionRequest
): Stream.Stream<ChatCompletion, ChatCompletionsError | ChatStreamError, ChatCompletions> =>
  Stream.unwrap(Effect.map(ChatCompletions, (client) => client.snapshots(params)))

/**
 * Streams a completion to its end and gives it (none for a body that is only
 * `[DONE]`).
 *
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const completion = ChatCompletions.finalChatCompletion({ model: "m", messages: [{ role: "user", content: "Hi" }] })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const finalChatCompletion = (
  params: ChatCompletionRequest
): Effect.Effect<Option.Option<ChatCompletion>, ChatCompletionsError | ChatStreamError, ChatCompletions> =>
  Effect.flatMap(ChatCompletions, (client) => client.finalChatCompletion(params))

/**
 * Like `finalChatCompletion`, failing with `LengthFinishReasonError` /
 * `ContentFilterFinishReasonError` when a choice ended that way.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const completion = ChatCompletions.finalChatCompletionChecked({
 *   model: "m", messages: [{ role: "user", content: "Hi" }], max_tokens: 5
 * }).pipe(Effect.catchTag("LengthFinishReasonError", (error) => Effect.succeed(error.snapshot)))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const finalChatCompletionChecked = (
  params: ChatCompletionRequest
): Effect.Effect<
  Option.Option<ChatCompletion>,
  ChatCompletionsError | ChatStreamError | LengthFinishReasonError | ContentFilterFinishReasonError,
  ChatCompletions
> => Effect.flatMap(ChatCompletions, (client) => client.finalChatCompletionChecked(params))

/**
 * The final message of the first choice.
 *
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const message = ChatCompletions.finalMessage({ model: "m", messages: [{ role: "user", content: "Hi" }] })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const finalMessage = (
  params: ChatCompletionRequest
): Effect.Effect<Option.Option<ChatCompletionMessage>, ChatCompletionsError | ChatStreamError, ChatCompletions> =>
  Effect.flatMap(ChatCompletions, (client) => client.finalMessage(params))

/**
 * The final content of the first choice: the common case in one line.
 *
 * @example
 * ```ts
 * import { Effect, Option } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const program = Effect.gen(function*() {
 *   const text = yield* ChatCompletions.finalContent({ model: "m", messages: [{ role: "user", content: "Hi" }] })
 *   console.log(Option.getOrElse(text, () => "(no content)"))
 * }).pipe(Effect.provide(ChatCompletions.layerConfigNode()))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const finalContent = (
  params: ChatCompletionRequest
): Effect.Effect<Option.Option<string>, ChatCompletionsError | ChatStreamError, ChatCompletions> =>
  Effect.flatMap(ChatCompletions, (client) => client.finalContent(params))

/**
 * The final tool calls of the first choice.
 *
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const calls = ChatCompletions.finalToolCalls({
 *   model: "m",
 *   messages: [{ role: "user", content: "Weather in Oslo?" }],
 *   tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const finalToolCalls = (
  params: ChatCompletionRequest
): Effect.Effect<
  Option.Option<Arr.NonEmptyReadonlyArray<ToolCall>>,
  ChatCompletionsError | ChatStreamError,
  ChatCompletions
> => Effect.flatMap(ChatCompletions, (client) => client.finalToolCalls(params))
