/**
 * The streaming pipeline and its service: bytes of a streamed chat
 * completion → server-sent events → chunks → snapshots → events (stream
 * contract §5). Its options are in `ChatStreamOptions` and the final helpers
 * that consume a stream (§6) in `ChatStreamFinal`; this module re-exports
 * both under their old names (`ChatStream.Options`, `ChatStream.finalContent`).
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
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { dual } from "effect/Function"
import type { ChatCompletion, ChatCompletionChunk } from "./ChatCompletion.js"
import type { ChatStreamError, ChunkDecodeError } from "./ChatStreamError.js"
import type * as ChatStreamEvent from "./ChatStreamEvent.js"
import { config, type Options, resolveOptions, type ResolvedOptions } from "./ChatStreamOptions.js"
import { eventsOf } from "./internal/bytesChannel.js"
import { decodeChunkFast } from "./internal/decodeChunk.js"
import { decodeWith } from "./internal/decodeEvent.js"
import { sseChannel } from "./internal/decodeSse.js"
import { chunkSignals, initialEngine, runSignals } from "./internal/engine.js"
import { isStream } from "./internal/stream.js"
import * as Snapshot from "./Snapshot.js"
import type * as Sse from "./Sse.js"

// -----------------------------------------------------------------------------
// options and final helpers (moved; the old names stay)
// -----------------------------------------------------------------------------

/**
 * The pipeline's options, their defaults and the configuration that sets
 * them, from `ChatStreamOptions` (see there).
 *
 * @since 0.1.0
 */
export { config, defaultOptions, type Options, type ResolvedOptions } from "./ChatStreamOptions.js"

/**
 * The final helpers, from `ChatStreamFinal` (see there).
 *
 * @since 0.1.0
 */
export {
  type Consumable,
  finalChatCompletion,
  finalChatCompletionChecked,
  finalContent,
  finalMessage,
  finalToolCalls
} from "./ChatStreamFinal.js"

// -----------------------------------------------------------------------------
// pipelines
// -----------------------------------------------------------------------------

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
    <E, R>(bytes: Stream.Stream<Uint8Array, E, R>, options?: Options) => f(bytes, resolveOptions(options))
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
  const resolved = resolveOptions(options)
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
