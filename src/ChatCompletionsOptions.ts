/**
 * The options of the HTTP client (`ChatCompletions`): where and how requests
 * are sent, timeouts, retries and the pipeline's options, their defaults, and
 * the configuration variables `layerConfig` reads. `ChatCompletions`
 * re-exports them under their old names.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type { ChatCompletionsError } from "./ChatCompletionsError.js"
import * as ChatStreamOptions from "./ChatStreamOptions.js"
import { optionalVariable } from "./internal/config.js"

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
  maxEventBytes: options.maxEventBytes ?? ChatStreamOptions.defaultOptions.maxEventBytes,
  partialJson: options.partialJson ?? ChatStreamOptions.defaultOptions.partialJson
})

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
  pipeline: ChatStreamOptions.config
}).pipe(Config.map(({ pipeline, ...client }): Options => ({ ...client, ...pipeline })))
