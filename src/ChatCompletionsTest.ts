/**
 * A `ChatCompletions` for your own tests: it serves recorded SSE files,
 * in-memory transcripts, error answers and connection failures instead of
 * the network, so a program that uses `ChatCompletions` runs under
 * `Stream.runCollect` with no server.
 *
 * The layer is the real service over a fake `HttpClient`: the request is
 * built, sent, checked, retried and decoded exactly as in production; only
 * the bytes come from the replies you give. Every request is recorded
 * (`ChatCompletionsTest.requests`) so a test can assert what was sent.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatCompletions, ChatCompletionsTest } from "effect-chat-stream"
 *
 * const program = ChatCompletions.finalContent({ model: "m", messages: [{ role: "user", content: "Hi" }] })
 *
 * const text = await Effect.runPromise(program.pipe(
 *   Effect.provide(ChatCompletionsTest.layer([ChatCompletionsTest.transcript({ content: "Hello there!" })]))
 * ))
 * // Option.some("Hello there!")
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as ChatCompletions from "./ChatCompletions.js"
import { definedOnly } from "./internal/config.js"
import * as internal from "./internal/fakeHttpClient.js"

// -----------------------------------------------------------------------------
// replies (moved; the old names stay)
// -----------------------------------------------------------------------------

/**
 * The replies of the fake server, from `ChatCompletionsTestReply` (see
 * there).
 *
 * @since 0.1.0
 */
export {
  chunks,
  connectionFailure,
  error,
  file,
  type Reply,
  type ReplyOptions,
  sse,
  sseText,
  type Transcript,
  transcript,
  transcriptChunks
} from "./ChatCompletionsTestReply.js"

// -----------------------------------------------------------------------------
// recorded requests
// -----------------------------------------------------------------------------

/**
 * A request the fake server received.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatCompletionsTest } from "effect-chat-stream"
 *
 * const lastUserMessage = Effect.map(ChatCompletionsTest.requests, (all) => all.at(-1)?.body.messages.at(-1))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ReceivedRequest extends internal.ReceivedRequest {}

/**
 * The requests the test layer received, in order.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatCompletionsTest } from "effect-chat-stream"
 *
 * const program = Effect.gen(function*() {
 *   const received = yield* ChatCompletionsTest.requests
 *   return received.map((request) => request.body.model)
 * })
 * ```
 *
 * @since 0.1.0
 * @category services
 */
export class Requests extends Context.Tag("effect-chat-stream/ChatCompletionsTest/Requests")<
  Requests,
  Ref.Ref<ReadonlyArray<ReceivedRequest>>
>() {}

/**
 * The requests received so far.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatCompletionsTest } from "effect-chat-stream"
 *
 * const count = Effect.map(ChatCompletionsTest.requests, (all) => all.length)
 * ```
 *
 * @since 0.1.0
 * @category services
 */
export const requests: Effect.Effect<ReadonlyArray<ReceivedRequest>, never, Requests> = Effect.flatMap(
  Requests,
  Ref.get
)

// -----------------------------------------------------------------------------
// the fake HttpClient and the layers
// -----------------------------------------------------------------------------

/**
 * The replies of a test layer: a list served in order (a request beyond it
 * is a defect naming the request), or a function of the request and its
 * position (0 for the first).
 *
 * @example
 * ```ts
 * import { ChatCompletionsTest } from "effect-chat-stream"
 *
 * const byModel = ChatCompletionsTest.layer((request) =>
 *   request.body.model === "broken"
 *     ? ChatCompletionsTest.error(500, "boom")
 *     : ChatCompletionsTest.transcript({ content: `Hello from ${request.body.model}` })
 * )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Replies = internal.Replies

/**
 * A fake `HttpClient` answering with the replies, and the ref it records
 * requests into. Use it to test code that builds `ChatCompletions` itself
 * (`ChatCompletions.layerConfig`, your own wrappers).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatCompletions, ChatCompletionsTest } from "effect-chat-stream"
 *
 * const program = Effect.gen(function*() {
 *   const { client } = yield* ChatCompletionsTest.makeHttpClient([ChatCompletionsTest.transcript({ content: "Hi" })])
 *   const chat = ChatCompletions.makeWith(client, { baseUrl: "http://test/v1" })
 *   return yield* chat.finalContent({ model: "m", messages: [{ role: "user", content: "Hi" }] })
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeHttpClient = (
  replies: Replies
): Effect.Effect<{ readonly client: HttpClient.HttpClient; readonly requests: Ref.Ref<ReadonlyArray<ReceivedRequest>> }> =>
  internal.makeHttpClient(replies)

/**
 * `ChatCompletions` answering with the replies, and the `Requests` it
 * received. Options are those of `ChatCompletions.layer`; by default the
 * base URL is `http://chat-completions.test/v1` and nothing is retried
 * (pass `retrySchedule` to test retries). An option given as `undefined`
 * keeps its default.
 *
 * @example
 * ```ts
 * import { Chunk, Effect, Stream } from "effect"
 * import { ChatCompletions, ChatCompletionsTest } from "effect-chat-stream"
 *
 * const TestLive = ChatCompletionsTest.layer([
 *   ChatCompletionsTest.file("test/fixtures/openai-parallel-tools.sse"),
 *   ChatCompletionsTest.transcript({ content: "It is sunny in both." })
 * ])
 *
 * const program = Effect.gen(function*() {
 *   const first = yield* Stream.runCollect(ChatCompletions.events({ model: "m", messages: [{ role: "user", content: "Weather?" }] }))
 *   const sent = yield* ChatCompletionsTest.requests
 *   return { tags: Chunk.toArray(first).map((e) => e._tag), model: sent[0].body.model }
 * }).pipe(Effect.provide(TestLive))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  replies: Replies,
  options?: ChatCompletions.Options
): Layer.Layer<ChatCompletions.ChatCompletions | Requests> =>
  Layer.effectContext(
    Effect.map(makeHttpClient(replies), ({ client, requests }) =>
      Context.make(
        ChatCompletions.ChatCompletions,
        ChatCompletions.makeWith(client, {
          baseUrl: "http://chat-completions.test/v1",
          retrySchedule: Schedule.stop,
          ...definedOnly(options ?? {})
        })
      ).pipe(Context.add(Requests, requests)))
  )

/**
 * A fake `HttpClient` layer answering with the replies (with `Requests`),
 * to put under `ChatCompletions.layer` / `layerConfig` yourself.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { ChatCompletions, ChatCompletionsTest } from "effect-chat-stream"
 *
 * const TestLive = ChatCompletions.layerConfig().pipe(
 *   Layer.provideMerge(ChatCompletionsTest.layerHttpClient([ChatCompletionsTest.transcript({ content: "Hi" })]))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient = (replies: Replies): Layer.Layer<HttpClient.HttpClient | Requests> =>
  Layer.effectContext(
    Effect.map(makeHttpClient(replies), ({ client, requests }) =>
      Context.make(HttpClient.HttpClient, client).pipe(Context.add(Requests, requests)))
  )
