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
import type * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as fs from "node:fs/promises"
import type { ChatCompletionRequest } from "./ChatCompletionRequest.js"
import * as ChatCompletions from "./ChatCompletions.js"
import { definedOnly } from "./internal/config.js"

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
export interface ReplyOptions {
  readonly status?: number | undefined
  /** Added to `content-type` and `x-request-id: req_test`, replacing them whatever the case of the name. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly pieceSize?: number | undefined
  readonly delay?: Duration.DurationInput | undefined
}

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
export type Reply =
  | {
    readonly _tag: "Body"
    readonly body: Effect.Effect<Uint8Array>
    readonly status: number
    readonly headers: Readonly<Record<string, string>>
    readonly pieceSize: number
    readonly delay: Duration.Duration
  }
  | { readonly _tag: "ConnectionFailure"; readonly code: string }

const encoder = new TextEncoder()

const body = (
  bytes: Effect.Effect<Uint8Array>,
  options: ReplyOptions | undefined,
  defaults: { readonly contentType: string; readonly status: number }
): Reply => ({
  _tag: "Body",
  body: bytes,
  status: options?.status ?? defaults.status,
  headers: {
    "content-type": defaults.contentType,
    "x-request-id": "req_test",
    ...Object.fromEntries(Object.entries(options?.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]))
  },
  pieceSize: Math.max(1, options?.pieceSize ?? Number.POSITIVE_INFINITY),
  delay: Duration.decode(options?.delay ?? 0)
})

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
  body(Effect.succeed(typeof text === "string" ? encoder.encode(text) : text), options, {
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
  body(
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
  body(
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
export interface Transcript {
  readonly id?: string | undefined
  readonly model?: string | undefined
  /** Reasoning text, sent first, as `reasoning_content` (or the field named by `reasoningField`). */
  readonly reasoning?: string | undefined
  readonly reasoningField?: "reasoning_content" | "reasoning" | undefined
  readonly content?: string | undefined
  readonly refusal?: string | undefined
  /** Tool calls, sent after the content; arguments given as an object are serialised. */
  readonly toolCalls?:
    | ReadonlyArray<{ readonly id?: string | undefined; readonly name: string; readonly arguments: string | object }>
    | undefined
  /** Default: `"tool_calls"` when there are tool calls, else `"stop"`. */
  readonly finishReason?: string | undefined
  /** A last chunk with `choices: []` and this usage; none when omitted. */
  readonly usage?:
    | { readonly prompt_tokens: number; readonly completion_tokens: number; readonly total_tokens?: number }
    | undefined
  /** Characters per content / reasoning / arguments fragment (default: one word per fragment). */
  readonly fragmentSize?: number | undefined
}

const fragments = (text: string, size: number | undefined): Array<string> => {
  if (text === "") return []
  if (size !== undefined && size > 0) {
    const out: Array<string> = []
    for (let at = 0; at < text.length; at += size) out.push(text.slice(at, at + size))
    return out
  }
  return text.match(/\S+\s*|\s+/g) ?? [text]
}

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
export const transcriptChunks = (spec: Transcript): Array<Record<string, unknown>> => {
  const id = spec.id ?? "chatcmpl-test"
  const model = spec.model ?? "test-model"
  const created = 1_700_000_000
  const chunk = (delta: Record<string, unknown>, finish_reason: string | null = null) => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason }]
  })
  const out: Array<Record<string, unknown>> = [chunk({ role: "assistant", content: "" })]
  const reasoningField = spec.reasoningField ?? "reasoning_content"
  for (const piece of fragments(spec.reasoning ?? "", spec.fragmentSize)) out.push(chunk({ [reasoningField]: piece }))
  for (const piece of fragments(spec.content ?? "", spec.fragmentSize)) out.push(chunk({ content: piece }))
  for (const piece of fragments(spec.refusal ?? "", spec.fragmentSize)) out.push(chunk({ refusal: piece }))
  ;(spec.toolCalls ?? []).forEach((call, index) => {
    const args = typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments)
    out.push(chunk({
      tool_calls: [{ index, id: call.id ?? `call_${index}`, type: "function", function: { name: call.name, arguments: "" } }]
    }))
    for (const piece of fragments(args, spec.fragmentSize ?? 8)) {
      out.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }))
    }
  })
  const finish = spec.finishReason ?? ((spec.toolCalls ?? []).length > 0 ? "tool_calls" : "stop")
  out.push(chunk({}, finish))
  if (spec.usage !== undefined) {
    out.push({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [],
      usage: {
        prompt_tokens: spec.usage.prompt_tokens,
        completion_tokens: spec.usage.completion_tokens,
        total_tokens: spec.usage.total_tokens ?? spec.usage.prompt_tokens + spec.usage.completion_tokens
      }
    })
  }
  return out
}

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
export const sseText = (values: ReadonlyArray<unknown>, done = true): string =>
  values.map((value) => `data: ${JSON.stringify(value)}\n\n`).join("") + (done ? "data: [DONE]\n\n" : "")

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
export interface ReceivedRequest {
  readonly method: string
  readonly url: string
  readonly headers: Headers.Headers
  /** The JSON body: the params with `stream: true` and `stream_options`. */
  readonly body: ChatCompletionRequest & { readonly stream: true }
}

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
export type Replies =
  | ReadonlyArray<Reply>
  | ((request: ReceivedRequest, index: number) => Reply | Effect.Effect<Reply>)

const bodyStream = (bytes: Uint8Array, pieceSize: number, delay: Duration.Duration): ReadableStream<Uint8Array> => {
  let at = 0
  const wait = Duration.toMillis(delay)
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (at >= bytes.length) {
        controller.close()
        return
      }
      if (wait > 0 && at > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      const end = Math.min(bytes.length, at + pieceSize)
      controller.enqueue(bytes.slice(at, end))
      at = end
    }
  })
}

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
  Effect.map(Ref.make<ReadonlyArray<ReceivedRequest>>([]), (recorded) => {
    const decoder = new TextDecoder()
    const client = HttpClient.make((request, url) =>
      Effect.gen(function*() {
        const raw = request.body._tag === "Uint8Array" ? decoder.decode(request.body.body) : "{}"
        const received: ReceivedRequest = {
          method: request.method,
          url: url.toString(),
          headers: request.headers,
          body: JSON.parse(raw)
        }
        const index = yield* Ref.modify(recorded, (all) => [all.length, [...all, received]] as const)
        const reply = typeof replies === "function"
          ? yield* Effect.suspend(() => {
            const result = replies(received, index)
            return Effect.isEffect(result) ? result : Effect.succeed(result)
          })
          : replies[index]
        if (reply === undefined) {
          return yield* Effect.dieMessage(
            `ChatCompletionsTest: no reply left for request ${index + 1} (${replies.length} given)`
          )
        }
        if (reply._tag === "ConnectionFailure") {
          const cause = Object.assign(new Error(`connect ${reply.code} ${url.host}`), { code: reply.code })
          return yield* Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause }))
        }
        const bytes = yield* reply.body
        const nullBody = reply.status === 204 || reply.status === 304
        const response = new Response(nullBody ? null : bodyStream(bytes, reply.pieceSize, reply.delay), {
          status: reply.status,
          headers: reply.headers
        })
        return HttpClientResponse.fromWeb(request, response)
      })
    )
    return { client, requests: recorded }
  })

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
