/**
 * The pipeline over bytes (stream contract §1, §2, §5, §6): ending, errors
 * and what they keep, the final helpers, the service and its layers, and
 * releasing the byte source.
 */
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Deferred, Effect, Either, Fiber, Option, Stream } from "effect"
import * as ChatStream from "../src/ChatStream.js"
import * as ChatStreamError from "../src/ChatStreamError.js"
import * as Snapshot from "../src/Snapshot.js"
import {
  bytesOf,
  chunk,
  collect,
  failureOf,
  lastSnapshot,
  ofTag,
  rawChunk,
  readsOf,
  type Run,
  runEvents,
  sseBody,
  sseEvents,
  tags,
  utf8
} from "./helpers.js"

const content = (text: string, choice: Record<string, unknown> = {}) =>
  rawChunk([{ index: 0, delta: { content: text }, finish_reason: null, ...choice }])
const finish = (reason: string, index = 0) => rawChunk([{ index, delta: {}, finish_reason: reason }])

/** A body of two content chunks, no finish_reason yet. */
const started = [rawChunk([{ index: 0, delta: { role: "assistant", content: "Hel" } }]), content("lo")]

/** The snapshot's content of choice 0 carried by an error. */
const carriedContent = (error: { readonly snapshot: Option.Option<{ readonly choices: ReadonlyArray<{ readonly message: { readonly content: string | null } }> }> }) =>
  Option.map(error.snapshot, (s) => s.choices[0]?.message.content ?? null)

describe("ChatStream", () => {
  describe("ending", () => {
    it.effect("[DONE] ends the stream: garbage after it in the same read is never decoded, later reads are never pulled", () =>
      Effect.gen(function*() {
        let pulled = false
        const body = sseBody([...started, finish("stop")]) + "data: {not json\n\nevent: error\ndata: {\"message\":\"late\"}\n\n"
        const bytes = Stream.concat(
          bytesOf(body),
          Stream.fromEffect(Effect.sync(() => {
            pulled = true
            return utf8("data: {\"error\":{\"message\":\"never read\"}}\n\n")
          }))
        )
        const run = yield* runEvents(bytes)
        expect(Either.isRight(run.result)).toBe(true)
        expect(tags(run.items)).toEqual(["ContentDelta", "ContentDelta", "ContentDone"])
        expect(pulled).toBe(false)
      }))

    it.effect("[DONE] releases the byte source even when the source would never end", () =>
      Effect.gen(function*() {
        let released = false
        const bytes = Stream.concat(bytesOf(sseBody([content("a")])), Stream.never).pipe(
          Stream.ensuring(Effect.sync(() => {
            released = true
          }))
        )
        const run = yield* runEvents(bytes)
        expect(Either.isRight(run.result)).toBe(true)
        expect(released).toBe(true)
        // the choice had no finish_reason: its dones come at the end of the complete stream
        expect(tags(run.items)).toEqual(["ContentDelta", "ContentDone"])
      }))

    it.effect("only data exactly [DONE] ends the stream", () =>
      Effect.gen(function*() {
        const run = yield* runEvents(bytesOf(sseEvents([content("a"), "[DONE] "]) + "data: [DONE]\n\n"))
        const error = failureOf(run)
        expect(error._tag).toBe("ChunkDecodeError")
      }))

    it.effect("a stream is complete without [DONE] when every choice got a finish_reason", () =>
      Effect.gen(function*() {
        const run = yield* runEvents(bytesOf(sseBody([...started, finish("stop")], { done: false })))
        expect(Either.isRight(run.result)).toBe(true)
        expect(Option.map(lastSnapshot(run.items), (s) => s.choices[0].message.content)).toEqual(Option.some("Hello"))
        expect(tags(run.items)).toEqual(["ContentDelta", "ContentDelta", "ContentDone"])
        // unterminated last event, valid JSON, every choice finished: complete too
        const unterminated = sseEvents([...started]) + `data: ${JSON.stringify(finish("stop"))}`
        const run2 = yield* runEvents(bytesOf(unterminated))
        expect(Either.isRight(run2.result)).toBe(true)
      }))

    it.effect("without [DONE], one unfinished choice among several makes the stream incomplete", () =>
      Effect.gen(function*() {
        const body = sseBody([
          rawChunk([{ index: 0, delta: { content: "a" } }, { index: 1, delta: { content: "b" } }]),
          finish("stop", 0)
        ], { done: false })
        const error = failureOf(yield* runEvents(bytesOf(body)))
        expect(error).toBeInstanceOf(ChatStreamError.IncompleteStreamError)
        expect((error as ChatStreamError.IncompleteStreamError).reason).toBe("NoFinishReason")
        const snapshot = Option.getOrThrow(error.snapshot)
        expect(snapshot.choices.map((ch) => [ch.message.content, ch.finish_reason])).toEqual([["a", "stop"], ["b", null]])
      }))

    it.effect("an empty body fails with IncompleteStreamError and no snapshot", () =>
      Effect.gen(function*() {
        for (const body of ["", ": keep-alive\n\n", "\n\n\n"]) {
          const run = yield* runEvents(bytesOf(body))
          const error = failureOf(run)
          expect(error).toBeInstanceOf(ChatStreamError.IncompleteStreamError)
          expect((error as ChatStreamError.IncompleteStreamError).reason).toBe("NoFinishReason")
          expect(Option.isNone(error.snapshot)).toBe(true)
          expect(run.items).toEqual([])
        }
        const none = failureOf(yield* runEvents(Stream.empty))
        expect(none._tag).toBe("IncompleteStreamError")
      }))

    it.effect("a cut-off body fails with IncompleteStreamError carrying the last snapshot, after its events, with no end dones", () =>
      Effect.gen(function*() {
        const run = yield* runEvents(bytesOf(sseBody(started, { done: false })))
        const error = failureOf(run)
        expect(error).toBeInstanceOf(ChatStreamError.IncompleteStreamError)
        expect((error as ChatStreamError.IncompleteStreamError).reason).toBe("NoFinishReason")
        expect(carriedContent(error)).toEqual(Option.some("Hello"))
        expect(tags(run.items)).toEqual(["ContentDelta", "ContentDelta"])
      }))

    it.effect("an unterminated last event that is not valid JSON: IncompleteStreamError CutInsideEvent with the last snapshot", () =>
      Effect.gen(function*() {
        const body = sseEvents(started) + "data: {\"id\":\"chatcmpl-t\",\"choices\":[{\"index\":0,\"delta\":{\"cont"
        const run = yield* runEvents(bytesOf(body))
        const error = failureOf(run)
        expect(error).toBeInstanceOf(ChatStreamError.IncompleteStreamError)
        expect((error as ChatStreamError.IncompleteStreamError).reason).toBe("CutInsideEvent")
        expect(carriedContent(error)).toEqual(Option.some("Hello"))
        // the same text terminated by a blank line is a decode error instead
        const terminated = failureOf(yield* runEvents(bytesOf(body + "\n\n")))
        expect(terminated._tag).toBe("ChunkDecodeError")
      }))

    it.effect("an unterminated event: error whose data is not JSON is a cut too, not an ApiError", () =>
      Effect.gen(function*() {
        const body = sseEvents(started) + "event: error\ndata: {\"mess"
        const run = yield* runEvents(bytesOf(body))
        const error = failureOf(run)
        expect(error).toBeInstanceOf(ChatStreamError.IncompleteStreamError)
        expect((error as ChatStreamError.IncompleteStreamError).reason).toBe("CutInsideEvent")
        expect(error.message).toContain("event: error")
        // what the server said is not lost
        expect(error.message).toContain(JSON.stringify("{\"mess"))
        const plain = failureOf(yield* runEvents(bytesOf(sseEvents(started) + "event: error\ndata: Internal server error")))
        expect(plain.message).toContain("\"Internal server error\"")
        expect(carriedContent(error)).toEqual(Option.some("Hello"))
        expect(tags(run.items)).toEqual(["ContentDelta", "ContentDelta"])
        // terminated, the same text is the provider's error, as it stands
        const terminated = failureOf(yield* runEvents(bytesOf(body + "\n\n"))) as ChatStreamError.ApiError
        expect(terminated._tag).toBe("ApiError")
        expect(terminated.message).toBe("{\"mess")
        // unterminated but valid JSON: an ApiError
        const json = failureOf(yield* runEvents(bytesOf(sseEvents(started) + "event: error\ndata: {\"message\":\"late\"}")))
        expect(json._tag).toBe("ApiError")
        expect(json.message).toBe("late")
      }))

    it.effect("a body that is only [DONE] ends well with no snapshot", () =>
      Effect.gen(function*() {
        const run = yield* runEvents(bytesOf("data: [DONE]\n\n"))
        expect(Either.isRight(run.result)).toBe(true)
        expect(run.items).toEqual([])
        expect(yield* ChatStream.finalChatCompletion(ChatStream.events(bytesOf("data: [DONE]\n\n")))).toEqual(Option.none())
        expect(yield* ChatStream.finalChatCompletion(ChatStream.chunks(bytesOf("data: [DONE]\n\n")))).toEqual(Option.none())
        expect(yield* ChatStream.finalContent(ChatStream.events(bytesOf("data: [DONE]\n\n")))).toEqual(Option.none())
      }))
  })

  describe("server-sent events", () => {
    it.effect("an event whose data is empty is skipped whatever its name; other event names are plain data", () =>
      Effect.gen(function*() {
        const body = "event: error\ndata:\n\n" +
          "event: error\n\n" +
          `event: completion\ndata: ${JSON.stringify(started[0])}\n\n` +
          `event: message\ndata: ${JSON.stringify(started[1])}\n\n` +
          sseBody([finish("stop")])
        const run = yield* runEvents(bytesOf(body))
        expect(Either.isRight(run.result)).toBe(true)
        expect(Option.map(lastSnapshot(run.items), (s) => s.choices[0].message.content)).toEqual(Option.some("Hello"))
      }))

    it.effect("data split over several data: lines is joined with \\n before decoding", () =>
      Effect.gen(function*() {
        const json = JSON.stringify(content("multi"), null, 1)
        const body = json.split("\n").map((line) => `data: ${line}\n`).join("") + "\n" + sseBody([finish("stop")])
        const run = yield* runEvents(bytesOf(body))
        expect(Either.isRight(run.result)).toBe(true)
        expect(Option.map(lastSnapshot(run.items), (s) => s.choices[0].message.content)).toEqual(Option.some("multi"))
      }))

    it.effect("the pipelines are pipeable: bytes.pipe(ChatStream.events(options))", () =>
      Effect.gen(function*() {
        const run = yield* collect(bytesOf(sseBody([...started, finish("stop")])).pipe(ChatStream.events({ maxEventBytes: 1024 })))
        expect(tags(run.items)).toEqual(["ContentDelta", "ContentDelta", "ContentDone"])
        const tooSmall = yield* collect(bytesOf(sseBody([...started])).pipe(ChatStream.chunks({ maxEventBytes: 16 })))
        expect(failureOf(tooSmall)._tag).toBe("SseError")
      }))
  })

  describe("provider errors", () => {
    it.effect("event: error fails with an ApiError built from data.error", () =>
      Effect.gen(function*() {
        const body = sseEvents(started) +
          "event: error\ndata: {\"error\":{\"message\":\"Overloaded\",\"type\":\"overloaded_error\",\"code\":529,\"param\":\"model\"}}\n\n" +
          "data: [DONE]\n\n"
        const run = yield* runEvents(bytesOf(body))
        const error = failureOf(run)
        expect(error).toBeInstanceOf(ChatStreamError.ApiError)
        const api = error as ChatStreamError.ApiError
        expect([api.message, api.type, api.code, api.param]).toEqual(["Overloaded", "overloaded_error", 529, "model"])
        expect(carriedContent(api)).toEqual(Option.some("Hello"))
        expect(tags(run.items)).toEqual(["ContentDelta", "ContentDelta"])
      }))

    it.effect("event: error without an error member: the ApiError is built from data itself", () =>
      Effect.gen(function*() {
        const body = "event: error\ndata: {\"message\":\"Rate limit\",\"type\":\"rate_limit\"}\n\n"
        const error = failureOf(yield* runEvents(bytesOf(body)))
        expect(error).toBeInstanceOf(ChatStreamError.ApiError)
        const api = error as ChatStreamError.ApiError
        expect([api.message, api.type, api.code, api.param]).toEqual(["Rate limit", "rate_limit", null, null])
        expect(Option.isNone(api.snapshot)).toBe(true)
      }))

    it.effect("an in-stream {\"error\": …} payload fails with an ApiError carrying the snapshot so far", () =>
      Effect.gen(function*() {
        const body = sseBody([
          ...started,
          { error: { message: "The server had an error", type: "server_error", param: null, code: null } }
        ])
        const run = yield* runEvents(bytesOf(body))
        const api = failureOf(run) as ChatStreamError.ApiError
        expect(api._tag).toBe("ApiError")
        expect([api.message, api.type, api.code, api.param]).toEqual(["The server had an error", "server_error", null, null])
        expect(carriedContent(api)).toEqual(Option.some("Hello"))
      }))

    it.effect("an error payload that also has choices is an ApiError; its choices are not folded in", () =>
      Effect.gen(function*() {
        const body = sseBody([
          ...started,
          { ...content(" world", { finish_reason: "stop" }), error: { message: "Upstream failed", code: "upstream" } }
        ])
        const run = yield* runEvents(bytesOf(body))
        const api = failureOf(run) as ChatStreamError.ApiError
        expect(api._tag).toBe("ApiError")
        expect([api.message, api.type, api.code, api.param]).toEqual(["Upstream failed", null, "upstream", null])
        expect(carriedContent(api)).toEqual(Option.some("Hello"))
        expect(tags(run.items)).toEqual(["ContentDelta", "ContentDelta"])
      }))

    it.effect("an error that is a non-empty string is an ApiError too", () =>
      Effect.gen(function*() {
        const api = failureOf(yield* runEvents(bytesOf(sseBody([{ error: "quota exceeded" }])))) as ChatStreamError.ApiError
        expect(api._tag).toBe("ApiError")
        expect([api.message, api.type, api.code, api.param]).toEqual(["quota exceeded", null, null, null])
        expect(Option.isNone(api.snapshot)).toBe(true)
      }))

    it.effect("an ApiError's message is never empty: an empty or blank one falls back to a sentence naming the type and code", () =>
      Effect.gen(function*() {
        const cases: ReadonlyArray<readonly [string, string]> = [
          ["data: {\"error\":{\"message\":\"\",\"type\":\"server_error\"}}\n\n", "The provider reported an error (server_error)"],
          ["data: {\"error\":{\"message\":\"  \",\"code\":500}}\n\n", "The provider reported an error (code 500)"],
          [
            "data: {\"error\":{\"message\":\"\",\"type\":\"overloaded\",\"code\":\"529\"}}\n\n",
            "The provider reported an error (overloaded, code 529)"
          ],
          ["data: {\"error\":{\"type\":\"\",\"code\":\"\"}}\n\n", "The provider reported an error"],
          ["event: error\ndata: {\"error\":\"\"}\n\n", "The provider reported an error"],
          ["event: error\ndata: {\"message\":\"\"}\n\n", "The provider reported an error"],
          ["event: error\ndata: {\"message\":\"\",\"type\":\"rate_limit\"}\n\n", "The provider reported an error (rate_limit)"],
          ["event: error\ndata: {}\n\n", "The provider reported an error"],
          ["event: error\ndata:  \n\n", "The provider reported an error"]
        ]
        for (const [event, message] of cases) {
          const run = yield* runEvents(bytesOf(sseEvents(started) + event + "data: [DONE]\n\n"))
          const api = failureOf(run) as ChatStreamError.ApiError
          expect(api._tag, event).toBe("ApiError")
          expect(api.message, event).toBe(message)
          expect(carriedContent(api)).toEqual(Option.some("Hello"))
        }
        // the fields keep what was sent
        const typed = ChatStreamError.apiErrorFromPayload({ error: { message: "", type: "server_error", code: 500 } }, Option.none())
        expect([typed.type, typed.code]).toEqual(["server_error", 500])
        // a payload whose error is "" is no error (§2): a chunk without choices
        const notAnError = yield* runEvents(bytesOf(sseBody([...started, { error: "" }, finish("stop")])))
        expect(Either.isRight(notAnError.result)).toBe(true)
      }))

    it.effect("error fields nested too deeply to serialise still give an ApiError with the snapshot so far", () =>
      Effect.gen(function*() {
        const deep = "[".repeat(200_000) + "]".repeat(200_000)
        const body = sseEvents(started) + `data: {"error":{"message":${deep},"type":"server_error","param":${deep}}}\n\n`
        const run = yield* runEvents(bytesOf(body))
        const api = failureOf(run) as ChatStreamError.ApiError
        expect(api._tag).toBe("ApiError")
        expect(api.message).toMatch(/^\(not serialisable: /)
        expect(api.param).toMatch(/^\(not serialisable: /)
        expect(api.type).toBe("server_error")
        expect(carriedContent(api)).toEqual(Option.some("Hello"))
        expect(tags(run.items)).toEqual(["ContentDelta", "ContentDelta"])
        // small structured fields are still serialised
        const small = failureOf(yield* runEvents(bytesOf(sseBody([{ error: { message: ["a", 1] } }])))) as ChatStreamError.ApiError
        expect(small.message).toBe('["a",1]')
      }))
  })

  describe("chunk decoding", () => {
    describe("a payload nested too deeply for a recursive step", () => {
      // JSON.parse takes any depth; JSON.stringify, the Schema and its error
      // formatter recurse. Each of these must be a typed error, not a defect.
      const deep = "[".repeat(200_000) + "]".repeat(200_000)
      const chunkText = (choice: string) => `{"id":"c","created":1,"model":"m","choices":[${choice}]}`
      const cases = {
        "object-valued tool-call arguments (JSON.stringify)": chunkText(
          `{"index":0,"delta":{"tool_calls":[{"index":0,"id":"t","function":{"name":"f","arguments":{"a":${deep}}}}]}}`
        ),
        "a wrongly typed field (the Schema's error formatter)": chunkText(`{"index":0,"delta":{"content":${deep}}}`)
      }
      for (const [name, text] of Object.entries(cases)) {
        it.effect(`${name}: ChunkDecodeError with the snapshot before it, after the events before it`, () =>
          Effect.gen(function*() {
            const body = sseEvents(started) + `data: ${text}\n\n` + sseBody([finish("stop")])
            const run = yield* runEvents(bytesOf(body))
            const error = failureOf(run) as ChatStreamError.ChunkDecodeError
            expect(error._tag).toBe("ChunkDecodeError")
            expect(carriedContent(error)).toEqual(Option.some("Hello"))
            expect(error.text).toBe(text.slice(0, 1024))
            expect(tags(run.items)).toEqual(["ContentDelta", "ContentDelta"])
            const snapshots = yield* collect(ChatStream.snapshots(bytesOf(body)))
            expect(failureOf(snapshots)._tag).toBe("ChunkDecodeError")
            expect(snapshots.items).toHaveLength(2)
          }))
      }

      it.effect("eventsFromChunks fails with ChunkDecodeError too (the arguments cannot be serialised)", () =>
        Effect.gen(function*() {
          const parsed = JSON.parse(cases["object-valued tool-call arguments (JSON.stringify)"])
          const chunks = [...started, parsed].map((raw) => ChatStream.decodePayload(raw, ""))
          const decoded = chunks.map((c) => Either.getOrThrow(c))
          const run = yield* collect(ChatStream.eventsFromChunks(Stream.fromIterable(decoded)))
          const error = failureOf(run) as ChatStreamError.ChunkDecodeError
          expect(error._tag).toBe("ChunkDecodeError")
          expect(carriedContent(error)).toEqual(Option.some("Hello"))
        }))
    })

    it.effect("data that is not JSON fails with ChunkDecodeError holding the first 1 KiB and the reason", () =>
      Effect.gen(function*() {
        const text = "not json " + "x".repeat(3000)
        const run = yield* runEvents(bytesOf(sseEvents([...started, text])))
        const error = failureOf(run) as ChatStreamError.ChunkDecodeError
        expect(error._tag).toBe("ChunkDecodeError")
        expect(error.text).toBe(text.slice(0, 1024))
        let expectedReason = ""
        try {
          JSON.parse(text)
        } catch (e) {
          expectedReason = (e as Error).message
        }
        expect(expectedReason).not.toBe("")
        expect(error.reason).toContain(expectedReason)
        expect(carriedContent(error)).toEqual(Option.some("Hello"))
        expect(error.message.length).toBeGreaterThan(0)
      }))

    it.effect("short non-JSON text is kept whole; whitespace-only data is not empty and fails as a chunk", () =>
      Effect.gen(function*() {
        const short = failureOf(yield* runEvents(bytesOf("data: {oops\n\n"))) as ChatStreamError.ChunkDecodeError
        expect(short._tag).toBe("ChunkDecodeError")
        expect(short.text).toBe("{oops")
        expect(Option.isNone(short.snapshot)).toBe(true)
        const blank = failureOf(yield* runEvents(bytesOf("data:   \n\n"))) as ChatStreamError.ChunkDecodeError
        expect(blank._tag).toBe("ChunkDecodeError")
        expect(blank.text).toBe("  ")
      }))

    it.effect("JSON that is not an object fails with ChunkDecodeError", () =>
      Effect.gen(function*() {
        for (const data of ["[1,2]", "42", "\"text\"", "null", "true", "[]"]) {
          const run = yield* runEvents(bytesOf(sseEvents([...started, data])))
          const error = failureOf(run) as ChatStreamError.ChunkDecodeError
          expect(error._tag, data).toBe("ChunkDecodeError")
          expect(error.text).toBe(data)
          expect(carriedContent(error)).toEqual(Option.some("Hello"))
        }
      }))

    it.effect("wrong types fail with ChunkDecodeError carrying the Schema's message", () =>
      Effect.gen(function*() {
        const stringIndex = failureOf(
          yield* runEvents(bytesOf(sseBody([{ choices: [{ index: "0", delta: { content: "a" } }] }])))
        ) as ChatStreamError.ChunkDecodeError
        expect(stringIndex._tag).toBe("ChunkDecodeError")
        expect(stringIndex.reason).toContain("Expected number, actual \"0\"")
        expect(stringIndex.reason).toContain("index")
        const numberContent = failureOf(
          yield* runEvents(bytesOf(sseBody([...started, { choices: [{ index: 0, delta: { content: 5 } }] }])))
        ) as ChatStreamError.ChunkDecodeError
        expect(numberContent._tag).toBe("ChunkDecodeError")
        expect(numberContent.reason).toContain("Expected string, actual 5")
        expect(numberContent.reason).toContain("content")
        expect(carriedContent(numberContent)).toEqual(Option.some("Hello"))
      }))

    it.effect("lenient: null and missing fields decode with their defaults; unknown fields are kept", () =>
      Effect.gen(function*() {
        const body = sseBody([
          { choices: [{ delta: { content: "a" } }] },
          { id: null, model: null, created: null, object: null, choices: [{ index: null, delta: null, finish_reason: null, logprobs: null }] },
          { choices: null, usage: null },
          {},
          { id: "", model: "", choices: [{ index: 0, delta: { content: "b", role: null, refusal: null, tool_calls: null }, finish_reason: "" }] },
          { id: "real", model: "m", created: 3, x_vendor: { k: 1 }, choices: [{ delta: { content: "c" }, finish_reason: "stop", native_finish_reason: "STOP" }] }
        ])
        const run = yield* runEvents(bytesOf(body))
        expect(Either.isRight(run.result)).toBe(true)
        const chunks = ofTag(run.items, "Chunk")
        expect(chunks).toHaveLength(6)
        expect(chunks[0].chunk.choices[0].index).toBe(0)
        expect(chunks[0].chunk.id).toBe("")
        expect(chunks[2].chunk.choices).toEqual([])
        expect((chunks[5].chunk as Record<string, unknown>).x_vendor).toEqual({ k: 1 })
        const snapshot = Option.getOrThrow(lastSnapshot(run.items))
        expect([snapshot.id, snapshot.model, snapshot.created]).toEqual(["real", "m", 3])
        expect(snapshot.choices).toHaveLength(1)
        expect(snapshot.choices[0].message.content).toBe("abc")
        expect(snapshot.choices[0].finish_reason).toBe("stop")
        expect((snapshot.choices[0] as Record<string, unknown>).native_finish_reason).toBe("STOP")
        expect((snapshot as Record<string, unknown>).x_vendor).toEqual({ k: 1 })
      }))

    it.effect("chunks() gives the decoded chunks; snapshots() the snapshot after each", () =>
      Effect.gen(function*() {
        const raws = [...started, finish("stop")]
        const chunks = yield* Stream.runCollect(ChatStream.chunks(bytesOf(sseBody(raws))))
        expect(Array.from(chunks)).toEqual(raws.map(chunk))
        const snapshots = yield* Stream.runCollect(ChatStream.snapshots(bytesOf(sseBody(raws))))
        expect(Array.from(snapshots).map((s) => s.choices[0].message.content)).toEqual(["Hel", "Hello", "Hello"])
        const cut = yield* collect(ChatStream.chunks(bytesOf(sseBody(started, { done: false }))))
        expect(failureOf(cut)._tag).toBe("IncompleteStreamError")
        expect(cut.items).toHaveLength(2)
      }))
  })

  describe("final helpers", () => {
    it.effect("a body of 20,000 chunks handed over as one piece: the events come in one Stream chunk and the helpers do not overflow", () =>
      Effect.gen(function*() {
        const words = Array.from({ length: 20_000 }, (_, i) => `w${i} `)
        const body = sseBody([
          ...words.map((word) => rawChunk([{ index: 0, delta: { content: word } }])),
          rawChunk([{ index: 0, delta: {}, finish_reason: "stop" }])
        ])
        const bytes = new TextEncoder().encode(body)
        const completion = yield* ChatStream.finalChatCompletion(ChatStream.events(Stream.make(bytes)))
        expect(Option.map(completion, (c) => c.choices[0].message.content)).toEqual(Option.some(words.join("")))
        const fromChunks = yield* ChatStream.finalContent(ChatStream.chunks(Stream.make(bytes)))
        expect(fromChunks).toEqual(Option.some(words.join("")))
      }))

    const toolBody = sseBody([
      rawChunk([{ index: 0, delta: { role: "assistant", content: "Let me check." } }]),
      rawChunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "lookup", arguments: "{\"q\":" } }] } }]),
      rawChunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: "\"x\"}" } }] } }]),
      rawChunk([{ index: 0, delta: {}, finish_reason: "tool_calls" }]),
      rawChunk([], { usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 } })
    ])
    const expectedCalls = [{ id: "call_1", type: "function", function: { name: "lookup", arguments: "{\"q\":\"x\"}" } }]

    /** The same response as an events stream, a chunk stream from bytes, and a chunk stream from a list. */
    const sources = Effect.gen(function*() {
      const decoded = Array.from(yield* Stream.runCollect(ChatStream.chunks(bytesOf(toolBody))))
      return [
        ["events", () => ChatStream.events(bytesOf(toolBody))],
        ["chunks", () => ChatStream.chunks(bytesOf(toolBody))],
        ["fromIterable", () => Stream.fromIterable(decoded)],
        ["eventsFromChunks", () => ChatStream.eventsFromChunks(Stream.fromIterable(decoded))]
      ] as const
    })

    it.effect("finalChatCompletion on events and on chunks", () =>
      Effect.gen(function*() {
        for (const [name, source] of yield* sources) {
          const completion = Option.getOrThrow(yield* ChatStream.finalChatCompletion(source()))
          expect(completion.object, name).toBe("chat.completion")
          expect(completion.usage, name).toEqual({ prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 })
          expect(completion.choices.map((ch) => ch.finish_reason), name).toEqual(["tool_calls"])
          expect(completion.choices[0].message.tool_calls, name).toEqual(expectedCalls)
        }
      }))

    it.effect("finalMessage, finalContent, finalToolCalls on events and on chunks", () =>
      Effect.gen(function*() {
        for (const [name, source] of yield* sources) {
          const message = Option.getOrThrow(yield* ChatStream.finalMessage(source()))
          expect(message.role, name).toBe("assistant")
          expect(message.content, name).toBe("Let me check.")
          expect(yield* ChatStream.finalContent(source()), name).toEqual(Option.some("Let me check."))
          expect(yield* ChatStream.finalToolCalls(source()), name).toEqual(Option.some(expectedCalls))
        }
      }))

    it.effect("finalContent / finalToolCalls are none when the first choice has none", () =>
      Effect.gen(function*() {
        const onlyTools = sseBody([
          rawChunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: "c", function: { name: "f", arguments: "{}" } }] } }]),
          rawChunk([{ index: 0, delta: {}, finish_reason: "tool_calls" }])
        ])
        expect(yield* ChatStream.finalContent(ChatStream.events(bytesOf(onlyTools)))).toEqual(Option.none())
        const onlyText = sseBody([content("hi"), finish("stop")])
        expect(yield* ChatStream.finalToolCalls(ChatStream.events(bytesOf(onlyText)))).toEqual(Option.none())
        expect(yield* ChatStream.finalToolCalls(ChatStream.chunks(bytesOf(onlyText)))).toEqual(Option.none())
        // the first choice is the one with the lowest index
        const two = sseBody([
          rawChunk([{ index: 1, delta: { content: "second" } }, { index: 0, delta: { content: "first" } }]),
          rawChunk([{ index: 1, delta: {}, finish_reason: "stop" }, { index: 0, delta: {}, finish_reason: "stop" }])
        ])
        expect(yield* ChatStream.finalContent(ChatStream.events(bytesOf(two)))).toEqual(Option.some("first"))
      }))

    it.effect("the final helpers fail with the stream's error", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(ChatStream.finalChatCompletion(ChatStream.events(bytesOf(sseBody(started, { done: false })))))
        expect(error._tag).toBe("IncompleteStreamError")
        const error2 = yield* Effect.flip(ChatStream.finalContent(ChatStream.chunks(bytesOf(sseBody([...started, { error: { message: "x" } }])))))
        expect(error2._tag).toBe("ApiError")
      }))

    it.effect("finalChatCompletionChecked: LengthFinishReasonError / ContentFilterFinishReasonError carry the completion", () =>
      Effect.gen(function*() {
        const length = yield* Effect.flip(
          ChatStream.finalChatCompletionChecked(ChatStream.events(bytesOf(sseBody([...started, finish("length")]))))
        )
        expect(length).toBeInstanceOf(ChatStreamError.LengthFinishReasonError)
        expect((length as ChatStreamError.LengthFinishReasonError).choiceIndex).toBe(0)
        expect(carriedContent(length)).toEqual(Option.some("Hello"))
        expect(Option.getOrThrow(length.snapshot).choices[0].finish_reason).toBe("length")

        const filtered = yield* Effect.flip(
          ChatStream.finalChatCompletionChecked(
            ChatStream.chunks(bytesOf(sseBody([
              rawChunk([{ index: 0, delta: { content: "ok" } }, { index: 1, delta: { content: "bad" } }]),
              rawChunk([{ index: 0, delta: {}, finish_reason: "stop" }, { index: 1, delta: {}, finish_reason: "content_filter" }])
            ])))
          )
        )
        expect(filtered).toBeInstanceOf(ChatStreamError.ContentFilterFinishReasonError)
        expect((filtered as ChatStreamError.ContentFilterFinishReasonError).choiceIndex).toBe(1)
        expect(Option.getOrThrow(filtered.snapshot).choices.map((ch) => ch.message.content)).toEqual(["ok", "bad"])

        const fine = yield* ChatStream.finalChatCompletionChecked(ChatStream.events(bytesOf(sseBody([...started, finish("stop")]))))
        expect(Option.map(fine, (s) => s.choices[0].message.content)).toEqual(Option.some("Hello"))
        expect(yield* ChatStream.finalChatCompletionChecked(ChatStream.events(bytesOf("data: [DONE]\n\n")))).toEqual(Option.none())
      }))

    it.effect("finalChatCompletion on chunks equals the fold of those chunks", () =>
      Effect.gen(function*() {
        const decoded = Array.from(yield* Stream.runCollect(ChatStream.chunks(bytesOf(toolBody))))
        expect(yield* ChatStream.finalChatCompletion(Stream.fromIterable(decoded))).toEqual(Snapshot.fromChunks(decoded))
        expect(yield* ChatStream.finalChatCompletion(ChatStream.events(bytesOf(toolBody)))).toEqual(Snapshot.fromChunks(decoded))
      }))
  })

  describe("service", () => {
    it.effect("ChatStream.layer provides the pipelines with the default options", () =>
      Effect.gen(function*() {
        const chat = yield* ChatStream.ChatStream
        expect(chat.options.maxEventBytes).toBe(16 * 1024 * 1024)
        const run = yield* collect(chat.events(bytesOf(sseBody([...started, finish("stop")]))))
        expect(Either.isRight(run.result)).toBe(true)
        expect(tags(run.items)).toEqual(["ContentDelta", "ContentDelta", "ContentDone"])
        const snapshots = yield* Stream.runCollect(chat.snapshots(bytesOf(sseBody([...started, finish("stop")]))))
        expect(Array.from(snapshots).map((s) => s.choices[0].message.content)).toEqual(["Hel", "Hello", "Hello"])
        const chunks = yield* Stream.runCollect(chat.chunks(bytesOf(sseBody([...started]))))
        expect(chunks.length).toBe(2)
      }).pipe(Effect.provide(ChatStream.layer)))

    it.effect("layerConfig reads CHAT_STREAM_MAX_EVENT_BYTES and CHAT_STREAM_PARTIAL_JSON; both optional, blank is unset", () =>
      Effect.gen(function*() {
        const optionsFrom = (env: Record<string, string>) =>
          Effect.map(ChatStream.ChatStream, (chat) => chat.options).pipe(
            Effect.provide(ChatStream.layerConfig()),
            Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
          )
        expect(yield* optionsFrom({})).toEqual(ChatStream.defaultOptions)
        expect(yield* optionsFrom({ CHAT_STREAM_MAX_EVENT_BYTES: "4096", CHAT_STREAM_PARTIAL_JSON: "false" })).toEqual({
          maxEventBytes: 4096,
          partialJson: false
        })
        expect(yield* optionsFrom({ CHAT_STREAM_MAX_EVENT_BYTES: "", CHAT_STREAM_PARTIAL_JSON: "  " })).toEqual(
          ChatStream.defaultOptions
        )
        const bad = yield* Effect.either(optionsFrom({ CHAT_STREAM_PARTIAL_JSON: "sometimes" }))
        expect(Either.isLeft(bad)).toBe(true)
        const badBytes = yield* Effect.either(optionsFrom({ CHAT_STREAM_MAX_EVENT_BYTES: "12kb" }))
        expect(Either.isLeft(badBytes)).toBe(true)
      }))

    it.effect("CHAT_STREAM_MAX_EVENT_BYTES must be a positive integer: 0, negative, fractional or NaN is a ConfigError", () =>
      Effect.gen(function*() {
        const read = (value: string) =>
          Effect.either(ChatStream.config).pipe(
            Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["CHAT_STREAM_MAX_EVENT_BYTES", value]])))
          )
        for (const value of ["0", "-1", "-4096", "1.5", "NaN", "Infinity"]) {
          const result = yield* read(value)
          expect(Either.isLeft(result), value).toBe(true)
          if (Either.isLeft(result)) expect(String(result.left), value).toContain("CHAT_STREAM_MAX_EVENT_BYTES")
        }
        expect(yield* read("1")).toEqual(Either.right({ maxEventBytes: 1, partialJson: undefined }))
        // the layer fails with it
        const layer = yield* Effect.either(
          Effect.provide(ChatStream.ChatStream, ChatStream.layerConfig()).pipe(
            Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["CHAT_STREAM_MAX_EVENT_BYTES", "0"]])))
          )
        )
        expect(Either.isLeft(layer)).toBe(true)
      }))

    it.effect("an invalid maxEventBytes fails every pipeline with SseError InvalidLimit, before reading, not a defect", () =>
      Effect.gen(function*() {
        const body = sseBody([...started, finish("stop")])
        for (const limit of [Number.NaN, 0, -1, 2.5]) {
          let pulled = false
          const source = () =>
            Stream.fromEffect(Effect.sync(() => {
              pulled = true
              return utf8(body)
            }))
          const runs: ReadonlyArray<Run<unknown, ChatStreamError.ChatStreamError>> = [
            yield* collect(ChatStream.events(source(), { maxEventBytes: limit })),
            yield* collect(ChatStream.chunks(source(), { maxEventBytes: limit })),
            yield* collect(ChatStream.snapshots(source(), { maxEventBytes: limit })),
            yield* Effect.flatMap(ChatStream.ChatStream, (chat) => collect(chat.events(source()))).pipe(
              Effect.provide(ChatStream.layerWith({ maxEventBytes: limit }))
            )
          ]
          for (const run of runs) {
            const error = failureOf(run) as ChatStreamError.SseError
            expect(error._tag).toBe("SseError")
            expect(error.reason).toBe("InvalidLimit")
            expect(Object.is(error.limit, limit)).toBe(true)
            expect(error.message).toContain("maxEventBytes")
            expect(run.items).toEqual([])
          }
          expect(pulled).toBe(false)
        }
        // Infinity is no limit
        const unlimited = yield* collect(ChatStream.events(bytesOf(body), { maxEventBytes: Infinity }))
        expect(Either.isRight(unlimited.result)).toBe(true)
      }))

    it.effect("maxEventBytes counts UTF-8 bytes of the event's data, not UTF-16 code units", () =>
      Effect.gen(function*() {
        const data = JSON.stringify(rawChunk([{ index: 0, delta: { content: "日本語".repeat(100) }, finish_reason: "stop" }]))
        const bytes = utf8(data).length // 900 bytes of text and the JSON around it; fewer code units
        expect(data.length).toBeLessThan(bytes - 500)
        const over = yield* collect(ChatStream.events(bytesOf(sseBody([data])), { maxEventBytes: bytes - 1 }))
        const error = failureOf(over) as ChatStreamError.SseError
        expect(error._tag).toBe("SseError")
        expect(error.reason).toBe("EventTooLarge")
        expect(error.limit).toBe(bytes - 1)
        const exact = yield* collect(ChatStream.events(bytesOf(sseBody([data])), { maxEventBytes: bytes }))
        expect(Either.isRight(exact.result)).toBe(true)
      }))

    it.effect("layerWith({ maxEventBytes }): an oversized event fails with SseError after the events before it", () =>
      Effect.gen(function*() {
        const big = content("x".repeat(500))
        const body = sseBody([...started, big, finish("stop")])
        const small = Effect.gen(function*() {
          const chat = yield* ChatStream.ChatStream
          expect(chat.options.maxEventBytes).toBe(256)
          return yield* collect(chat.events(bytesOf(body)))
        }).pipe(Effect.provide(ChatStream.layerWith({ maxEventBytes: 256 })))
        const run = yield* small
        const error = failureOf(run)
        expect(error).toBeInstanceOf(ChatStreamError.SseError)
        const sse = error as ChatStreamError.SseError
        expect(sse.reason).toBe("EventTooLarge")
        expect(sse.limit).toBe(256)
        expect(carriedContent(sse)).toEqual(Option.some("Hello"))
        expect(tags(run.items)).toEqual(["ContentDelta", "ContentDelta"])

        // the same body passes with the default layer
        const fine = yield* Effect.gen(function*() {
          const chat = yield* ChatStream.ChatStream
          return yield* collect(chat.events(bytesOf(body)))
        }).pipe(Effect.provide(ChatStream.layer))
        expect(Either.isRight(fine.result)).toBe(true)
      }))

    it.effect("the limit holds for an event that never ends (no newline) without reading all of it", () =>
      Effect.gen(function*() {
        let reads = 0
        const endless = Stream.concat(
          bytesOf(sseEvents(started) + "data: {\"a\":\""),
          Stream.repeatEffect(Effect.sync(() => {
            reads++
            return utf8("y".repeat(1024))
          }))
        )
        const run = yield* collect(ChatStream.events(endless, { maxEventBytes: 64 * 1024 }))
        expect(failureOf(run)._tag).toBe("SseError")
        expect(reads).toBeLessThan(200)
      }))
  })

  describe("consumers", () => {
    it.effect("a consumer that freezes every snapshot it gets (Immer, Redux) does not break the stream", () =>
      Effect.gen(function*() {
        const lp = (token: string) => ({ token, logprob: -1, top_logprobs: [] })
        const body = sseBody([
          rawChunk([{ index: 0, delta: { content: "a", reasoning_details: [{ t: 1 }] }, logprobs: { content: [lp("a")] } }]),
          rawChunk([{ index: 0, delta: { content: "b", reasoning_details: [{ t: 2 }] }, logprobs: { content: [lp("b")] } }]),
          rawChunk([{ index: 0, delta: { content: "c" }, logprobs: { content: [lp("c")] }, finish_reason: "stop" }])
        ])
        const freezeAll = (value: unknown): void => {
          if (typeof value !== "object" || value === null) return
          try {
            Object.freeze(value)
            for (const key of Object.keys(value)) freezeAll((value as Record<string, unknown>)[key])
          } catch {
            // freezing itself may be refused; what matters here is the stream going on
          }
        }
        // one read per event, so that each snapshot reaches the consumer before the next chunk is folded
        const reads = body.split(/(?<=\n\n)/).map(utf8)
        expect(reads.length).toBe(4)
        const run = yield* collect(
          ChatStream.events(readsOf(reads)).pipe(
            Stream.tap((event) => Effect.sync(() => event._tag === "Chunk" && freezeAll(event.snapshot)))
          )
        ).pipe(Effect.sandbox, Effect.either)
        expect(Either.isRight(run), Either.isLeft(run) ? String(run.left) : "").toBe(true)
        if (Either.isRight(run)) {
          expect(Either.isRight(run.right.result)).toBe(true)
          const last = Option.getOrThrow(lastSnapshot(run.right.items))
          expect(last.choices[0].logprobs?.content?.map((t) => t.token)).toEqual(["a", "b", "c"])
          expect(last.choices[0].message.reasoning_details).toEqual([{ t: 1 }, { t: 2 }])
        }
      }))
  })

  describe("releasing the byte source", () => {
    const pieces = (body: string) => {
      const bytes = utf8(body)
      const out: Array<Uint8Array> = []
      for (let i = 0; i < bytes.length; i += 40) out.push(bytes.slice(i, i + 40))
      return out
    }
    const longBody = sseEvents([
      rawChunk([{ index: 0, delta: { role: "assistant", content: "a" } }]),
      content("b"),
      content("c"),
      content("d")
    ])

    it.effect("a consumer that stops early (Stream.take(2)) sees the finalizer run, with a source that never ends", () =>
      Effect.gen(function*() {
        let acquired = 0
        let released = 0
        const source = Stream.acquireRelease(
          Effect.sync(() => {
            acquired++
          }),
          () =>
            Effect.sync(() => {
              released++
            })
        ).pipe(Stream.flatMap(() => Stream.concat(readsOf(pieces(longBody)), Stream.never)))
        const taken = yield* Stream.runCollect(ChatStream.events(source).pipe(Stream.take(2)))
        expect(Array.from(taken).map((e) => e._tag)).toEqual(["Chunk", "ContentDelta"])
        expect(acquired).toBe(1)
        expect(released).toBe(1)
      }))

    it.effect("Stream.ensuring on the source runs when the consumer stops early", () =>
      Effect.gen(function*() {
        let finalized = false
        const source = readsOf(pieces(longBody + "data: [DONE]\n\n")).pipe(
          Stream.ensuring(Effect.sync(() => {
            finalized = true
          }))
        )
        const taken = yield* Stream.runCollect(ChatStream.events(source).pipe(Stream.take(2)))
        expect(taken.length).toBe(2)
        expect(finalized).toBe(true)
      }))

    it.effect("interrupting a final helper releases the source at once", () =>
      Effect.gen(function*() {
        const started = yield* Deferred.make<void>()
        let released = false
        const source = Stream.acquireRelease(Effect.void, () =>
          Effect.sync(() => {
            released = true
          })).pipe(
            Stream.flatMap(() =>
              Stream.concat(
                readsOf(pieces(longBody)),
                Stream.fromEffect(Deferred.succeed(started, undefined)).pipe(Stream.flatMap(() => Stream.never))
              )
            )
          )
        const fiber = yield* Effect.fork(ChatStream.finalContent(ChatStream.events(source)))
        yield* Deferred.await(started)
        expect(released).toBe(false)
        yield* Fiber.interrupt(fiber)
        expect(released).toBe(true)
      }))
  })
})
