/**
 * The streaming pipeline and its service: bytes of a streamed chat
 * completion → server-sent events → chunks → snapshots → events, and the
 * final helpers that consume a stream (stream contract §5 and §6).
 *
 * The path of a byte, all in one channel per read (`bytesChannel`): an SSE
 * decoder (`Sse.makeDecoder`) splits the body into events; `decodeEvent`
 * turns each event's data into a chunk, `[DONE]` or a typed error;
 * `engineStep` folds the chunks with `ChatStreamEvent.step` (which uses
 * `Snapshot`'s pure fold); the events of the read go out as one `Chunk`, and
 * the stream fails, after everything before it was emitted, on the first
 * error. Chunk streams (`eventsFromChunks`) run the same `engineStep` in a
 * `Stream.mapAccum`.
 *
 * The implementation is in `internal/`: `signal.ts` (what an event means),
 * `decodeEvent.ts` (an event's data → a signal), `engine.ts` (`engineStep`
 * and the chunk streams), `bytesChannel.ts` (the byte channel) and
 * `decodeSse.ts` (events → chunks).
 *
 * @since 0.1.0
 */
import * as Arr from "effect/Array"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { dual } from "effect/Function"
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessage, ToolCall } from "./ChatCompletion.js"
import {
  type ChatStreamError,
  type ChunkDecodeError,
  ContentFilterFinishReasonError,
  LengthFinishReasonError
} from "./ChatStreamError.js"
import * as ChatStreamEvent from "./ChatStreamEvent.js"
import { eventsOf } from "./internal/bytesChannel.js"
import { optionalVariable } from "./internal/config.js"
import { decodeChunkFast } from "./internal/decodeChunk.js"
import { decodeWith } from "./internal/decodeEvent.js"
import { sseChannel } from "./internal/decodeSse.js"
import { chunkSignals, initialEngine, runSignals } from "./internal/engine.js"
import { isStream } from "./internal/stream.js"
import * as Snapshot from "./Snapshot.js"
import * as Sse from "./Sse.js"

// -----------------------------------------------------------------------------
// options
// -----------------------------------------------------------------------------

/**
 * Options of the pipeline. More limits on hostile input will join
 * `maxEventBytes` here.
 *
 * @example
 * ```ts
 * import { ChatStream } from "effect-chat-stream"
 *
 * const options: ChatStream.Options = { maxEventBytes: 1024 * 1024, partialJson: false }
 * const layer = ChatStream.layerWith(options)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The largest server-sent event accepted, in UTF-8 bytes of its data
   * (default 16 MiB; see `Sse` for what is counted); a larger one fails the
   * stream with `SseError` `EventTooLarge`. `Infinity` disables the limit.
   * A value that is not a positive integer (`NaN`, `0`, negative,
   * fractional) is not clamped or ignored: every stream of the pipeline (and
   * of a service made with it) fails at once, before reading, with `SseError`
   * `InvalidLimit` — a typed failure, not a defect. `config` rejects such a
   * value with a `ConfigError` instead.
   */
  readonly maxEventBytes?: number | undefined
  /**
   * Whether delta events carry partial JSON: `ContentDelta.parsed` and
   * `ToolCallArgumentsDelta.parsedArguments` (default true, as contract §4
   * wants). With `false` they are `Option.none()` and no incremental parse
   * runs; done events still carry the parsed whole text. See
   * `ChatStreamEvent.initialWith`.
   */
  readonly partialJson?: boolean | undefined
}

/**
 * The options with their defaults filled in.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatStream } from "effect-chat-stream"
 *
 * const program = Effect.gen(function*() {
 *   const chat = yield* ChatStream.ChatStream
 *   const options: ChatStream.ResolvedOptions = chat.options
 *   return options.maxEventBytes
 * }).pipe(Effect.provide(ChatStream.layerWith({ partialJson: false })))
 * // 16777216: the default, filled in
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolvedOptions {
  readonly maxEventBytes: number
  readonly partialJson: boolean
}

/**
 * The default options.
 *
 * @example
 * ```ts
 * import { ChatStream } from "effect-chat-stream"
 *
 * ChatStream.defaultOptions.maxEventBytes // 16 MiB
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultOptions: ResolvedOptions = { maxEventBytes: Sse.defaultMaxEventBytes, partialJson: true }

const resolve = (options: Options | undefined): ResolvedOptions => ({
  maxEventBytes: options?.maxEventBytes ?? defaultOptions.maxEventBytes,
  partialJson: options?.partialJson ?? defaultOptions.partialJson
})

/**
 * Decodes a JSON value received as an event's data into a chunk: a provider
 * error payload becomes an `ApiError`, anything else that is not a valid
 * chunk a `ChunkDecodeError`.
 *
 * @example
 * ```ts
 * import { ChatStream } from "effect-chat-stream"
 *
 * ChatStream.decodePayload({ choices: [] }, "{\"choices\":[]}") // Either.right(chunk)
 * ChatStream.decodePayload({ error: { message: "boom" } }, "…") // Either.left(ApiError)
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodePayload = (
  json: unknown,
  text: string
): Either.Either<ChatCompletionChunk, ChatStreamError> => decodeWith(json, text, decodeChunkFast)

const onBytes = <A>(
  f: <E, R>(bytes: Stream.Stream<Uint8Array, E, R>, options: ResolvedOptions) => Stream.Stream<A, E | ChatStreamError, R>
): {
  (options?: Options): <E, R>(bytes: Stream.Stream<Uint8Array, E, R>) => Stream.Stream<A, E | ChatStreamError, R>
  <E, R>(bytes: Stream.Stream<Uint8Array, E, R>, options?: Options): Stream.Stream<A, E | ChatStreamError, R>
} =>
  dual(
    (args) => isStream(args[0]),
    <E, R>(bytes: Stream.Stream<Uint8Array, E, R>, options?: Options) => f(bytes, resolve(options))
  ) as never

/**
 * The events of a streamed response body (contract §4): `Chunk` for every
 * chunk, then the deltas and dones of reasoning, content, refusal, logprobs
 * and tool-call arguments. Fails with a `ChatStreamError` carrying the last
 * snapshot; the byte stream's own errors pass through.
 *
 * @example
 * ```ts
 * import { Chunk, Effect, Stream } from "effect"
 * import { ChatStream } from "effect-chat-stream"
 *
 * const body = new TextEncoder().encode(
 *   'data: {"choices":[{"delta":{"content":"Hi"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
 * )
 * const tags = await Effect.runPromise(
 *   Stream.make(body).pipe(ChatStream.events(), Stream.map((e) => e._tag), Stream.runCollect)
 * )
 * Chunk.toArray(tags) // ["Chunk", "ContentDelta", "ContentDone"]
 * ```
 *
 * @since 0.1.0
 * @category pipelines
 */
export const events = onBytes((bytes, options) => eventsOf(bytes, options, true))

/**
 * The chunks of a streamed response body, checked for completeness (a
 * cut-off body fails with `IncompleteStreamError`).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { ChatStream } from "effect-chat-stream"
 *
 * declare const body: Stream.Stream<Uint8Array>
 * const chunks = ChatStream.chunks(body)
 * ```
 *
 * @since 0.1.0
 * @category pipelines
 */
export const chunks = onBytes((bytes, options) =>
  eventsOf(bytes, options, false).pipe(Stream.map((event) => (event as ChatStreamEvent.Chunk).chunk))
)

/**
 * The snapshot after every chunk of a streamed response body.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { ChatStream } from "effect-chat-stream"
 *
 * declare const body: Stream.Stream<Uint8Array>
 * const last = ChatStream.snapshots(body).pipe(Stream.runLast)
 * ```
 *
 * @since 0.1.0
 * @category pipelines
 */
export const snapshots = onBytes((bytes, options) =>
  eventsOf(bytes, options, false).pipe(Stream.map((event) => (event as ChatStreamEvent.Chunk).snapshot))
)

/**
 * The events of a stream of already decoded chunks. The end of the chunk
 * stream counts as the end of a complete response: the stream that produced
 * the chunks reports truncation by failing (as `decodeSse` does). A failure
 * of the chunk stream ends the events; when it is a `ChatStreamError`
 * without a snapshot, it is given the last snapshot. A chunk nested too
 * deeply to fold fails with `ChunkDecodeError`. Of the options only
 * `partialJson` applies.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { ChatStream } from "effect-chat-stream"
 *
 * const chunks = Stream.make({
 *   id: "c1", created: 0, model: "m", choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: "stop" }]
 * })
 * const events = ChatStream.eventsFromChunks(chunks)
 * const unparsed = chunks.pipe(ChatStream.eventsFromChunks({ partialJson: false }))
 * ```
 *
 * @since 0.1.0
 * @category pipelines
 */
export const eventsFromChunks: {
  (
    options?: Pick<Options, "partialJson">
  ): <E, R>(chunks: Stream.Stream<ChatCompletionChunk, E, R>) => Stream.Stream<ChatStreamEvent.ChatStreamEvent, E | ChunkDecodeError, R>
  <E, R>(
    chunks: Stream.Stream<ChatCompletionChunk, E, R>,
    options?: Pick<Options, "partialJson">
  ): Stream.Stream<ChatStreamEvent.ChatStreamEvent, E | ChunkDecodeError, R>
} = dual(
  (args) => isStream(args[0]),
  <E, R>(
    chunks: Stream.Stream<ChatCompletionChunk, E, R>,
    options?: Pick<Options, "partialJson">
  ): Stream.Stream<ChatStreamEvent.ChatStreamEvent, E | ChunkDecodeError, R> =>
    runSignals(chunkSignals(chunks), initialEngine(options ?? {}), true, true) as Stream.Stream<
      ChatStreamEvent.ChatStreamEvent,
      E | ChunkDecodeError,
      R
    >
)

/**
 * The snapshot after every chunk: the chunks folded with `Stream.mapAccum`.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { ChatCompletion, ChatStream } from "effect-chat-stream"
 *
 * declare const chunks: Stream.Stream<ChatCompletion.ChatCompletionChunk>
 * const snapshots = ChatStream.snapshotsFromChunks(chunks)
 * ```
 *
 * @since 0.1.0
 * @category pipelines
 */
export const snapshotsFromChunks = <E, R>(
  chunks: Stream.Stream<ChatCompletionChunk, E, R>
): Stream.Stream<ChatCompletion, E, R> =>
  Stream.mapAccum(chunks, Snapshot.empty, (accumulator, chunk) => {
    const next = Snapshot.fold(accumulator, chunk)
    return [next, (next.snapshot as Option.Some<ChatCompletion>).value] as const
  })

/**
 * Decodes a stream of server-sent events (from `Sse.decode`, or your own
 * source) into chunks, with the byte pipeline's rules (contract §1, §2, §5):
 * it ends at `[DONE]`, without reading further; when the events end without
 * it, the stream ends well only if a choice arrived and every choice got a
 * `finish_reason`, else it fails with `IncompleteStreamError`
 * (`NoFinishReason`; an empty input too). Bad data, provider errors and a
 * cut last event fail as in `events`.
 *
 * It does not fold the chunks, so its errors carry no snapshot
 * (`Option.none()`). `eventsFromChunks` adds the last snapshot to an error
 * that has none, so `eventsFromChunks(decodeSse(Sse.decode(body)))` gives
 * the same events and the same error, snapshot included, as
 * `events(body)`.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { ChatStream, Sse } from "effect-chat-stream"
 *
 * declare const body: Stream.Stream<Uint8Array>
 * const chunks = ChatStream.decodeSse(Sse.decode(body))
 * // the same as ChatStream.events(body), in three stages
 * const events = ChatStream.eventsFromChunks(chunks)
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeSse = <E, R>(
  events: Stream.Stream<Sse.Event, E, R>
): Stream.Stream<ChatCompletionChunk, E | ChatStreamError, R> => Stream.pipeThroughChannel(events, sseChannel<E>())

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
  Effect.suspend(() => {
    // A loop per chunk of the stream, not `Stream.runFold`: its sink recurses
    // once per element of a chunk, which overflows the stack on the events
    // of a whole body handed over as one piece (`Stream.make(body)`).
    let accumulator = Snapshot.empty
    return Effect.map(
      Stream.runForEachChunk(
        self as Stream.Stream<ChatStreamEvent.ChatStreamEvent | ChatCompletionChunk, E, R>,
        (items) => {
          for (const item of items) {
            if (ChatStreamEvent.isChatStreamEvent(item)) {
              if (item._tag === "Chunk") accumulator = { snapshot: Option.some(item.snapshot), choices: accumulator.choices }
            } else {
              accumulator = Snapshot.fold(accumulator, item)
            }
          }
          return Effect.void
        }
      ),
      // read when the run ends (a fresh accumulator for each run of the effect)
      () => accumulator.snapshot
    )
  })

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
  Effect.flatMap(finalChatCompletion(self), (
    completion
  ): Effect.Effect<Option.Option<ChatCompletion>, LengthFinishReasonError | ContentFilterFinishReasonError> => {
    if (Option.isNone(completion)) return Effect.succeed(completion)
    for (const choice of completion.value.choices) {
      if (choice.finish_reason === "length") {
        return Effect.fail(new LengthFinishReasonError({ choiceIndex: choice.index, snapshot: completion }))
      }
      if (choice.finish_reason === "content_filter") {
        return Effect.fail(new ContentFilterFinishReasonError({ choiceIndex: choice.index, snapshot: completion }))
      }
    }
    return Effect.succeed(completion)
  })

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

// -----------------------------------------------------------------------------
// service
// -----------------------------------------------------------------------------

/**
 * The streaming service: the pipelines above with the options of the layer
 * that provided it.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { ChatStream } from "effect-chat-stream"
 *
 * declare const body: Stream.Stream<Uint8Array>
 * const program = Effect.gen(function*() {
 *   const chat = yield* ChatStream.ChatStream
 *   return yield* ChatStream.finalContent(chat.events(body))
 * }).pipe(Effect.provide(ChatStream.layer))
 * ```
 *
 * @since 0.1.0
 * @category service
 */
export class ChatStream extends Context.Tag("effect-chat-stream/ChatStream")<ChatStream, {
  readonly options: ResolvedOptions
  readonly events: <E, R>(
    bytes: Stream.Stream<Uint8Array, E, R>
  ) => Stream.Stream<ChatStreamEvent.ChatStreamEvent, E | ChatStreamError, R>
  readonly chunks: <E, R>(bytes: Stream.Stream<Uint8Array, E, R>) => Stream.Stream<ChatCompletionChunk, E | ChatStreamError, R>
  readonly snapshots: <E, R>(bytes: Stream.Stream<Uint8Array, E, R>) => Stream.Stream<ChatCompletion, E | ChatStreamError, R>
}>() {}

/**
 * Builds the service for the given options. An invalid `maxEventBytes` is
 * kept in `options`, and every stream of the service fails with `SseError`
 * `InvalidLimit` (see `Options`).
 *
 * @example
 * ```ts
 * import { ChatStream } from "effect-chat-stream"
 *
 * const service = ChatStream.make({ maxEventBytes: 1024 * 1024 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): ChatStream["Type"] => {
  const resolved = resolve(options)
  return ChatStream.of({
    options: resolved,
    events: (bytes) => events(bytes, resolved),
    chunks: (bytes) => chunks(bytes, resolved),
    snapshots: (bytes) => snapshots(bytes, resolved)
  })
}

/**
 * The service with the default options.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatStream } from "effect-chat-stream"
 *
 * const program = Effect.provide(ChatStream.ChatStream, ChatStream.layer)
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ChatStream> = Layer.succeed(ChatStream, make())

/**
 * The service with the given options.
 *
 * @example
 * ```ts
 * import { ChatStream } from "effect-chat-stream"
 *
 * const small = ChatStream.layerWith({ maxEventBytes: 1024 * 1024 })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (options: Options): Layer.Layer<ChatStream> => Layer.succeed(ChatStream, make(options))

/**
 * The options read from configuration: `CHAT_STREAM_MAX_EVENT_BYTES` (a
 * positive integer number of bytes; `0`, negative, fractional or non-numeric
 * values fail with a `ConfigError`) and `CHAT_STREAM_PARTIAL_JSON` (`true` /
 * `false`), both optional; blank counts as unset. `ChatCompletions.config`
 * reads them too.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatStream } from "effect-chat-stream"
 *
 * const limit = Effect.map(ChatStream.config, (options) => options.maxEventBytes)
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const config: Config.Config<Options> = Config.all({
  maxEventBytes: optionalVariable("CHAT_STREAM_MAX_EVENT_BYTES", (name) =>
    Config.integer(name).pipe(
      Config.validate({ message: "Expected a positive integer (a number of bytes)", validation: (n) => n > 0 })
    )),
  partialJson: optionalVariable("CHAT_STREAM_PARTIAL_JSON", Config.boolean)
})

/**
 * The service with options read from configuration: `config` (the
 * `CHAT_STREAM_*` variables) unless another `Config` is given.
 *
 * @example
 * ```ts
 * import { ChatStream } from "effect-chat-stream"
 *
 * const fromEnv = ChatStream.layerConfig()
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config<Options> = config
): Layer.Layer<ChatStream, ConfigError.ConfigError> => Layer.effect(ChatStream, Effect.map(options, make))
