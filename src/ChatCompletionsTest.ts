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
import * as fs from "node:fs/promises"
import * as ChatCompletions from "./ChatCompletions.js"
import { definedOnly } from "./internal/config.js"
import * as internal from "./internal/fakeHttpClient.js"
import * as internalTranscript from "./internal/transcript.js"

// -----------------------------------------------------------------------------
// replies
// -----------------------------------------------------------------------------

/**
 * How a reply's body is sent: `status` and `headers` of the response, and
 * the body cut into pieces of `pieceSize` bytes with `delay` between them
 * (real time, so Effect's `TestClock` does not need to be moved).
 *
 * @example
 * ```ts
 * import { ChatCompletionsTest } from "effect-chat-stream"
 *
 * const slow = ChatCompletionsTest.file("test/fixtures/openai-content.sse", { pieceSize: 3, delay: "5 millis" })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ReplyOptions extends internal.ReplyOptions {}

/**
 * What the fake server answers to one request.
 *
 * @example
 * ```ts
 * import { ChatCompletionsTest } from "effect-chat-stream"
 *
 * const replies: ReadonlyArray<ChatCompletionsTest.Reply> = [
 *   ChatCompletionsTest.error(503, { error: { message: "Overloaded" } }),
 *   ChatCompletionsTest.transcript({ content: "Back again." })
 * ]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Reply = internal.Reply

const encoder = new TextEncoder()

/**
 * A streamed body given as SSE text or bytes (status 200,
 * `text/event-stream`).
 *
 * @example
 * ```ts
 * import { ChatCompletionsTest } from "effect-chat-stream"
 *
 * const reply = ChatCompletionsTest.sse(
 *   'data: {"choices":[{"delta":{"content":"Hi"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n',
 *   { pieceSize: 7 }
 * )
 * ```
 *
 * @since 0.1.0
 * @category replies
 */
export const sse = (text: string | Uint8Array, options?: ReplyOptions): Reply =>
  internal.body(Effect.succeed(typeof text === "string" ? encoder.encode(text) : text), options, {
    contentType: "text/event-stream",
    status: 200
  })

/**
 * A recorded body read from a file when the request arrives (for example
 * one saved by `effect-chat-stream chat --record FILE`).
 *
 * @example
 * ```ts
 * import { ChatCompletionsTest } from "effect-chat-stream"
 *
 * const reply = ChatCompletionsTest.file("test/fixtures/openai-content.sse")
 * ```
 *
 * @since 0.1.0
 * @category replies
 */
export const file = (path: string, options?: ReplyOptions): Reply =>
  internal.body(
    Effect.promise(() => fs.readFile(path)).pipe(Effect.map((buffer) => new Uint8Array(buffer))),
    options,
    { contentType: "text/event-stream", status: 200 }
  )

/**
 * Chunks (any JSON values) as an SSE body, each as one `data:` event,
 * followed by `data: [DONE]` unless `done: false`.
 *
 * @example
 * ```ts
 * import { ChatCompletionsTest } from "effect-chat-stream"
 *
 * const reply = ChatCompletionsTest.chunks([
 *   { id: "c1", model: "m", choices: [{ index: 0, delta: { content: "Hi" } }] },
 *   { id: "c1", model: "m", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }
 * ])
 * ```
 *
 * @since 0.1.0
 * @category replies
 */
export const chunks = (
  values: ReadonlyArray<unknown>,
  options?: ReplyOptions & { readonly done?: boolean | undefined }
): Reply => sse(sseText(values, options?.done ?? true), options)

/**
 * An error answer: a status and a body (an object is sent as JSON).
 *
 * @example
 * ```ts
 * import { ChatCompletionsTest } from "effect-chat-stream"
 *
 * const reply = ChatCompletionsTest.error(429, { error: { message: "Slow down", type: "rate_limit_error" } }, {
 *   headers: { "retry-after": "1" }
 * })
 * ```
 *
 * @since 0.1.0
 * @category replies
 */
export const error = (
  status: number,
  payload: string | object,
  options?: Omit<ReplyOptions, "status">
): Reply =>
  internal.body(
    Effect.succeed(encoder.encode(typeof payload === "string" ? payload : JSON.stringify(payload))),
    { ...options, status },
    { contentType: typeof payload === "string" ? "text/plain" : "application/json", status }
  )

/**
 * No answer: the connection fails before a response (`ECONNREFUSED` by
 * default), as a `ConnectionError` with reason `Transport`; it is retried
 * (with a `retrySchedule`) only when the code is one of
 * `ChatCompletions.retryableConnectionCodes`.
 *
 * @example
 * ```ts
 * import { ChatCompletionsTest } from "effect-chat-stream"
 *
 * const reply = ChatCompletionsTest.connectionFailure("ECONNRESET")
 * ```
 *
 * @since 0.1.0
 * @category replies
 */
export const connectionFailure = (code = "ECONNREFUSED"): Reply => ({ _tag: "ConnectionFailure", code })

/**
 * An answer to write as a transcript rather than as chunks.
 *
 * @example
 * ```ts
 * import { ChatCompletionsTest } from "effect-chat-stream"
 *
 * const spec: ChatCompletionsTest.Transcript = {
 *   model: "gpt-4o-mini",
 *   content: "Sure.",
 *   finishReason: "length",
 *   usage: { prompt_tokens: 3, completion_tokens: 1 }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Transcript extends internalTranscript.Transcript {}

/**
 * The chunks an OpenAI-compatible server would stream for a transcript:
 * a role chunk, reasoning, content, refusal and tool-call fragments, the
 * finish reason, then usage.
 *
 * @example
 * ```ts
 * import { ChatCompletionsTest } from "effect-chat-stream"
 *
 * const values = ChatCompletionsTest.transcriptChunks({ content: "Hello there" })
 * // role chunk, "Hello ", "there", finish_reason "stop"
 * ```
 *
 * @since 0.1.0
 * @category replies
 */
export const transcriptChunks = (spec: Transcript): Array<Record<string, unknown>> =>
  internalTranscript.transcriptChunks(spec)

/**
 * A transcript as a streamed answer.
 *
 * @example
 * ```ts
 * import { ChatCompletionsTest } from "effect-chat-stream"
 *
 * const reply = ChatCompletionsTest.transcript({
 *   reasoning: "The user greets me.",
 *   content: "Hello!",
 *   usage: { prompt_tokens: 9, completion_tokens: 12 }
 * })
 * const tools = ChatCompletionsTest.transcript({
 *   toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }, { name: "get_weather", arguments: { city: "Rome" } }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category replies
 */
export const transcript = (spec: Transcript, options?: ReplyOptions): Reply =>
  chunks(transcriptChunks(spec), options)

/**
 * JSON values as SSE text: one `data:` event each, then `data: [DONE]`
 * unless `done` is false.
 *
 * @example
 * ```ts
 * import { ChatCompletionsTest } from "effect-chat-stream"
 *
 * ChatCompletionsTest.sseText([{ choices: [] }]) // 'data: {"choices":[]}\n\ndata: [DONE]\n\n'
 * ```
 *
 * @since 0.1.0
 * @category replies
 */
export const sseText = (values: ReadonlyArray<unknown>, done = true): string => internalTranscript.sseText(values, done)

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
