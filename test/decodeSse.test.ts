/**
 * `ChatStream.decodeSse` and the composition its documentation shows,
 * `eventsFromChunks(decodeSse(Sse.decode(body)))`: the same events and the
 * same ending, error and snapshot included, as `ChatStream.events(body)`
 * (stream contract §1, §2, §5), for complete, truncated and empty bodies.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option, Stream } from "effect"
import * as fc from "effect/FastCheck"
import * as ChatStream from "../src/ChatStream.js"
import * as ChatStreamError from "../src/ChatStreamError.js"
import * as Sse from "../src/Sse.js"
import { makeChunksArb } from "./arbitraries/chunks.js"
import {
  breathe,
  bytesOf,
  collect,
  failureOf,
  jsonLines,
  propertySettings,
  rawChunk,
  readsOf,
  runEvents,
  sseBody,
  sseEvents,
  splitAt,
  utf8
} from "./helpers.js"

/** The documented composition, stage by stage. */
const composed = <E>(bytes: Stream.Stream<Uint8Array, E>) =>
  collect(ChatStream.eventsFromChunks(ChatStream.decodeSse(Sse.decode(bytes))))

const content = (text: string, finish: string | null = null, index = 0) =>
  rawChunk([{ index, delta: { content: text }, finish_reason: finish }])

describe("ChatStream.decodeSse", () => {
  it.effect("a body cut before every choice finished fails with IncompleteStreamError after its chunks", () =>
    Effect.gen(function*() {
      const body = sseBody([content("Hel"), content("lo")], { done: false })
      const chunks = yield* collect(ChatStream.decodeSse(Sse.decode(bytesOf(body))))
      const error = failureOf(chunks) as ChatStreamError.IncompleteStreamError
      expect(error).toBeInstanceOf(ChatStreamError.IncompleteStreamError)
      expect(error.reason).toBe("NoFinishReason")
      // decodeSse does not fold: no snapshot of its own
      expect(Option.isNone(error.snapshot)).toBe(true)
      expect(chunks.items.map((c) => c.choices[0].delta.content)).toEqual(["Hel", "lo"])

      // through eventsFromChunks: the byte pipeline's events, error and snapshot
      const viaStages = yield* composed(bytesOf(body))
      const direct = yield* runEvents(bytesOf(body))
      expect(viaStages.items).toStrictEqual(direct.items)
      expect(failureOf(viaStages)).toEqual(failureOf(direct))
      expect(Option.map(failureOf(viaStages).snapshot, (s) => s.choices[0].message.content)).toEqual(Option.some("Hello"))
      expect(viaStages.items.map((e) => e._tag)).toEqual(["Chunk", "ContentDelta", "Chunk", "ContentDelta"])
    }))

  it.effect("an empty body, or one of comments only, fails with IncompleteStreamError and no snapshot", () =>
    Effect.gen(function*() {
      for (const body of ["", ": keep-alive\n\n", "\n\n"]) {
        const chunks = yield* collect(ChatStream.decodeSse(Sse.decode(bytesOf(body))))
        expect(failureOf(chunks)).toEqual(new ChatStreamError.IncompleteStreamError({ reason: "NoFinishReason", snapshot: Option.none() }))
        const viaStages = yield* composed(bytesOf(body))
        expect(failureOf(viaStages)).toEqual(failureOf(yield* runEvents(bytesOf(body))))
        expect(viaStages.items).toEqual([])
      }
    }))

  it.effect("a choice unfinished among finished ones is incomplete; finish reasons count per choice index", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [string, ReadonlyArray<unknown>, boolean]> = [
        ["one choice left unfinished", [content("a", null, 0), content("b", null, 1), content("", "stop", 0)], false],
        ["every choice finished", [content("a", null, 0), content("b", null, 1), content("", "stop", 1), content("", "stop", 0)], true],
        // an empty finish_reason is none (§2)
        ["an empty finish_reason", [content("a", "")], false],
        // once set, a later null does not reset it (§3)
        ["a null after the finish_reason", [content("a", "stop"), content("b", null)], true],
        // a chunk naming no choice finishes nothing and starts nothing
        ["only chunks without choices", [rawChunk([]), rawChunk([], { usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } })], false],
        ["usage after the finish", [content("a", "stop"), rawChunk([])], true]
      ]
      for (const [name, payloads, complete] of cases) {
        const body = sseBody(payloads, { done: false })
        const chunks = yield* collect(ChatStream.decodeSse(Sse.decode(bytesOf(body))))
        expect(Either.isRight(chunks.result), name).toBe(complete)
        expect(chunks.items, name).toHaveLength(payloads.length)
        const direct = yield* runEvents(bytesOf(body))
        expect(Either.isRight(direct.result), name).toBe(complete)
        expect(jsonLines(yield* composed(bytesOf(body))), name).toEqual(jsonLines(direct))
        // with [DONE] every one of them is complete
        expect(Either.isRight((yield* collect(ChatStream.decodeSse(Sse.decode(bytesOf(sseBody(payloads)))))).result), name)
          .toBe(true)
      }
    }))

  it.effect("[DONE] ends it, also with no chunk before it; nothing after it is read", () =>
    Effect.gen(function*() {
      const only = yield* collect(ChatStream.decodeSse(Sse.decode(bytesOf("data: [DONE]\n\n"))))
      expect(only).toEqual({ items: [], result: Either.right(undefined) })
      let pulled = false
      const bytes = Stream.concat(
        bytesOf(sseBody([content("a")]) + "data: {oops\n\n"),
        Stream.fromEffect(Effect.sync(() => {
          pulled = true
          return utf8("data: {\"error\":{\"message\":\"never read\"}}\n\n")
        }))
      )
      const run = yield* collect(ChatStream.decodeSse(Sse.decode(bytes)))
      expect(Either.isRight(run.result)).toBe(true)
      expect(run.items).toHaveLength(1)
      expect(pulled).toBe(false)
    }))

  it.effect("errors of the events and of the source pass through; eventsFromChunks adds the snapshot", () =>
    Effect.gen(function*() {
      const head = sseEvents([content("Hel")])
      const cases = [
        head + "data: {oops\n\n",
        head + "data: {\"error\":{\"message\":\"boom\"}}\n\n",
        head + "event: error\ndata: {\"message\":\"bad\"}\n\n",
        head + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}",
        head + `data: ${"x".repeat(500)}\n\n`
      ]
      for (const body of cases) {
        const options = { maxEventBytes: 400 }
        const direct = yield* collect(ChatStream.events(bytesOf(body), options))
        const viaStages = yield* collect(
          ChatStream.eventsFromChunks(ChatStream.decodeSse(Sse.decode(bytesOf(body), options)))
        )
        expect(jsonLines(viaStages), body).toEqual(jsonLines(direct))
        expect(Option.isSome(failureOf(viaStages).snapshot), body).toBe(true)
      }
      // a failure of the byte source
      const failing = Stream.concat(bytesOf(head), Stream.fail("reset" as const))
      const viaStages = yield* composed(failing)
      expect(failureOf(viaStages)).toBe("reset")
      expect(viaStages.items.map((e) => e._tag)).toEqual(["Chunk", "ContentDelta"])
    }))

  // ---------------------------------------------------------------------------
  // the composition against the byte pipeline, on generated bodies
  // ---------------------------------------------------------------------------

  /** Events that end or break a stream, mixed in among the chunks. */
  const special = fc.constantFrom(
    "data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\n\n",
    "data: {\"error\":{\"message\":\"\"}}\n\n",
    "data: {\"error\":\"\"}\n\n",
    "event: error\ndata: {\"message\":\"bad\"}\n\n",
    "data: {oops\n\n",
    "data: [1]\n\n",
    "data: {\"choices\":[{\"index\":\"0\"}]}\n\n",
    ": keep-alive\n\n",
    "data: [DONE]\n\n",
    "data: [DONE] \n\n",
    "event: ping\ndata:\n\n"
  )

  const bodyArb = fc.oneof(
    { arbitrary: fc.constantFrom("", "\n\n", ": ping\n\n", "data: [DONE]\n\n"), weight: 1 },
    {
      arbitrary: fc.record({
        chunks: makeChunksArb(),
        specials: fc.array(fc.tuple(fc.nat(), special), { maxLength: 2 }),
        ending: fc.constantFrom("done", "none", "cut"),
        cutAt: fc.nat(),
        crlf: fc.boolean()
      }).map(({ chunks, crlf, cutAt, ending, specials }) => {
        const events = chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`)
        for (const [at, event] of specials) events.splice(at % (events.length + 1), 0, event)
        let body = events.join("") + (ending === "done" ? "data: [DONE]\n\n" : "")
        if (crlf) body = body.replace(/\n/g, "\r\n")
        if (ending !== "cut") return body
        // cut anywhere, inside a character too
        const bytes = utf8(body)
        return new TextDecoder().decode(bytes.subarray(0, cutAt % (bytes.length + 1)))
      }),
      weight: 6
    }
  )

  it.live.prop(
    "eventsFromChunks(decodeSse(Sse.decode(body))) gives what events(body) gives: events, error and snapshot",
    [bodyArb, fc.array(fc.nat(), { maxLength: 8 })],
    ([body, cuts]) =>
      Effect.gen(function*() {
        yield* breathe
        const bytes = utf8(body)
        const reads = splitAt(bytes, cuts.map((c) => c % Math.max(1, bytes.length)))
        const direct = yield* runEvents(readsOf(reads))
        const viaStages = yield* composed(readsOf(reads))
        expect(jsonLines(viaStages)).toEqual(jsonLines(direct))
        expect(viaStages.items).toStrictEqual(direct.items)
        // the errors are the same, beyond their JSON
        if (Either.isLeft(direct.result)) expect(failureOf(viaStages)).toEqual(direct.result.left)
        // and decodeSse alone succeeds exactly when the byte pipeline does,
        // with the chunks of its Chunk events
        const chunks = yield* collect(ChatStream.decodeSse(Sse.decode(readsOf(reads))))
        expect(Either.isRight(chunks.result)).toBe(Either.isRight(direct.result))
        const chunkEvents = direct.items.flatMap((e) => (e._tag === "Chunk" ? [e.chunk] : []))
        expect(chunks.items).toStrictEqual(chunkEvents)
      }),
    propertySettings
  )
})
