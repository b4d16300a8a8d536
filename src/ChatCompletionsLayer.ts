/**
 * Building the HTTP client service (`ChatCompletions`): over an
 * `HttpClient` (`makeWith`) or the one of the context (`make`), and its
 * layers, with options given, read from configuration, or both, over your
 * `HttpClient` or Node's undici. `ChatCompletions` re-exports them under
 * their old names.
 *
 * The implementation is in `internal/openStream.ts` (a request, its retries,
 * its span and its response's streams).
 *
 * @since 0.1.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import type { ChatCompletionRequest } from "./ChatCompletionRequest.js"
import { config, type Options, resolveOptions } from "./ChatCompletionsOptions.js"
import type { ChatCompletionStream } from "./ChatCompletionsResponse.js"
import * as ChatStreamFinal from "./ChatStreamFinal.js"
import { ChatCompletions } from "./internal/clientService.js"
import { definedOnly } from "./internal/config.js"
import * as client from "./internal/openStream.js"

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
    finalChatCompletion: (params) => finalOf(params, (s) => ChatStreamFinal.finalChatCompletion(s.chunks)),
    finalChatCompletionChecked: (params) => finalOf(params, (s) => ChatStreamFinal.finalChatCompletionChecked(s.chunks)),
    finalMessage: (params) => finalOf(params, (s) => ChatStreamFinal.finalMessage(s.chunks)),
    finalContent: (params) => finalOf(params, (s) => ChatStreamFinal.finalContent(s.chunks)),
    finalToolCalls: (params) => finalOf(params, (s) => ChatStreamFinal.finalToolCalls(s.chunks))
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
