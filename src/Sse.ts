/**
 * Server-sent events: the bytes of a streaming response body in, the events
 * of the `text/event-stream` format out (stream contract §1).
 *
 * - Bytes are decoded as UTF-8 by a streaming decoder: a character cut
 *   between two reads arrives whole, an invalid byte becomes U+FFFD, and a
 *   UTF-8 byte order mark at the very start of the stream is stripped.
 * - A line ends with LF, CR or CRLF, also when the CR and the LF arrive in
 *   different reads.
 * - `field: value` loses one optional space after the colon; a line without
 *   a colon is a field with an empty value; a line starting with `:` is a
 *   comment (keep-alives such as `: OPENROUTER PROCESSING`) and is skipped.
 *   `id`, `retry` and unknown fields are ignored: nothing reconnects or sleeps.
 * - The `data` lines of one event are joined with `\n`; `event:` sets the
 *   event name (`"message"` by default and when empty).
 * - An event is dispatched at a blank line (`terminated: true`). At the end of
 *   input the event being built is dispatched too, with `terminated: false`.
 *   An upstream failure dispatches nothing more.
 * - An event whose joined data is `""` is skipped, whatever its name;
 *   whitespace-only data is kept. `[DONE]` and `event: error` are ordinary
 *   events here: the layer above gives them their meaning.
 * - Size limit (`maxEventBytes`, default 16 MiB), counted in UTF-8 bytes
 *   of the decoded text (the bytes received, except that an invalid byte
 *   counts as the 3 bytes of its U+FFFD): the stream fails with
 *   `SseError({ reason: "EventTooLarge" })` as soon as the joined data of the
 *   event being built (without the `data: ` prefixes, with the `\n` of each
 *   join), or any single line (comment, `event:`, unknown field), passes the
 *   limit — while the line is still arriving, so a server sending 1 GB
 *   without a newline fails once the limit is passed, with at most about
 *   twice the limit buffered. Events completed before that are emitted
 *   first. The result never depends on where the reads are cut. A limit
 *   that is not a positive integer or `Infinity` (`NaN`, `0`, `-1`, `1.5`)
 *   is not used: the stream fails at once with
 *   `SseError({ reason: "InvalidLimit" })`, and a decoder from
 *   `makeDecoder` gives that error from its first call.
 *
 * Why not a library. The brief preferred `eventsource-parser@3.1.1` or
 * `@effect/experimental@0.61.1`'s `Sse`; both were checked against these
 * rules and measured with `scratchpad/sse-bench.ts` (20,001 chat chunks,
 * best of 40 interleaved runs, Node 20; million events/s):
 *
 * | | ASCII, 16 KiB reads | mixed script, 16 KiB reads | one read per event |
 * | --- | --- | --- | --- |
 * | this decoder (`makeDecoder`) | 10.1 | 2.6 | 3.9 |
 * | this decoder through `decode` (Stream) | 5.7 | 1.9 | 0.36 (Stream alone: 0.51) |
 * | eventsource-parser + TextDecoder, raw | 3.4 | 2.7 | 2.7 |
 * | eventsource-parser + contract wrapper | 3.1 | 2.3 | 2.2 |
 * | eventsource-parser + this UTF-8 decoder | 8.8 | 2.2 | 4.3 |
 * | @effect/experimental `makeParser`, raw | 0.006 | 0.007 | 0.32 |
 * | openai `_iterSSEMessages` (reference) | 0.06 | 0.12 | 0.08 |
 *
 * - `eventsource-parser@3.1.1` parses as fast as this parser (the speed gap
 *   above is the UTF-8 decoding, see below), but breaks three rules: it has
 *   no end-of-input flush (`reset({ consume: true })` parses the last line
 *   and then drops the event, so `data: b` without a blank line is lost); its
 *   `maxBufferSize` is only checked on what is left buffered after a read, so
 *   an event completed inside one read passes whatever its size (limit 10: a
 *   20-character event is dispatched); and it counts the `data: ` prefix of
 *   an unfinished line, so an event of exactly the limit passes in one read
 *   and fails when the read is cut before its blank line. It also dispatches
 *   `data:` (empty data). A wrapper can patch these — feed a line end at the
 *   end and guess `terminated` from the last characters seen (which relies
 *   on its internal handling of a trailing CR), re-check each event's size,
 *   offset the limit by the prefix, drop empty data — but it is about as
 *   long as this parser, depends on the library's internals, and is slower.
 * - `@effect/experimental@0.61.1` `Sse` breaks more: its channel sleeps and
 *   re-reads on `retry:`, fails with a defect (`Cause.die`) when the limit is
 *   passed, never dispatches an unterminated last event, reads a CR at the
 *   end of one read and an LF at the start of the next as two line ends
 *   (`data: a\r` + `\ndata: b\n\n` gives two events instead of `a\nb`), and
 *   rescans each line from the start of the read: quadratic in the read
 *   size, about 3 s for the 16 KiB-read bodies above.
 *
 * UTF-8: Node's `TextDecoder` with `{ stream: true }` goes through ICU, while
 * a plain `decode` takes a SIMD path. Here each read is cut before an
 * unfinished character (0-3 bytes carried to the next read) and decoded
 * plainly: 2.5 to 5 times faster on ASCII and on small reads, about 25% slower
 * on 16 KiB reads full of non-ASCII text. The property tests check it against
 * `TextDecoder { stream: true }` read by read.
 *
 * @since 0.1.0
 */
import { dual } from "effect/Function"
import type * as Stream from "effect/Stream"
import type { SseError } from "./ChatStreamError.js"
import * as internal from "./internal/sse.js"
import type * as types from "./internal/sseTypes.js"
import { isStream } from "./internal/stream.js"

/**
 * One server-sent event.
 *
 * - `event`: the event name, `"message"` unless an `event:` line set one.
 * - `data`: the event's `data` lines joined with `\n`; never `""`.
 * - `terminated`: `true` when a blank line ended the event, `false` for the
 *   last event of an input that ended without one (a cut connection, or a
 *   server that omits it).
 *
 * @example
 * ```ts
 * import { Sse } from "effect-chat-stream"
 *
 * const event: Sse.Event = { event: "message", data: "{\"id\":\"x\"}", terminated: true }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Event = types.Event

/**
 * Options of `decode` and `makeDecoder`.
 *
 * - `maxEventBytes`: the size limit of one event, in UTF-8 bytes (see the
 *   module documentation); `defaultMaxEventBytes` (16 MiB) when absent.
 *   `Infinity` disables the limit. Anything else that is not a positive
 *   integer (`NaN`, `0`, negative, fractional) fails with
 *   `SseError({ reason: "InvalidLimit" })` instead of decoding.
 *
 * @example
 * ```ts
 * import { Sse } from "effect-chat-stream"
 *
 * const options: Sse.Options = { maxEventBytes: 1024 * 1024 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Options = types.Options

/**
 * The default size limit of one event: 16 MiB (16 * 1024 * 1024).
 *
 * @example
 * ```ts
 * import { Sse } from "effect-chat-stream"
 *
 * Sse.defaultMaxEventBytes // 16777216
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxEventBytes: number = internal.defaultMaxEventBytes

/**
 * What one call of `Decoder.push` or `Decoder.end` gives.
 *
 * - `events`: the events this input completed, in order.
 * - `error`: `Some` once the size limit was passed (or from the first call
 *   when the limit is invalid). The `events` of the same call all came
 *   before the failure; the decoder stays failed, and later calls give no
 *   events and the same error.
 *
 * @example
 * ```ts
 * import { Option } from "effect"
 * import { Sse } from "effect-chat-stream"
 *
 * const decoder = Sse.makeDecoder({ maxEventBytes: 8 })
 * const decoded = decoder.push(new TextEncoder().encode("data: ok\n\ndata: too large\n\n"))
 * decoded.events // [{ event: "message", data: "ok", terminated: true }]
 * Option.isSome(decoded.error) // true
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Decoded = types.Decoded

/**
 * A stateful, incremental decoder, for callers that drive the bytes
 * themselves: `push` each read as it arrives, then `end` once at the end of
 * input (it dispatches the unterminated last event). Neither throws.
 *
 * @example
 * ```ts
 * import { Sse } from "effect-chat-stream"
 *
 * const decoder = Sse.makeDecoder()
 * const bytes = new TextEncoder().encode("data: a\n\ndata: b")
 * decoder.push(bytes).events // [{ event: "message", data: "a", terminated: true }]
 * decoder.end().events // [{ event: "message", data: "b", terminated: false }]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Decoder = types.Decoder

/**
 * Creates a `Decoder`. Each decoder holds the state of one input: make one
 * per response.
 *
 * @example
 * ```ts
 * import { Sse } from "effect-chat-stream"
 *
 * const decoder = Sse.makeDecoder({ maxEventBytes: 1024 })
 * const bytes = new TextEncoder().encode("event: ping\ndata: {}\n\n")
 * decoder.push(bytes).events // [{ event: "ping", data: "{}", terminated: true }]
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeDecoder: (options?: Options) => Decoder = internal.makeDecoder

/**
 * Decodes a stream of bytes into server-sent events. Each run of the
 * resulting stream gets a fresh decoder; each chunk of reads is decoded at
 * once into one chunk of events. At the end of input the unterminated last
 * event is dispatched with `terminated: false`. When an event passes the size
 * limit, the events before it are emitted and the stream then fails with an
 * `SseError` (its snapshot is `Option.none()`); an invalid limit fails the
 * stream before anything is read.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Sse } from "effect-chat-stream"
 *
 * const body = Stream.make(
 *   new TextEncoder().encode("data: {\"a\":1}\n\n: keep-alive\n\nda"),
 *   new TextEncoder().encode("ta: [DONE]\n\n")
 * )
 *
 * Effect.runPromise(Stream.runCollect(body.pipe(Sse.decode()))).then(console.log)
 * // { _id: 'Chunk', values: [
 * //   { event: 'message', data: '{"a":1}', terminated: true },
 * //   { event: 'message', data: '[DONE]', terminated: true } ] }
 *
 * // data-first, with a smaller limit
 * Sse.decode(body, { maxEventBytes: 1024 * 1024 })
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode: {
  /**
   * Decodes a stream of bytes into server-sent events.
   *
   * @example
   * ```ts
   * import { Stream } from "effect"
   * import { Sse } from "effect-chat-stream"
   *
   * const events = Stream.make(new TextEncoder().encode("data: hi\n\n")).pipe(Sse.decode())
   * ```
   *
   * @since 0.1.0
   * @category decoding
   */
  (options?: Options): <E, R>(self: Stream.Stream<Uint8Array, E, R>) => Stream.Stream<Event, E | SseError, R>
  /**
   * Decodes a stream of bytes into server-sent events.
   *
   * @example
   * ```ts
   * import { Stream } from "effect"
   * import { Sse } from "effect-chat-stream"
   *
   * const events = Sse.decode(Stream.make(new TextEncoder().encode("data: hi\n\n")), { maxEventBytes: 1024 })
   * ```
   *
   * @since 0.1.0
   * @category decoding
   */
  <E, R>(self: Stream.Stream<Uint8Array, E, R>, options?: Options): Stream.Stream<Event, E | SseError, R>
} = dual(
  (args) => isStream(args[0]),
  internal.decode
)
