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
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import type * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as Arr from "effect/Array"
import type * as ConfigError from "effect/ConfigError"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessage, ToolCall } from "./ChatCompletion.js"
import type { ChatCompletionRequest } from "./ChatCompletionRequest.js"
import * as ChatStream from "./ChatStream.js"
import type {
  ApiError,
  ChatStreamError,
  ContentFilterFinishReasonError,
  LengthFinishReasonError
} from "./ChatStreamError.js"
import type { ChatStreamEvent } from "./ChatStreamEvent.js"
import { definedOnly, optionalVariable } from "./internal/config.js"
import * as connection from "./internal/connectionError.js"
import * as client from "./internal/openStream.js"
import { RETRYABLE_CONNECTION_CODES } from "./internal/retryPolicy.js"

// -----------------------------------------------------------------------------
// errors
// -----------------------------------------------------------------------------

/**
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const isOurs = (u: object) => ChatCompletions.ErrorTypeId in u
 * ```
 *
 * @since 0.1.0
 * @category type id
 */
export const ErrorTypeId: typeof connection.ErrorTypeId = connection.ErrorTypeId

/**
 * The type of `ErrorTypeId`.
 *
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const hasErrorTypeId = (u: object): u is { readonly [ChatCompletions.ErrorTypeId]: ChatCompletions.ErrorTypeId } =>
 *   ChatCompletions.ErrorTypeId in u
 * ```
 *
 * @since 0.1.0
 * @category type id
 */
export type ErrorTypeId = typeof ErrorTypeId

/**
 * Why a request got no response:
 *
 * - `Transport`: the connection failed (refused, reset, host not found, TLS)
 *   or the request could not be sent (an invalid header value, such as an
 *   API key with a line break); `code` holds the system's code
 *   (`ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, `UND_ERR_SOCKET`,
 *   `UND_ERR_INVALID_ARG`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …) when there is
 *   one, and `detail` the underlying message. Only the codes of
 *   `retryableConnectionCodes` are retried.
 * - `Timeout`: no response (status line and headers) within the request
 *   timeout. Retried.
 * - `InvalidUrl`: the base URL is not a valid `http://` or `https://` URL
 *   (`detail` says why); nothing was sent. Not retried.
 * - `Encode`: the request body could not be encoded as JSON. Not retried.
 * - `InvalidOption`: an option of the service cannot work (`maxEventBytes`
 *   not a positive integer or `Infinity`; `detail` says which); nothing was
 *   sent, so no answer is paid for and then thrown away. Not retried.
 *
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * declare const error: ChatCompletions.ConnectionError
 * const retryLater = error.reason === "Timeout" ||
 *   (error.reason === "Transport" && ChatCompletions.retryableConnectionCodes.includes(error.code ?? ""))
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const ConnectionErrorReason: typeof connection.ConnectionErrorReason = connection.ConnectionErrorReason

/**
 * Why a request got no response.
 *
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * // a mistake in the program or its configuration, not in the network
 * const isSetupError = (reason: ChatCompletions.ConnectionErrorReason) =>
 *   reason === "InvalidUrl" || reason === "Encode" || reason === "InvalidOption"
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type ConnectionErrorReason = typeof ConnectionErrorReason.Type

/**
 * The error codes of the transient network failures that are retried (with
 * the layer's `retrySchedule`, before the status line of a response):
 * connection refused, reset, aborted or closed by the server (`ECONNREFUSED`,
 * `ECONNRESET`, `ECONNABORTED`, `ENETRESET`, `UND_ERR_SOCKET`), a write to a
 * closed socket (`EPIPE`), timeouts while connecting or waiting for the
 * headers (`ETIMEDOUT`, `UND_ERR_CONNECT_TIMEOUT`, `UND_ERR_HEADERS_TIMEOUT`),
 * an unreachable network or host (`ENETUNREACH`, `ENETDOWN`, `EHOSTUNREACH`,
 * `EHOSTDOWN`) and a name lookup that failed for now (`EAI_AGAIN`). Every
 * other failure — an invalid header or argument (`UND_ERR_INVALID_ARG`), a
 * TLS certificate error, an unknown host (`ENOTFOUND`), a failure without a
 * code — fails on the first attempt.
 *
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * ChatCompletions.retryableConnectionCodes.includes("ECONNRESET") // true
 * ChatCompletions.retryableConnectionCodes.includes("UND_ERR_INVALID_ARG") // false
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const retryableConnectionCodes: ReadonlyArray<string> = RETRYABLE_CONNECTION_CODES

/**
 * The request got no response: the server could not be reached, the
 * connection broke before the status line, the request timeout passed, or
 * the request could not be built or sent (an invalid base URL or header).
 * Carries the URL without its query (a query may hold a key) and never a
 * header: the request URL, or for `InvalidUrl` the base URL as given. The
 * message says what went wrong with the underlying detail, e.g.
 * `Could not reach https://…/chat/completions: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT); …`
 * or `Invalid base URL "localhost:8080/v1": it must start with http:// or https:// (did you mean "http://localhost:8080/v1"?)`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const program = ChatCompletions.finalContent({ model: "m", messages: [{ role: "user", content: "hi" }] }).pipe(
 *   Effect.catchTag("ConnectionError", (error) => Effect.logError(error.message))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const ConnectionError: typeof connection.ConnectionError = connection.ConnectionError

/**
 * The type of a `ConnectionError`.
 *
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const attemptsOf = (error: ChatCompletions.ConnectionError) => error.attempts
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type ConnectionError = connection.ConnectionError

/**
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * declare const error: unknown
 * if (ChatCompletions.isConnectionError(error)) console.error(error.message)
 * ```
 *
 * @since 0.1.0
 * @category refinements
 */
export const isConnectionError = (u: unknown): u is ConnectionError => Predicate.hasProperty(u, ErrorTypeId)

/**
 * What opening a stream can fail with: the provider's error answer
 * (`ApiError` with `status`, `requestId` and the truncated `body`), or no
 * answer at all (`ConnectionError`). This is also what the retry schedule
 * sees (only for failures that are retryable: 408, 409, 429, 5xx, the
 * request timeout and the codes of `retryableConnectionCodes`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const program = ChatCompletions.finalContent({ model: "m", messages: [{ role: "user", content: "Hi" }] }).pipe(
 *   Effect.catchTags({
 *     ApiError: (error) => Effect.logError(`HTTP ${error.status}: ${error.message} (${error.requestId})`),
 *     ConnectionError: (error) => Effect.logError(error.message)
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type ChatCompletionsError = ApiError | ConnectionError

// -----------------------------------------------------------------------------
// options
// -----------------------------------------------------------------------------

/**
 * The default base URL.
 *
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * ChatCompletions.defaultBaseUrl // "https://api.openai.com/v1"
 * ```
 *
 * @since 0.1.0
 * @category options
 */
export const defaultBaseUrl = "https://api.openai.com/v1"

/**
 * The default retry schedule: up to 2 retries, exponential from 500 ms with
 * jitter (as the official SDKs do). `retry-after` lengthens a wait, never
 * shortens it.
 *
 * @example
 * ```ts
 * import { Schedule } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * // five retries, one second apart and more, instead of the default two
 * const patient = ChatCompletions.layer({
 *   retrySchedule: Schedule.exponential("1 second").pipe(Schedule.jittered, Schedule.intersect(Schedule.recurs(5)))
 * })
 * ```
 *
 * @since 0.1.0
 * @category options
 */
export const defaultRetrySchedule: Schedule.Schedule<unknown, ChatCompletionsError> = Schedule.exponential(
  "500 millis"
).pipe(Schedule.jittered, Schedule.intersect(Schedule.recurs(2)))

/**
 * Options of the service. Every one is optional.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { ChatCompletions } from "effect-chat-stream"
 *
 * const options: ChatCompletions.Options = {
 *   baseUrl: "http://127.0.0.1:8000/v1", // vLLM
 *   apiKey: Redacted.make("token-abc123"),
 *   requestTimeout: "30 seconds",
 *   idleTimeout: "90 seconds",
 *   includeUsage: true
 * }
 * ```
 *
 * @since 0.1.0
 * @category options
 */
export interface Options {
  /**
   * Where `/chat/completions` lives (default `https://api.openai.com/v1`); an `http://` or `https://` URL, else
   * every request fails with `ConnectionError` (`InvalidUrl`). A query (Azure's `api-version`) is kept.
   */
  readonly baseUrl?: string | URL | undefined
  /** Sent as `Authorization: Bearer …`; none for local servers that need no key. */
  readonly apiKey?: Redacted.Redacted<string> | undefined
  /** Sent as `OpenAI-Organization`. */
  readonly organization?: string | undefined
  /** Sent as `OpenAI-Project`. */
  readonly project?: string | undefined
  /** Headers sent with every request, after the ones above (so they can replace them). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Time allowed for each attempt until the status line and headers arrived (default 10 minutes). */
  readonly requestTimeout?: Duration.DurationInput | undefined
  /** Longest pause between two reads of the body before the stream fails with `IdleTimeout` (default 5 minutes). */
  readonly idleTimeout?: Duration.DurationInput | undefined
  /**
   * When to retry a retryable failure (408, 409, 429, 5xx, the request
   * timeout, a transient network failure of `retryableConnectionCodes`)
   * before the status line of a response (default `defaultRetrySchedule`;
   * `Schedule.stop` for none).
   */
  readonly retrySchedule?: Schedule.Schedule<unknown, ChatCompletionsError> | undefined
  /** A `retry-after` longer than this is not waited for: the error is returned (default 60 seconds). */
  readonly maxRetryAfter?: Duration.DurationInput | undefined
  /** Whether to send `stream_options: { include_usage: true }` (default `true`; off for servers that reject it). */
  readonly includeUsage?: boolean | undefined
  /**
   * The largest server-sent event accepted (default 16 MiB), as in `ChatStream.Options`. A value that is not a
   * positive integer or `Infinity` fails every request with `ConnectionError` (`InvalidOption`) before it is sent.
   */
  readonly maxEventBytes?: number | undefined
  /** Whether delta events carry partial JSON (default `true`), as in `ChatStream.Options`. */
  readonly partialJson?: boolean | undefined
}

/**
 * The options with their defaults filled in.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const baseUrl = Effect.map(ChatCompletions.ChatCompletions, (client) => client.options.baseUrl)
 * ```
 *
 * @since 0.1.0
 * @category options
 */
export interface ResolvedOptions {
  readonly baseUrl: string
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  readonly organization: Option.Option<string>
  readonly project: Option.Option<string>
  readonly headers: Readonly<Record<string, string>>
  readonly requestTimeout: Duration.Duration
  readonly idleTimeout: Duration.Duration
  readonly retrySchedule: Schedule.Schedule<unknown, ChatCompletionsError>
  readonly maxRetryAfter: Duration.Duration
  readonly includeUsage: boolean
  readonly maxEventBytes: number
  readonly partialJson: boolean
}

/**
 * Fills in the defaults.
 *
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * ChatCompletions.resolveOptions({ baseUrl: "http://127.0.0.1:8080/v1" }).idleTimeout // 5 minutes
 * ```
 *
 * @since 0.1.0
 * @category options
 */
export const resolveOptions = (options: Options = {}): ResolvedOptions => ({
  baseUrl: (options.baseUrl ?? defaultBaseUrl).toString(),
  apiKey: Option.fromNullable(options.apiKey),
  organization: Option.fromNullable(options.organization),
  project: Option.fromNullable(options.project),
  headers: options.headers ?? {},
  requestTimeout: Duration.decode(options.requestTimeout ?? Duration.minutes(10)),
  idleTimeout: Duration.decode(options.idleTimeout ?? Duration.minutes(5)),
  retrySchedule: options.retrySchedule ?? defaultRetrySchedule,
  maxRetryAfter: Duration.decode(options.maxRetryAfter ?? Duration.seconds(60)),
  includeUsage: options.includeUsage ?? true,
  maxEventBytes: options.maxEventBytes ?? ChatStream.defaultOptions.maxEventBytes,
  partialJson: options.partialJson ?? ChatStream.defaultOptions.partialJson
})

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
export class ChatCompletions extends Context.Tag("effect-chat-stream/ChatCompletions")<ChatCompletions, {
  readonly options: ResolvedOptions
  readonly stream: (
    params: ChatCompletionRequest
  ) => Effect.Effect<ChatCompletionStream, ChatCompletionsError, Scope.Scope>
  readonly events: (params: ChatCompletionRequest) => Stream.Stream<ChatStreamEvent, ChatCompletionsError | ChatStreamError>
  readonly chunks: (
    params: ChatCompletionRequest
  ) => Stream.Stream<ChatCompletionChunk, ChatCompletionsError | ChatStreamError>
  readonly snapshots: (params: ChatCompletionRequest) => Stream.Stream<ChatCompletion, ChatCompletionsError | ChatStreamError>
  readonly finalChatCompletion: (
    params: ChatCompletionRequest
  ) => Effect.Effect<Option.Option<ChatCompletion>, ChatCompletionsError | ChatStreamError>
  readonly finalChatCompletionChecked: (
    params: ChatCompletionRequest
  ) => Effect.Effect<
    Option.Option<ChatCompletion>,
    ChatCompletionsError | ChatStreamError | LengthFinishReasonError | ContentFilterFinishReasonError
  >
  readonly finalMessage: (
    params: ChatCompletionRequest
  ) => Effect.Effect<Option.Option<ChatCompletionMessage>, ChatCompletionsError | ChatStreamError>
  readonly finalContent: (params: ChatCompletionRequest) => Effect.Effect<Option.Option<string>, ChatCompletionsError | ChatStreamError>
  readonly finalToolCalls: (
    params: ChatCompletionRequest
  ) => Effect.Effect<Option.Option<Arr.NonEmptyReadonlyArray<ToolCall>>, ChatCompletionsError | ChatStreamError>
}>() {}

// -----------------------------------------------------------------------------
// constructors
// -----------------------------------------------------------------------------

/**
 * Builds the service over an `HttpClient`.
 *
 * @example
 * ```ts
 * import { HttpClient } from "@effect/platform"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Effect } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const client = Effect.map(HttpClient.HttpClient, (http) =>
 *   ChatCompletions.makeWith(http, { baseUrl: "http://127.0.0.1:8080/v1" })
 * ).pipe(Effect.provide(NodeHttpClient.layerUndici))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWith = (httpClient: HttpClient.HttpClient, options: Options = {}): ChatCompletions["Type"] => {
  const resolved = resolveOptions(options)
  const stream: ChatCompletions["Type"]["stream"] = client.makeStream(httpClient, resolved)

  const opened = <A, E>(params: ChatCompletionRequest, f: (s: ChatCompletionStream) => Stream.Stream<A, E>) =>
    Stream.unwrapScoped(Effect.map(stream(params), f))
  const finalOf = <A, E>(params: ChatCompletionRequest, f: (s: ChatCompletionStream) => Effect.Effect<A, E>) =>
    Effect.scoped(Effect.flatMap(stream(params), f))

  return ChatCompletions.of({
    options: resolved,
    stream,
    events: (params) => opened(params, (s) => s.events),
    chunks: (params) => opened(params, (s) => s.chunks),
    snapshots: (params) => opened(params, (s) => s.snapshots),
    finalChatCompletion: (params) => finalOf(params, (s) => ChatStream.finalChatCompletion(s.chunks)),
    finalChatCompletionChecked: (params) => finalOf(params, (s) => ChatStream.finalChatCompletionChecked(s.chunks)),
    finalMessage: (params) => finalOf(params, (s) => ChatStream.finalMessage(s.chunks)),
    finalContent: (params) => finalOf(params, (s) => ChatStream.finalContent(s.chunks)),
    finalToolCalls: (params) => finalOf(params, (s) => ChatStream.finalToolCalls(s.chunks))
  })
}

/**
 * Builds the service with the `HttpClient` of the context.
 *
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const client = ChatCompletions.make({ baseUrl: "http://127.0.0.1:11434/v1" }) // Ollama
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<ChatCompletions["Type"], never, HttpClient.HttpClient> =>
  Effect.map(HttpClient.HttpClient, (client) => makeWith(client, options))

// -----------------------------------------------------------------------------
// layers
// -----------------------------------------------------------------------------

/**
 * The service with the given options, over the `HttpClient` you provide
 * (`NodeHttpClient.layerUndici`, `FetchHttpClient.layer`, a test client).
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Layer, Redacted, Schedule } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const Live = ChatCompletions.layer({
 *   baseUrl: "https://api.deepseek.com/v1",
 *   apiKey: Redacted.make(process.env.DEEPSEEK_API_KEY ?? ""),
 *   idleTimeout: "60 seconds",
 *   retrySchedule: Schedule.spaced("1 second").pipe(Schedule.intersect(Schedule.recurs(3)))
 * }).pipe(Layer.provide(NodeHttpClient.layerUndici))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<ChatCompletions, never, HttpClient.HttpClient> =>
  Layer.effect(ChatCompletions, make(options))

/**
 * The service with options read from configuration, then overridden by the
 * ones given: `OPENAI_BASE_URL` (default `https://api.openai.com/v1`),
 * `OPENAI_API_KEY` (optional, redacted; empty means none),
 * `OPENAI_ORG_ID` and `OPENAI_PROJECT_ID` (optional), and the pipeline's
 * `CHAT_STREAM_MAX_EVENT_BYTES` and `CHAT_STREAM_PARTIAL_JSON` (optional).
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Layer } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const Live = ChatCompletions.layerConfig({ idleTimeout: "2 minutes" }).pipe(Layer.provide(NodeHttpClient.layerUndici))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Options = {}
): Layer.Layer<ChatCompletions, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(
    ChatCompletions,
    Effect.flatMap(config, (fromConfig) => make({ ...fromConfig, ...definedOnly(options) }))
  )

/**
 * The options `layerConfig` reads: `OPENAI_BASE_URL`, `OPENAI_API_KEY`,
 * `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID`, and the pipeline's
 * `CHAT_STREAM_MAX_EVENT_BYTES` and `CHAT_STREAM_PARTIAL_JSON`
 * (`ChatStream.config`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const program = Effect.gen(function*() {
 *   const options = yield* ChatCompletions.config
 *   return options.baseUrl
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const config: Config.Config<Options> = Config.all({
  baseUrl: optionalVariable("OPENAI_BASE_URL", Config.string),
  apiKey: optionalVariable("OPENAI_API_KEY", (name) => Config.redacted(name)),
  organization: optionalVariable("OPENAI_ORG_ID", Config.string),
  project: optionalVariable("OPENAI_PROJECT_ID", Config.string),
  pipeline: ChatStream.config
}).pipe(Config.map(({ pipeline, ...client }): Options => ({ ...client, ...pipeline })))

/**
 * `layer(options)` with Node's undici `HttpClient` provided.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const text = ChatCompletions.finalContent({ model: "llama3.2", messages: [{ role: "user", content: "Hi" }] }).pipe(
 *   Effect.provide(ChatCompletions.layerNode({ baseUrl: "http://127.0.0.1:11434/v1" }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNode = (options: Options = {}): Layer.Layer<ChatCompletions> =>
  Layer.provide(layer(options), NodeHttpClient.layerUndici)

/**
 * `layerConfig(options)` with Node's undici `HttpClient` provided.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const text = ChatCompletions.finalContent({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }).pipe(
 *   Effect.provide(ChatCompletions.layerConfigNode())
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfigNode = (options: Options = {}): Layer.Layer<ChatCompletions, ConfigError.ConfigError> =>
  Layer.provide(layerConfig(options), NodeHttpClient.layerUndici)

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
