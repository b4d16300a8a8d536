/**
 * The work behind `Sse.ts`: the size limit, an incremental
 * server-sent-events parser (over the streaming UTF-8 decoder of
 * `internal/utf8.ts`) and its Stream. Plain mutable state, no Effect: one
 * instance per stream run, driven one network read at a time.
 *
 * Not public API. (This comment carries no internal tag: it would strip the
 * imports below it from the published declarations.)
 */
import * as Channel from "effect/Channel"
import * as Chunk from "effect/Chunk"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { SseError } from "../ChatStreamError.js"
import type { Decoded, Decoder, Event, Options } from "./sseTypes.js"
import { utf8Length, Utf8Decoder } from "./utf8.js"

// The streaming UTF-8 decoder lived here: its tests and benchmark import it from here.
export { Utf8Decoder } from "./utf8.js"

/** @internal */
export const defaultMaxEventBytes = 16 * 1024 * 1024

/**
 * Whether `limit` is a usable `maxEventBytes`: a positive integer, or
 * `Infinity` for no limit.
 *
 * @internal
 */
export const isValidLimit = (limit: number): boolean => limit === Infinity || (Number.isInteger(limit) && limit > 0)

/**
 * The error of an unusable `maxEventBytes`, or `undefined` when it is fine.
 *
 * @internal
 */
export const invalidLimit = (limit: number): SseError | undefined =>
  isValidLimit(limit) ? undefined : new SseError({ reason: "InvalidLimit", limit, snapshot: Option.none() })

// -----------------------------------------------------------------------------
// Server-sent events
// -----------------------------------------------------------------------------

const LF = 10
const SPACE = 32
const COLON = 58

const noEvents: ReadonlyArray<Event> = []
const ok: Decoded = { events: noEvents, error: Option.none() }

/**
 * Is `line[start, end)` a `data:` line? Reading one past the line is safe:
 * it is the line end (CR, LF) or past the string (NaN), never a letter.
 */
const isData = (text: string, start: number): boolean =>
  text.charCodeAt(start) === 100 && // d
  text.charCodeAt(start + 1) === 97 && // a
  text.charCodeAt(start + 2) === 116 && // t
  text.charCodeAt(start + 3) === 97 && // a
  text.charCodeAt(start + 4) === COLON

/**
 * The incremental parser. See `Sse.ts` for the rules; the size rule, which
 * must not depend on where reads are cut, is, in UTF-8 bytes of the decoded
 * text:
 *
 * - a `data` line (also `data` without a colon) counts as the size of the
 *   event's joined data with it (earlier data lines, one `\n` per join, this
 *   line's value);
 * - any other line (comment, `event`, `id`, unknown) counts as its own size;
 * - a line not finished yet counts the same way for what has arrived, and a
 *   line whose start is still a prefix of `data:` counts 0.
 *
 * A count above the limit fails. The count of an unfinished line never exceeds
 * the count of the finished line, so cutting reads anywhere gives the same
 * result (reads are decoded into whole characters); buffered memory stays
 * below about twice the limit.
 *
 * Bytes cheaply: a text of n UTF-16 code units has between n and 3n UTF-8
 * bytes, so only a count between a third of the limit and the limit, in code
 * units, needs the exact size; then it is computed once and kept up to date
 * piece by piece (`dataBytes`, `pendingBytes`), never recomputed over the
 * whole text on every read.
 *
 * @internal
 */
export class SseDecoder implements Decoder {
  private readonly utf8 = new Utf8Decoder()
  private readonly limit: number
  /** Up to this many code units, a text is within the limit whatever it holds (3 bytes a unit at most) */
  private readonly third: number

  // the event being built
  private data = ""
  private dataLines = 0
  /** The joined data's length in code units */
  private dataLength = 0
  /** Its size in UTF-8 bytes, kept once `dataLength` passed `third`; -1 before */
  private dataBytes = -1
  private eventName = "message"

  // the unfinished line: fragments joined once its end arrives (joining on
  // every read would be quadratic for one long line cut into many reads).
  // The first fragment always holds the line's first 6 characters, or the
  // line is that one fragment: the leading fragments are joined once, when
  // they first reach 6 characters.
  private pending: Array<string> = []
  private pendingLength = 0
  /** The UTF-8 size of `pending[0, pendingCounted)`, counted only when needed */
  private pendingBytes = 0
  private pendingCounted = 0
  /** A read ended with CR: an LF at the start of the next read belongs to it */
  private skipLF = false

  private failure: Option.Option<SseError> = Option.none()
  private out: Array<Event> = []

  constructor(limit: number) {
    this.limit = limit
    this.third = limit / 3
    const invalid = invalidLimit(limit)
    if (invalid !== undefined) this.failure = Option.some(invalid)
  }

  push(bytes: Uint8Array): Decoded {
    if (Option.isSome(this.failure)) return { events: noEvents, error: this.failure }
    if (bytes.length === 0) return ok
    this.text(this.utf8.decode(bytes))
    return this.flushOut()
  }

  end(): Decoded {
    if (Option.isSome(this.failure)) return { events: noEvents, error: this.failure }
    const rest = this.utf8.end()
    if (rest.length > 0 && !this.text(rest)) return this.flushOut()
    if (this.pendingLength > 0) {
      const line = this.takePending()
      if (!this.line(line, 0, line.length)) return this.flushOut()
    }
    this.skipLF = false
    this.dispatch(false)
    return this.flushOut()
  }

  private flushOut(): Decoded {
    const events = this.out
    if (events.length === 0 && Option.isNone(this.failure)) return ok
    this.out = []
    return { events, error: this.failure }
  }

  private fail(): false {
    this.failure = Option.some(new SseError({ reason: "EventTooLarge", limit: this.limit, snapshot: Option.none() }))
    // drop the buffers at once
    this.data = ""
    this.pending = []
    this.pendingLength = 0
    this.pendingBytes = 0
    this.pendingCounted = 0
    return false
  }

  private takePending(): string {
    const line = this.pending.length === 1 ? this.pending[0] : this.pending.join("")
    this.pending = []
    this.pendingLength = 0
    this.pendingBytes = 0
    this.pendingCounted = 0
    return line
  }

  /** Parses decoded text; false when the limit was passed. */
  private text(text: string): boolean {
    const length = text.length
    if (length === 0) return true
    let pos = 0
    if (this.skipLF) {
      this.skipLF = false
      if (text.charCodeAt(0) === LF) pos = 1
    }
    let lf = text.indexOf("\n", pos)
    let cr = text.indexOf("\r", pos)
    while (lf !== -1 || cr !== -1) {
      let end: number
      let next: number
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        end = lf
        next = lf + 1
        lf = text.indexOf("\n", next)
      } else {
        end = cr
        next = cr + 1
        if (next === length) {
          this.skipLF = true
        } else if (text.charCodeAt(next) === LF) {
          next++
          lf = text.indexOf("\n", next)
        }
        cr = text.indexOf("\r", next)
      }
      if (this.pendingLength > 0) {
        this.pending.push(text.slice(pos, end))
        const line = this.takePending()
        if (!this.line(line, 0, line.length)) return false
      } else if (!this.line(text, pos, end)) {
        return false
      }
      pos = next
    }
    if (pos < length) {
      const rest = pos === 0 ? text : text.slice(pos)
      this.pending.push(rest)
      this.pendingLength += rest.length
      if (this.pending.length === 2 && this.pending[0].length < 6) {
        // at most 5 characters and this read's rest, once per line at most
        // while the line is under 6 characters: linear in all
        this.pending = [this.pending[0] + rest]
        this.pendingBytes = 0
        this.pendingCounted = 0
      }
      if (this.unfinishedTooLarge()) return this.fail()
    }
    return true
  }

  /** Whether the count of the unfinished line passes the limit (see the class comment). */
  private unfinishedTooLarge(): boolean {
    const head = this.pending[0]
    if (isData(head, 0)) {
      const prefix = head.charCodeAt(5) === SPACE ? 6 : 5
      const value = this.pendingLength - prefix
      const units = this.dataLines === 0 ? value : this.dataLength + 1 + value
      if (units <= this.third) return false
      if (units > this.limit) return true
      // the prefix is ASCII: as many bytes as code units
      const bytes = this.pendingUtf8Length() - prefix
      return (this.dataLines === 0 ? bytes : this.currentDataBytes() + 1 + bytes) > this.limit
    }
    if (head.length < 5 && "data:".startsWith(head)) return false
    const units = this.pendingLength
    if (units <= this.third) return false
    return units > this.limit || this.pendingUtf8Length() > this.limit
  }

  /** The UTF-8 size of the unfinished line, counting only the fragments not counted yet. */
  private pendingUtf8Length(): number {
    const pending = this.pending
    while (this.pendingCounted < pending.length) this.pendingBytes += utf8Length(pending[this.pendingCounted++])
    return this.pendingBytes
  }

  /** The UTF-8 size of the joined data so far, computed once per event. */
  private currentDataBytes(): number {
    if (this.dataBytes === -1) this.dataBytes = utf8Length(this.data)
    return this.dataBytes
  }

  /** Handles the complete line `text[start, end)`; false when the limit was passed. */
  private line(text: string, start: number, end: number): boolean {
    if (start === end) {
      this.dispatch(true)
      return true
    }
    if (isData(text, start)) {
      return this.appendData(text, text.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5, end)
    }
    if (end - start === 4 && text.startsWith("data", start)) {
      return this.appendData(text, end, end) // `data` without colon: an empty data line
    }
    const length = end - start
    if (length > this.third && (length > this.limit || utf8Length(text, start, end) > this.limit)) return this.fail()
    if (text.charCodeAt(start) === COLON) return true // a comment
    const colon = text.indexOf(":", start)
    const fieldEnd = colon === -1 || colon >= end ? end : colon
    if (fieldEnd - start === 5 && text.startsWith("event", start)) {
      let valueStart = fieldEnd + 1
      if (valueStart < end && text.charCodeAt(valueStart) === SPACE) valueStart++
      this.eventName = valueStart >= end ? "message" : text.slice(valueStart, end)
    }
    // `id`, `retry` and unknown fields are ignored
    return true
  }

  private appendData(text: string, valueStart: number, end: number): boolean {
    const valueLength = end - valueStart
    const dataLength = this.dataLines === 0 ? valueLength : this.dataLength + 1 + valueLength
    if (dataLength > this.third) {
      // within a factor of 3 of the limit: the exact size decides
      if (dataLength > this.limit) return this.fail()
      const valueBytes = utf8Length(text, valueStart, end)
      const dataBytes = this.dataLines === 0 ? valueBytes : this.currentDataBytes() + 1 + valueBytes
      if (dataBytes > this.limit) return this.fail()
      this.dataBytes = dataBytes
    }
    const value = text.slice(valueStart, end)
    this.data = this.dataLines === 0 ? value : this.data + "\n" + value
    this.dataLines++
    this.dataLength = dataLength
    return true
  }

  private dispatch(terminated: boolean): void {
    if (this.dataLength > 0) this.out.push({ event: this.eventName, data: this.data, terminated })
    this.data = ""
    this.dataLines = 0
    this.dataLength = 0
    this.dataBytes = -1
    this.eventName = "message"
  }
}

// -----------------------------------------------------------------------------
// Stream
// -----------------------------------------------------------------------------

/** @internal */
export const makeDecoder = (options?: Options): Decoder =>
  new SseDecoder(options?.maxEventBytes ?? defaultMaxEventBytes)

/**
 * Feeds every read of each input chunk to `decoder` at once and writes one
 * output chunk per input chunk; the events of a failing read are written
 * before the failure. An upstream failure is passed on as is: the unfinished
 * event is not dispatched, since the input did not end.
 */
const decodeChannel = <E>(
  decoder: Decoder
): Channel.Channel<Chunk.Chunk<Event>, Chunk.Chunk<Uint8Array>, E | SseError, E, unknown, unknown> => {
  const emit = (
    events: ReadonlyArray<Event>,
    error: Option.Option<SseError>,
    next: Channel.Channel<Chunk.Chunk<Event>, Chunk.Chunk<Uint8Array>, E | SseError, E, unknown, unknown>
  ): Channel.Channel<Chunk.Chunk<Event>, Chunk.Chunk<Uint8Array>, E | SseError, E, unknown, unknown> => {
    const then = Option.isSome(error) ? Channel.fail(error.value) : next
    return events.length === 0 ? then : Channel.flatMap(Channel.write(Chunk.unsafeFromArray(events)), () => then)
  }
  const loop: Channel.Channel<Chunk.Chunk<Event>, Chunk.Chunk<Uint8Array>, E | SseError, E, unknown, unknown> = Channel
    .readWithCause({
      onInput: (input: Chunk.Chunk<Uint8Array>) => {
        if (input.length === 1) {
          const decoded = decoder.push(Chunk.unsafeHead(input))
          return emit(decoded.events, decoded.error, loop)
        }
        const reads = Chunk.toReadonlyArray(input)
        let events: Array<Event> = []
        for (let i = 0; i < reads.length; i++) {
          const decoded = decoder.push(reads[i])
          if (decoded.events.length > 0) {
            if (events.length === 0) events = decoded.events.slice()
            else for (const event of decoded.events) events.push(event)
          }
          if (Option.isSome(decoded.error)) return emit(events, decoded.error, loop)
        }
        return emit(events, Option.none(), loop)
      },
      onFailure: Channel.failCause,
      onDone: () => {
        const decoded = decoder.end()
        return emit(decoded.events, decoded.error, Channel.void)
      }
    })
  return loop
}

/** @internal */
export const decode = <E, R>(
  self: Stream.Stream<Uint8Array, E, R>,
  options?: Options
): Stream.Stream<Event, E | SseError, R> => {
  // an unusable limit fails before anything is read
  const invalid = invalidLimit(options?.maxEventBytes ?? defaultMaxEventBytes)
  if (invalid !== undefined) return Stream.fail(invalid)
  return Stream.suspend(() => Stream.pipeThroughChannel(self, decodeChannel<E>(makeDecoder(options))))
}
