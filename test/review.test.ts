/**
 * Behaviour found in review: provider fields outside the Schema, arrays as
 * `error`, and arrays shared between a snapshot and a done event.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Option, Stream } from "effect"
import * as ChatStream from "../src/ChatStream.js"
import * as JsonLines from "../src/JsonLines.js"
import { bytesOf } from "./helpers.js"

const run = (body: string) => Stream.runCollect(ChatStream.events(bytesOf(body))).pipe(Effect.map(Chunk.toArray))

describe("review findings", () => {
  it.effect("x_groq.usage that is not a usage object is ignored, and every event still encodes", () =>
    Effect.gen(function*() {
      const events = yield* run(
        "data: {\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}],\"x_groq\":{\"usage\":[1]}}\n\n" +
          "data: [DONE]\n\n"
      )
      const chunk = events.find((e) => e._tag === "Chunk")!
      expect(chunk._tag === "Chunk" && chunk.snapshot.usage).toBeUndefined()
      for (const event of events) expect(() => JsonLines.event(event)).not.toThrow()
    }))

  it.effect("x_groq.usage that is a usage object becomes the snapshot's usage, nulls left out", () =>
    Effect.gen(function*() {
      const events = yield* run(
        "data: {\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}],\"x_groq\":{\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4,\"queue_time\":null}}}\n\n" +
          "data: [DONE]\n\n"
      )
      const completion = yield* ChatStream.finalChatCompletion(Stream.fromIterable(events))
      expect(Option.getOrThrow(completion).usage).toEqual({ prompt_tokens: 3, completion_tokens: 1, total_tokens: 4, queue_time: null })
    }))

  it.effect("an array under `error` is not a provider error (§2: an object or a non-empty string)", () =>
    Effect.gen(function*() {
      const events = yield* run(
        "data: {\"error\":[],\"choices\":[{\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"
      )
      expect(events.map((e) => e._tag)).toEqual(["Chunk", "ContentDelta", "ContentDone"])
    }))

  it.effect("the logprobs array a done event carries cannot be changed through it (it is the snapshot's too)", () =>
    Effect.gen(function*() {
      const lp = (token: string) => `{"content":[{"token":"${token}","logprob":-1,"top_logprobs":[]}]}`
      const events = yield* run(
        `data: {"choices":[{"delta":{"content":"a"},"logprobs":${lp("a")}}]}\n\n` +
          `data: {"choices":[{"delta":{"content":"b"},"logprobs":${lp("b")},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`
      )
      const done = events.find((e) => e._tag === "LogProbsContentDone")!
      expect(done._tag === "LogProbsContentDone" && done.values.map((v) => v.token)).toEqual(["a", "b"])
      const values = (done as unknown as { values: Array<unknown> }).values
      expect(() => values.push({ token: "x" })).toThrow()
      const last = events.filter((e) => e._tag === "Chunk").at(-1)!
      expect(last._tag === "Chunk" && last.snapshot.choices[0].logprobs?.content?.length).toBe(2)
    }))
})

describe("the smaller pipelines", () => {
  it.effect("decodeSse: chunks until [DONE], nothing after it; a bad payload fails with ChunkDecodeError", () =>
    Effect.gen(function*() {
      const Sse = yield* Effect.promise(() => import("../src/Sse.js"))
      const good = yield* Stream.runCollect(
        ChatStream.decodeSse(
          Sse.decode(bytesOf("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\ndata: not json\n\n"))
        )
      )
      expect(Chunk.toArray(good).map((c) => c.choices[0].delta.content)).toEqual(["a"])
      const bad = yield* Effect.flip(
        Stream.runCollect(ChatStream.decodeSse(Sse.decode(bytesOf("data: {\"choices\":[]}\n\ndata: {oops\n\n"))))
      )
      expect(bad._tag).toBe("ChunkDecodeError")
    }))

  it.effect("snapshotsFromChunks: the snapshot after every chunk, as Snapshot.fromChunks gives for each prefix", () =>
    Effect.gen(function*() {
      const Snapshot = yield* Effect.promise(() => import("../src/Snapshot.js"))
      const chunks = ["a", "b", "c"].map((content, i) => ({
        id: "c1",
        created: 1,
        model: "m",
        choices: [{ index: 0, delta: { content }, ...(i === 2 ? { finish_reason: "stop" } : {}) }]
      }))
      const snapshots = Chunk.toArray(yield* Stream.runCollect(ChatStream.snapshotsFromChunks(Stream.fromIterable(chunks))))
      expect(snapshots.map((s) => s.choices[0].message.content)).toEqual(["a", "ab", "abc"])
      snapshots.forEach((s, i) => expect(s).toEqual(Option.getOrThrow(Snapshot.fromChunks(chunks.slice(0, i + 1)))))
    }))
})
