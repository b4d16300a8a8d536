/**
 * The replies of the test layer (`ChatCompletionsTest`): what its fake server
 * answers to a request — a streamed body given as SSE text, a file, chunks
 * or a transcript, an error answer, or no answer at all.
 * `ChatCompletionsTest` re-exports them under their old names.
 *
 * The implementation is in `internal/fakeHttpClient.ts` (the bodies) and
 * `internal/transcript.ts` (transcripts → chunks, SSE text).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as fs from "node:fs/promises"
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
