/**
 * The server-sent-events layer, rule by rule (stream contract §1), through
 * the Stream form (`Sse.decode`) and the incremental `Sse.makeDecoder`, plus
 * property tests: any cut of the bytes into reads gives the same events.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, FastCheck as fc, Option, Stream } from "effect"
import { SseError } from "../src/ChatStreamError.js"
import { Utf8Decoder } from "../src/internal/sse.js"
import * as Sse from "../src/Sse.js"

// -----------------------------------------------------------------------------
// helpers
// -----------------------------------------------------------------------------

const encoder = new TextEncoder()
const utf8 = (text: string): Uint8Array => encoder.encode(text)
const bytes = (...values: ReadonlyArray<number>): Uint8Array => new Uint8Array(values)

type Read = string | Uint8Array
const toBytes = (read: Read): Uint8Array => typeof read === "string" ? utf8(read) : read

const concat = (...parts: ReadonlyArray<Read>): Uint8Array => {
  const arrays = parts.map(toBytes)
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0))
  let offset = 0
  for (const a of arrays) {
    out.set(a, offset)
    offset += a.length
  }
  return out
}

/** `bytes` cut at the given offsets (any order; duplicates and out-of-range ones ignored). */
const splitAt = (all: Uint8Array, cuts: ReadonlyArray<number>): Array<Uint8Array> => {
  const points = Array.from(new Set(cuts.filter((c) => c > 0 && c < all.length))).sort((a, b) => a - b)
  const pieces: Array<Uint8Array> = []
  let start = 0
  for (const point of [...points, all.length]) {
    pieces.push(all.subarray(start, point))
    start = point
  }
  return pieces
}

/** One read per stream chunk, as a response body delivers them. */
const body = (...reads: ReadonlyArray<Read>): Stream.Stream<Uint8Array> =>
  Stream.fromIterable(reads.map(toBytes)).pipe(Stream.rechunk(1))

/** The events of `reads` through `Sse.decode`. */
const decodeStream = (reads: ReadonlyArray<Read>, options?: Sse.Options) =>
  Stream.runCollect(Sse.decode(body(...reads), options)).pipe(Effect.map(Chunk.toArray))

/** Every element and then the failure, if any. */
const decodeEither = (stream: Stream.Stream<Uint8Array>, options?: Sse.Options) =>
  Stream.runCollect(Stream.either(Sse.decode(stream, options))).pipe(Effect.map(Chunk.toArray))

/** The events of `reads` through `Sse.makeDecoder`, and the error if any. */
const decodeSync = (reads: ReadonlyArray<Read>, options?: Sse.Options) => {
  const decoder = Sse.makeDecoder(options)
  const events: Array<Sse.Event> = []
  for (const read of reads) {
    const decoded = decoder.push(toBytes(read))
    events.push(...decoded.events)
    if (Option.isSome(decoded.error)) return { events, error: decoded.error }
  }
  const decoded = decoder.end()
  events.push(...decoded.events)
  return { events, error: decoded.error }
}

/** The events of `reads`, checked to be the same through both forms. */
const events = (reads: ReadonlyArray<Read>, options?: Sse.Options) =>
  Effect.gen(function*() {
    const viaStream = yield* decodeStream(reads, options)
    const viaDecoder = decodeSync(reads, options)
    expect(viaDecoder.error).toEqual(Option.none())
    expect(viaDecoder.events).toEqual(viaStream)
    return viaStream
  })

/** The same input as one read, and cut at every single position. */
const everyCut = (text: Read): Array<Array<Uint8Array>> => {
  const all = toBytes(text)
  const cuts: Array<Array<Uint8Array>> = [[all]]
  for (let i = 1; i < all.length; i++) cuts.push(splitAt(all, [i]))
  return cuts
}

const message = (data: string, terminated = true): Sse.Event => ({ event: "message", data, terminated })
const named = (event: string, data: string, terminated = true): Sse.Event => ({ event, data, terminated })

const tooLarge = (limit: number) => new SseError({ reason: "EventTooLarge", limit, snapshot: Option.none() })
const invalidLimit = (limit: number) => new SseError({ reason: "InvalidLimit", limit, snapshot: Option.none() })

/**
 * Runs `f` while counting the characters that go through the decoder's two
 * whole-text operations: joining a line's fragments (`Array.prototype.join`)
 * and measuring text in UTF-8 (`Buffer.byteLength`).
 */
const workOf = (f: () => void): number => {
  const join = Array.prototype.join
  const byteLength = Buffer.byteLength
  let work = 0
  Array.prototype.join = function(this: Array<unknown>, separator?: string) {
    const result = join.call(this, separator)
    work += result.length
    return result
  }
  Buffer.byteLength = ((text: string, encoding?: BufferEncoding) => {
    work += text.length
    return byteLength(text, encoding)
  }) as typeof Buffer.byteLength
  try {
    f()
  } finally {
    Array.prototype.join = join
    Buffer.byteLength = byteLength
  }
  return work
}

// -----------------------------------------------------------------------------
// lines
// -----------------------------------------------------------------------------

describe("Sse", () => {
  describe("line ends", () => {
    it.effect("LF, CR and CRLF each end a line", () =>
      Effect.gen(function*() {
        expect(yield* events(["data: a\n\ndata: b\r\rdata: c\r\n\r\ndata: d\n\r\n"])).toEqual([
          message("a"),
          message("b"),
          message("c"),
          message("d")
        ])
        // CR alone between two data lines: one line end, not a blank line
        expect(yield* events(["data: a\rdata: b\r\r"])).toEqual([message("a\nb")])
      }))

    it.effect("a CR at the end of one read and an LF at the start of the next are one line end", () =>
      Effect.gen(function*() {
        // if the LF counted as a line of its own, "a" would be dispatched alone
        expect(yield* events(["data: a\r", "\ndata: b\r", "\n\r", "\n"])).toEqual([message("a\nb")])
        // an empty read between them changes nothing
        expect(yield* events(["data: a\r", new Uint8Array(0), "\ndata: b\n\n"])).toEqual([message("a\nb")])
        // every cut of a CRLF body
        for (const reads of everyCut("data: x\r\ndata: y\r\n\r\nevent: e\r\ndata: z\r\n\r\n")) {
          expect(yield* events(reads)).toEqual([message("x\ny"), named("e", "z")])
        }
      }))
  })

  // ---------------------------------------------------------------------------
  // UTF-8
  // ---------------------------------------------------------------------------

  describe("UTF-8", () => {
    it.effect("a character cut between two reads arrives whole", () =>
      Effect.gen(function*() {
        // 2-, 3- and 4-byte characters, cut at every byte
        const text = "data: é€🚀日本\n\n"
        for (const reads of everyCut(text)) {
          expect(yield* events(reads)).toEqual([message("é€🚀日本")])
        }
        // one byte per read
        const all = utf8(text)
        expect(yield* events(Array.from(all, (b) => bytes(b)))).toEqual([message("é€🚀日本")])
      }))

    it.effect("an invalid byte becomes U+FFFD", () =>
      Effect.gen(function*() {
        expect(yield* events([concat("data: a", bytes(0xff), "b\n\n")])).toEqual([message("a\uFFFDb")])
        // a sequence cut short by an ASCII byte, in one read and across reads
        expect(yield* events([concat("data: a", bytes(0xe2, 0x82), "b\n\n")])).toEqual([message("a\uFFFDb")])
        expect(yield* events([concat("data: a", bytes(0xe2)), concat(bytes(0x82), "b\n\n")])).toEqual([
          message("a\uFFFDb")
        ])
        // a surrogate encoded in UTF-8 is invalid: one U+FFFD per byte
        expect(yield* events([concat("data: ", bytes(0xed, 0xa0), bytes(0x80), "\n\n")])).toEqual([
          message("\uFFFD\uFFFD\uFFFD")
        ])
        // a character cut short by the end of input
        expect(yield* events([concat("data: x", bytes(0xf0, 0x9f, 0x9a))])).toEqual([message("x\uFFFD", false)])
      }))

    it.effect("a UTF-8 BOM at the very start of the stream is stripped, elsewhere kept", () =>
      Effect.gen(function*() {
        // without stripping, the first line would be the unknown field "\uFEFFdata"
        expect(yield* events([concat(bytes(0xef, 0xbb, 0xbf), "data: a\n\n")])).toEqual([message("a")])
        expect(yield* events([bytes(0xef), bytes(0xbb), concat(bytes(0xbf), "data: a\n\n")])).toEqual([message("a")])
        // only one BOM is stripped, and only at the start
        expect(yield* events(["\uFEFF\uFEFFdata: a\n\ndata: b\n\n"])).toEqual([message("b")])
        expect(yield* events(["data: \uFEFFa\n\n", "\uFEFFdata: b\n\ndata: c\n\n"])).toEqual([
          message("\uFEFFa"),
          message("c")
        ])
      }))
  })

  // ---------------------------------------------------------------------------
  // fields
  // ---------------------------------------------------------------------------

  describe("fields", () => {
    it.effect("one optional space after the colon is removed", () =>
      Effect.gen(function*() {
        expect(yield* events([`data:{"a":1}\n\ndata: {"b":2}\n\ndata:  two\n\nevent:e\ndata:x\n\n`])).toEqual([
          message(`{"a":1}`),
          message(`{"b":2}`),
          message(" two"),
          named("e", "x")
        ])
      }))

    it.effect("a line without colon is a field with an empty value", () =>
      Effect.gen(function*() {
        // "data" alone is an empty data line, joined like any other
        expect(yield* events(["data: a\ndata\ndata: b\n\n"])).toEqual([message("a\n\nb")])
        // "event" alone resets the name to the default
        expect(yield* events(["event: x\nevent\ndata: a\n\n"])).toEqual([message("a")])
      }))

    it.effect("comment lines are skipped", () =>
      Effect.gen(function*() {
        expect(
          yield* events([": OPENROUTER PROCESSING\n\n:\n\ndata: a\n: ping\ndata: b\n\n:data: c\n\n: keep-alive"])
        ).toEqual([message("a\nb")])
      }))

    it.effect("id, retry and unknown fields are ignored; nothing waits", () =>
      Effect.gen(function*() {
        expect(
          yield* events(["id: 1\nretry: 10000\nfoo: bar\nfoo\nDATA: no\ndata : no\ndata: a\n\nretry: 1\nid: 2\n\n"])
        ).toEqual([message("a")])
      }))

    it.effect("several data lines of one event are joined with \\n", () =>
      Effect.gen(function*() {
        expect(yield* events(["data: {\"a\":\ndata: 1}\n\ndata: x\ndata: y\ndata: z\n\n"])).toEqual([
          message("{\"a\":\n1}"),
          message("x\ny\nz")
        ])
      }))

    it.effect("event sets the event name; the name is reset after each event", () =>
      Effect.gen(function*() {
        expect(
          yield* events(["event: error\ndata: {\"error\":{}}\n\ndata: b\n\nevent: first\nevent: last\ndata: c\n\nevent:\ndata: d\n\n"])
        ).toEqual([
          named("error", "{\"error\":{}}"),
          message("b"),
          named("last", "c"),
          message("d")
        ])
      }))
  })

  // ---------------------------------------------------------------------------
  // dispatch
  // ---------------------------------------------------------------------------

  describe("dispatch", () => {
    it.effect("an event whose joined data is empty is skipped, whatever its name", () =>
      Effect.gen(function*() {
        expect(
          yield* events(["event: x\n\ndata:\n\ndata\n\nevent: error\ndata:\n\nid: 1\n\ndata: \n\n\n\n\ndata: a\n\n"])
        ).toEqual([message("a")])
        // the skipped event's name does not leak into the next event
        expect(yield* events(["event: x\ndata:\n\ndata: y\n\n"])).toEqual([message("y")])
        // nor at the end of input
        expect(yield* events(["data: a\n\nevent: x\ndata:"])).toEqual([message("a")])
      }))

    it.effect("whitespace-only data is kept", () =>
      Effect.gen(function*() {
        expect(yield* events(["data:  \n\ndata: \t\n\ndata:\ndata:\n\n"])).toEqual([
          message(" "),
          message("\t"),
          message("\n") // two empty data lines join to "\n", which is not ""
        ])
      }))

    it.effect("[DONE] is an ordinary event, and so is what follows it", () =>
      Effect.gen(function*() {
        expect(yield* events(["data: [DONE]\n\ndata: after\n\n"])).toEqual([message("[DONE]"), message("after")])
      }))

    it.effect("the last event without its blank line is dispatched with terminated: false", () =>
      Effect.gen(function*() {
        expect(yield* events(["data: a\n\ndata: {\"b\":"])).toEqual([message("a"), message("{\"b\":", false)])
        expect(yield* events(["data: a\n\nevent: e\ndata: b\n"])).toEqual([message("a"), named("e", "b", false)])
        expect(yield* events(["data: b\r"])).toEqual([message("b", false)])
        expect(yield* events(["data: b\r\n"])).toEqual([message("b", false)])
        // a blank line ends it: terminated, whatever the line end
        expect(yield* events(["data: a\n\n"])).toEqual([message("a")])
        expect(yield* events(["data: a\r\r"])).toEqual([message("a")])
        expect(yield* events(["data: a\n", "\r"])).toEqual([message("a")])
        // nothing at all
        expect(yield* events([])).toEqual([])
        expect(yield* events(["", ": ping\n"])).toEqual([])
      }))

    it.effect("an upstream failure is passed on, without dispatching the unfinished event", () =>
      Effect.gen(function*() {
        const failing = Stream.concat(body("data: a\n\ndata: b"), Stream.fail("reset" as const))
        const result = yield* Stream.runCollect(Stream.either(Sse.decode(failing)))
        expect(Chunk.toArray(result)).toEqual([Either.right(message("a")), Either.left("reset")])
      }))

    it.effect("the same Stream value can be run twice", () =>
      Effect.gen(function*() {
        const stream = body("data: a\n\ndata: b").pipe(Sse.decode())
        const first = yield* Stream.runCollect(stream)
        const second = yield* Stream.runCollect(stream)
        expect(Chunk.toArray(first)).toEqual([message("a"), message("b", false)])
        expect(Chunk.toArray(second)).toEqual(Chunk.toArray(first))
      }))

    it.effect("several reads in one stream chunk are decoded together", () =>
      Effect.gen(function*() {
        const oneChunk = Stream.fromChunk(Chunk.make(utf8("data: a\r"), utf8("\ndata: b\n"), utf8("\ndata: c")))
        const result = yield* Stream.runCollect(Sse.decode(oneChunk))
        expect(Chunk.toArray(result)).toEqual([message("a\nb"), message("c", false)])
      }))
  })

  // ---------------------------------------------------------------------------
  // size limit
  // ---------------------------------------------------------------------------

  describe("size limit", () => {
    it("defaults to 16 MiB", () => {
      expect(Sse.defaultMaxEventBytes).toBe(16 * 1024 * 1024)
    })

    it.effect("a line that never ends fails once the limit is passed, after the earlier events", () =>
      Effect.gen(function*() {
        const limit = 1024
        // an endless stream of "x": this only terminates if the limit is checked as the line grows
        const endless = Stream.concat(
          body("data: 1\n\n: ping\n\ndata: 2\n\nevent: e\ndata: 3\n\ndata: "),
          Stream.repeatValue(utf8("x".repeat(100)))
        )
        expect(yield* decodeEither(endless, { maxEventBytes: limit })).toEqual([
          Either.right(message("1")),
          Either.right(message("2")),
          Either.right(named("e", "3")),
          Either.left(tooLarge(limit))
        ])
        // the same for a line that is not a data line
        const comment = Stream.concat(body("data: 1\n\n: "), Stream.repeatValue(utf8("x".repeat(100))))
        expect(yield* decodeEither(comment, { maxEventBytes: limit })).toEqual([
          Either.right(message("1")),
          Either.left(tooLarge(limit))
        ])
      }))

    it.effect("a read with good events and then too large an event emits the events, then fails", () =>
      Effect.gen(function*() {
        const limit = 64
        const read = `data: 1\n\ndata: 2\n\ndata: 3\n\ndata: ${"x".repeat(limit + 1)}\n\ndata: 4\n\n`
        const result = yield* decodeEither(body(read), { maxEventBytes: limit })
        expect(result).toEqual([
          Either.right(message("1")),
          Either.right(message("2")),
          Either.right(message("3")),
          Either.left(tooLarge(limit))
        ])
        const left = result[3]
        expect(Either.isLeft(left) && left.left instanceof SseError && left.left.reason === "EventTooLarge").toBe(true)
        // several reads in one stream chunk: the events of all the reads before come out too
        const oneChunk = Stream.fromChunk(Chunk.make(utf8("data: 1\n\ndata: 2\n"), utf8("\ndata: 3\n\n"), utf8(read)))
        expect(yield* decodeEither(oneChunk, { maxEventBytes: limit })).toEqual([
          Either.right(message("1")),
          Either.right(message("2")),
          Either.right(message("3")),
          Either.right(message("1")),
          Either.right(message("2")),
          Either.right(message("3")),
          Either.left(tooLarge(limit))
        ])
        // the decoder: same events, then the error, and it stays failed
        const decoder = Sse.makeDecoder({ maxEventBytes: limit })
        const decoded = decoder.push(utf8(read))
        expect(decoded.events).toEqual([message("1"), message("2"), message("3")])
        expect(decoded.error).toEqual(Option.some(tooLarge(limit)))
        expect(decoder.push(utf8("data: 5\n\n"))).toEqual({ events: [], error: Option.some(tooLarge(limit)) })
        expect(decoder.end()).toEqual({ events: [], error: Option.some(tooLarge(limit)) })
      }))

    it.effect("many small data lines count together", () =>
      Effect.gen(function*() {
        const limit = 100
        const lines = "data: xxxxxxxxx\n".repeat(11) // 11 * 9 + 10 joins = 109 > 100
        expect(decodeSync([`data: ok\n\n${lines}\n`], { maxEventBytes: limit })).toEqual({
          events: [message("ok")],
          error: Option.some(tooLarge(limit))
        })
        const fewer = "data: xxxxxxxxx\n".repeat(10) // 10 * 9 + 9 joins = 99
        expect(yield* events([`${fewer}\n`], { maxEventBytes: limit })).toEqual([
          message(Array(10).fill("xxxxxxxxx").join("\n"))
        ])
      }))

    it.effect("an event of exactly the limit passes, however the reads are cut; one more fails", () =>
      Effect.gen(function*() {
        const limit = 16
        const exact = [
          `data: ${"x".repeat(limit)}\n\n`,
          `data:${"x".repeat(limit)}\n\n`,
          `data: ${"a".repeat(7)}\ndata: ${"b".repeat(8)}\n\n`, // 7 + 1 + 8
          `event: ${"e".repeat(limit - 7)}\ndata: y\n\n`, // an event line of exactly the limit
          `: ${"c".repeat(limit - 2)}\ndata: z\n\n`, // a comment of exactly the limit
          `data: ${"x".repeat(limit)}` // unterminated
        ]
        for (const text of exact) {
          const expected = yield* events([text], { maxEventBytes: limit })
          expect(expected.length).toBe(1)
          for (const reads of everyCut(text)) {
            expect(yield* events(reads, { maxEventBytes: limit })).toEqual(expected)
          }
        }
        const over = [
          `data: ${"x".repeat(limit + 1)}\n\n`,
          `data: ${"a".repeat(8)}\ndata: ${"b".repeat(8)}\n\n`,
          `event: ${"e".repeat(limit - 6)}\ndata: y\n\n`,
          `: ${"c".repeat(limit - 1)}\ndata: z\n\n`,
          `data: ${"x".repeat(limit + 1)}`
        ]
        for (const text of over) {
          for (const reads of everyCut(text)) {
            expect(decodeSync(reads, { maxEventBytes: limit })).toEqual({
              events: [],
              error: Option.some(tooLarge(limit))
            })
          }
        }
      }))

    it.effect("the limit counts UTF-8 bytes of the data, not UTF-16 code units, however the reads are cut", () =>
      Effect.gen(function*() {
        const limit = 18
        // 日 is 1 code unit and 3 bytes, 🚀 2 code units and 4 bytes, é 1 and 2
        const exact = [
          `data: ${"日".repeat(6)}\n\n`, // 18 bytes, 6 units
          `data: ${"🚀".repeat(4)}é\n\n`, // 16 + 2
          `data: ${"日".repeat(3)}\ndata: ${"é".repeat(4)}\n\n`, // 9 + 1 + 8
          `event: ${"日".repeat(3)}ab\ndata: y\n\n`, // an event line of 7 + 9 + 2 bytes
          `: ${"é".repeat(8)}\ndata: z\n\n`, // a comment of 2 + 16 bytes
          `data: ${"日".repeat(6)}` // unterminated
        ]
        for (const text of exact) {
          const expected = yield* events([text], { maxEventBytes: limit })
          expect(expected.length, text).toBe(1)
          for (const reads of everyCut(text)) {
            expect(yield* events(reads, { maxEventBytes: limit })).toEqual(expected)
          }
        }
        const over = [
          `data: ${"日".repeat(6)}a\n\n`, // 19 bytes, 7 units
          `data: ${"🚀".repeat(4)}éa\n\n`,
          `data: ${"日".repeat(3)}\ndata: ${"é".repeat(4)}a\n\n`,
          `event: ${"日".repeat(4)}\ndata: y\n\n`,
          `: ${"é".repeat(8)}a\ndata: z\n\n`,
          `data: ${"日".repeat(6)}a`,
          `data: ${"日".repeat(7)}` // never finished, failing while it arrives
        ]
        for (const text of over) {
          for (const reads of everyCut(text)) {
            expect(decodeSync(reads, { maxEventBytes: limit }), text).toEqual({
              events: [],
              error: Option.some(tooLarge(limit))
            })
          }
        }
        // the case that passed when code units were counted: 300 units, 900 bytes
        expect(decodeSync([`data: ${"日本語".repeat(100)}\n\n`], { maxEventBytes: 500 }).error).toEqual(
          Option.some(tooLarge(500))
        )
        // invalid bytes count as the 3 bytes of their U+FFFD
        expect(decodeSync([concat("data: ", bytes(0xff, 0xff), "\n\n")], { maxEventBytes: 5 }).error).toEqual(
          Option.some(tooLarge(5))
        )
        expect(decodeSync([concat("data: ", bytes(0xff, 0xff), "\n\n")], { maxEventBytes: 6 })).toEqual({
          events: [message("\uFFFD\uFFFD")],
          error: Option.none()
        })
      }))

    it.effect("`data` without a colon counts as an empty data line, like `data:`", () =>
      Effect.gen(function*() {
        for (const line of ["data:", "data"]) {
          for (const reads of everyCut(`${line}\ndata: x\n\n`)) {
            expect(yield* events(reads, { maxEventBytes: 3 })).toEqual([message("\nx")])
          }
          expect(decodeSync([`${line}\ndata: xyz\n\n`], { maxEventBytes: 3 }).error).toEqual(Option.some(tooLarge(3)))
        }
      }))

    it.effect("a limit that is not a positive integer or Infinity fails with InvalidLimit before anything is read", () =>
      Effect.gen(function*() {
        for (const limit of [Number.NaN, 0, -1, 1.5, -Infinity]) {
          let pulled = false
          const source = Stream.fromEffect(Effect.sync(() => {
            pulled = true
            return utf8("data: a\n\n")
          }))
          const error = yield* Sse.decode(source, { maxEventBytes: limit }).pipe(Stream.runDrain, Effect.flip)
          expect(error).toEqual(invalidLimit(limit))
          expect(error.reason).toBe("InvalidLimit")
          expect(error.message).toContain("maxEventBytes")
          expect(pulled).toBe(false)
          // the decoder gives the error from its first call, and stays failed
          const decoder = Sse.makeDecoder({ maxEventBytes: limit })
          expect(decoder.push(utf8("data: a\n\n"))).toEqual({ events: [], error: Option.some(invalidLimit(limit)) })
          expect(decoder.end()).toEqual({ events: [], error: Option.some(invalidLimit(limit)) })
          expect(Sse.makeDecoder({ maxEventBytes: limit }).end().error).toEqual(Option.some(invalidLimit(limit)))
        }
        // Infinity disables the limit; undefined is the default
        expect(yield* events(["data: " + "x".repeat(100) + "\n\n"], { maxEventBytes: Infinity })).toEqual([
          message("x".repeat(100))
        ])
        expect(yield* events(["data: a\n\n"], { maxEventBytes: undefined })).toEqual([message("a")])
      }))

    it("an unfinished line whose first read is shorter than 6 characters is not re-joined on every read", () => {
      // Regression: while the first fragment of the unfinished line was
      // shorter than 6 characters, every read joined all the fragments so far
      // to look at the line's start: quadratic in the line's length (a 14 MiB
      // line took seconds). Counted, not timed: the characters joined.
      const piece = utf8("x".repeat(4096))
      const size = 64 * piece.length
      for (const start of [["da", "ta: x"], ["d", "a", "t", "a", ":", " "], [":", " "], ["ev", "ent: x"], ["data: x"]]) {
        const decoder = Sse.makeDecoder()
        let last: Sse.Decoded = { events: [], error: Option.none() }
        const work = workOf(() => {
          decoder.push(utf8("data: {}\n\n"))
          for (const read of start) decoder.push(utf8(read))
          for (let i = 0; i < 64; i++) decoder.push(piece)
          last = decoder.push(utf8("\n\ndata: end\n\n"))
        })
        expect(last.error).toEqual(Option.none())
        expect(last.events.at(-1)).toEqual(message("end"))
        // one join of the whole line at its end (about `size`), never one per read (about 32 * size)
        expect(work, JSON.stringify(start)).toBeLessThan(2 * size)
      }
    })

    it("a line close to the limit is measured in bytes once, not once per read", () => {
      // Between a third of the limit and the limit (in code units) the exact
      // UTF-8 size is needed; it is kept up to date read by read, not
      // recomputed over the whole line or the event's earlier data lines on
      // every read: the work stays proportional to the text.
      const limit = 3 * 64 * 1024
      const piece = utf8("é".repeat(1024)) // 1024 units, 2048 bytes
      const starts = ["data: ", ": ", "da", "data: a\ndata: ", `data: ${"é".repeat(40 * 1024)}\ndata: `]
      for (const start of starts) {
        const decoder = Sse.makeDecoder({ maxEventBytes: limit })
        let error: Option.Option<SseError> = Option.none()
        let reads = 0
        const work = workOf(() => {
          decoder.push(utf8(start))
          while (Option.isNone(error) && reads < 200) {
            reads++
            error = decoder.push(piece).error
          }
        })
        expect(error, start.slice(0, 20)).toEqual(Option.some(tooLarge(limit)))
        // about the text pushed, not the text pushed times the reads
        expect(work, start.slice(0, 20)).toBeLessThan(3 * (start.length + reads * 1024))
      }
    })

    it.effect("the limit is a typed failure of the stream, not a defect", () =>
      Effect.gen(function*() {
        const error = yield* Sse.decode(body(`data: ${"x".repeat(10)}\n\n`), { maxEventBytes: 5 }).pipe(
          Stream.runDrain,
          Effect.flip
        )
        expect(error).toEqual(tooLarge(5))
        expect(error.message).toContain("5")
      }))
  })

  // ---------------------------------------------------------------------------
  // API
  // ---------------------------------------------------------------------------

  describe("API", () => {
    it.effect("decode is dual, with or without options", () =>
      Effect.gen(function*() {
        const input = () => body(`data: ${"x".repeat(10)}\n\n`)
        const collect = <E>(stream: Stream.Stream<Sse.Event, E>) =>
          Stream.runCollect(Stream.either(stream)).pipe(Effect.map(Chunk.toArray))
        const ok = [Either.right(message("x".repeat(10)))]
        const failed = [Either.left(tooLarge(5))]
        expect(yield* collect(Sse.decode(input()))).toEqual(ok)
        expect(yield* collect(Sse.decode(input(), { maxEventBytes: 5 }))).toEqual(failed)
        expect(yield* collect(input().pipe(Sse.decode()))).toEqual(ok)
        expect(yield* collect(input().pipe(Sse.decode({ maxEventBytes: 5 })))).toEqual(failed)
        expect(yield* collect(input().pipe(Sse.decode({})))).toEqual(ok)
      }))

    it("makeDecoder gives each read's events as they complete", () => {
      const decoder = Sse.makeDecoder()
      expect(decoder.push(utf8("data: a\n\nda"))).toEqual({ events: [message("a")], error: Option.none() })
      expect(decoder.push(utf8("ta: b\n"))).toEqual({ events: [], error: Option.none() })
      expect(decoder.push(utf8("\ndata: c"))).toEqual({ events: [message("b")], error: Option.none() })
      expect(decoder.end()).toEqual({ events: [message("c", false)], error: Option.none() })
    })
  })

  // ---------------------------------------------------------------------------
  // properties
  // ---------------------------------------------------------------------------

  describe("properties", () => {
    /** Text without line ends: unicode of every plane (no lone surrogates), often ASCII. */
    const lineText = fc
      .oneof(
        fc.string({ unit: "binary", maxLength: 12 }),
        fc.string({ unit: "grapheme", maxLength: 12 }),
        fc.string({ maxLength: 12 })
      )
      .map((s) => s.replace(/[\r\n]/g, ""))

    const lineEnd = fc.constantFrom("\n", "\r", "\r\n")

    const event = fc.record({
      name: fc.option(lineText, { nil: undefined }),
      data: fc.array(lineText, { maxLength: 4 }),
      comments: fc.array(lineText, { maxLength: 2 }),
      space: fc.boolean()
    })

    const generated = fc.record({
      bom: fc.boolean(),
      events: fc.array(event, { maxLength: 8 }),
      /** the line end chosen for each line, cycled */
      ends: fc.array(lineEnd, { minLength: 1, maxLength: 16 }),
      terminated: fc.boolean()
    })

    /** The wire text of generated events and the events it must give. */
    const render = (input: typeof generated extends fc.Arbitrary<infer T> ? T : never) => {
      let text = input.bom ? "\uFEFF" : ""
      let line = 0
      let previous = ""
      // two line ends in a row must stay two: CR then LF would be one CRLF
      const end = () => {
        const chosen = input.ends[line++ % input.ends.length]
        previous = previous === "\r" && chosen === "\n" ? "\r\n" : chosen
        return previous
      }
      const field = (name: string, value: string, space: boolean) =>
        `${name}:${space || value.startsWith(" ") ? " " : ""}${value}${end()}`
      const expected: Array<Sse.Event> = []
      input.events.forEach((e, index) => {
        const last = index === input.events.length - 1
        if (e.name !== undefined) text += field("event", e.name, e.space)
        // comments interleaved with the data lines
        const lines = Math.max(e.data.length, e.comments.length)
        for (let i = 0; i < lines; i++) {
          if (i < e.comments.length) text += `:${e.comments[i]}${end()}`
          if (i < e.data.length) text += field("data", e.data[i], e.space)
        }
        const terminated = !last || input.terminated
        // an unterminated last event may end in a line end (CR here must not
        // be read as a blank line) or not, depending on its last line
        if (terminated) text += end()
        const data = e.data.join("\n")
        if (data !== "") expected.push({ event: e.name === undefined || e.name === "" ? "message" : e.name, data, terminated })
      })
      return { bytes: utf8(text), expected }
    }

    it.effect.prop(
      "any cut of the bytes into reads gives the same events as one read, and the expected ones",
      [generated, fc.array(fc.nat(), { maxLength: 20 }), fc.boolean()],
      ([input, cuts, smallReads]) =>
        Effect.gen(function*() {
          const { bytes: all, expected } = render(input)
          const whole = decodeSync([all])
          expect(whole.error).toEqual(Option.none())
          expect(whole.events).toEqual(expected)
          const reads = smallReads
            ? Array.from({ length: all.length }, (_, i) => all.subarray(i, i + 1))
            : splitAt(all, cuts.map((c) => c % (all.length + 1)))
          expect(decodeSync(reads).events).toEqual(expected)
          expect(yield* decodeStream(reads)).toEqual(expected)
        }),
      { fastCheck: { numRuns: 300 } }
    )

    /** What a limit must give for generated events: the events before the first one with a line over it, then the error. */
    const limited = (input: typeof generated extends fc.Arbitrary<infer T> ? T : never, limit: number) => {
      const size = (text: string) => utf8(text).length
      const events: Array<Sse.Event> = []
      for (const [index, e] of input.events.entries()) {
        const space = (value: string) => (e.space || value.startsWith(" ") ? " " : "")
        const over = (e.name !== undefined && size(`event:${space(e.name)}${e.name}`) > limit) ||
          e.comments.some((comment) => size(`:${comment}`) > limit) ||
          size(e.data.join("\n")) > limit
        if (over) return { events, error: Option.some(tooLarge(limit)) }
        const data = e.data.join("\n")
        const terminated = index < input.events.length - 1 || input.terminated
        if (data !== "") events.push({ event: e.name === undefined || e.name === "" ? "message" : e.name, data, terminated })
      }
      return { events, error: Option.none() }
    }

    it.effect.prop(
      "the size limit counts UTF-8 bytes, whatever the characters and however the reads are cut",
      [generated, fc.integer({ min: 1, max: 40 }), fc.array(fc.nat(), { maxLength: 20 }), fc.boolean()],
      ([input, limit, cuts, smallReads]) =>
        Effect.gen(function*() {
          const { bytes: all } = render(input)
          const expected = limited(input, limit)
          const reads = smallReads
            ? Array.from({ length: all.length }, (_, i) => all.subarray(i, i + 1))
            : splitAt(all, cuts.map((c) => c % (all.length + 1)))
          expect(decodeSync([all], { maxEventBytes: limit })).toEqual(expected)
          expect(decodeSync(reads, { maxEventBytes: limit })).toEqual(expected)
          const viaStream = yield* decodeEither(body(...reads), { maxEventBytes: limit })
          expect(viaStream).toEqual([
            ...expected.events.map(Either.right),
            ...(Option.isSome(expected.error) ? [Either.left(expected.error.value)] : [])
          ])
        }),
      { fastCheck: { numRuns: 300 } }
    )

    /** Bytes rich in UTF-8 edge cases: lead bytes, continuation bytes, ranges' borders */
    const utf8ish = fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom(0x41, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbb, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff),
        fc.string({ unit: "binary", minLength: 1, maxLength: 2 }).map((s) => Array.from(utf8(s)))
      ),
      { maxLength: 40 }
    ).map((items) => new Uint8Array(items.flat()))

    it.prop(
      "UTF-8: each read gives what TextDecoder { stream: true } gives for it, whatever the cuts",
      [utf8ish, fc.array(fc.nat(), { maxLength: 10 }), fc.boolean()],
      ([all, cuts, bom]) => {
        const input = bom ? concat(bytes(0xef, 0xbb, 0xbf), all) : all
        const reference = new TextDecoder()
        const decoder = new Utf8Decoder()
        const reads = splitAt(input, cuts.map((c) => c % (input.length + 1)))
        expect(reads.map((read) => decoder.decode(read))).toEqual(
          reads.map((read) => reference.decode(read, { stream: true }))
        )
        expect(decoder.end()).toBe(reference.decode())
      },
      { fastCheck: { numRuns: 2000 } }
    )
  })
})
