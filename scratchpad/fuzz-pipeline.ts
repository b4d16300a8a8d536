/**
 * Ad-hoc fuzz of the byte pipelines: chunk-shaped JSON with arbitrary values
 * in any field (sometimes whole JSON documents where a string or number
 * belongs), with or without `[DONE]`, through `events`, `snapshots` and
 * `chunks`. Every run must end well or with a typed error, never a defect,
 * and the events' JSON lines (the CLI's `--json`) must each parse as JSON.
 * A start for the fuzzing of the planned input limits.
 *
 *   npx tsx scratchpad/fuzz-pipeline.ts [runs]
 */
import { Cause, Effect, Exit, Option, Stream } from "effect"
import * as fc from "effect/FastCheck"
import * as ChatStream from "../src/ChatStream.js"
import type { ChatStreamEvent } from "../src/ChatStreamEvent.js"
import * as JsonLines from "../src/JsonLines.js"
const any = fc.anything({ maxDepth: 3, withNullPrototype: false, withBigInt: false, withDate: false, withMap: false, withSet: false, withTypedArray: false, withSparseArray: false, withBoxedValues: false, withObjectString: false })
const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 3 }), any.map((v) => { try { return JSON.parse(JSON.stringify(v) ?? "null") } catch { return null } }))
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(fc.oneof({ arbitrary: a, weight: 12 }, { arbitrary: jsonish, weight: 1 }), { nil: undefined })
const fn = fc.record({ name: maybe(fc.string()), arguments: maybe(fc.oneof(fc.string(), fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })))) }, { requiredKeys: [] })
const tc = fc.record({ index: maybe(fc.integer({ min: -2, max: 3 })), id: maybe(fc.constantFrom("a", "b", "")), type: maybe(fc.string()), function: maybe(fn) }, { requiredKeys: [] })
const lp = fc.record({ token: maybe(fc.string()), logprob: maybe(fc.double()), bytes: maybe(fc.array(fc.integer())), top_logprobs: maybe(fc.array(jsonish)) }, { requiredKeys: [] })
const delta = fc.record({ role: maybe(fc.string()), content: maybe(fc.string()), refusal: maybe(fc.string()), reasoning_content: maybe(fc.string()), reasoning: maybe(fc.string()), reasoning_details: maybe(fc.array(jsonish)), tool_calls: maybe(fc.array(tc, { maxLength: 3 })), ["__proto__"]: maybe(jsonish) }, { requiredKeys: [] })
const choice = fc.record({ index: maybe(fc.integer({ min: -1, max: 2 })), delta: maybe(delta), finish_reason: maybe(fc.string()), logprobs: maybe(fc.record({ content: maybe(fc.array(lp, { maxLength: 2 })), refusal: maybe(fc.array(lp, { maxLength: 2 })) }, { requiredKeys: [] })), usage: maybe(jsonish) }, { requiredKeys: [] })
const chunk = fc.record({ id: maybe(fc.string()), object: maybe(fc.string()), created: maybe(fc.integer()), model: maybe(fc.string()), choices: maybe(fc.array(choice, { maxLength: 3 })), usage: maybe(jsonish), error: maybe(jsonish), x_groq: maybe(jsonish) }, { requiredKeys: [] })
let runs = 0, typed = 0, ok = 0
await fc.assert(fc.asyncProperty(fc.array(chunk, { maxLength: 6 }), fc.boolean(), async (chunks, done) => {
  const body = new TextEncoder().encode(chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + (done ? "data: [DONE]\n\n" : ""))
  for (const p of [ChatStream.events, ChatStream.snapshots, ChatStream.chunks] as const) {
    const exit = await Effect.runPromiseExit(Stream.runCollect((p as any)(Stream.make(body))) as Effect.Effect<unknown, unknown>)
    runs++
    if (Exit.isFailure(exit)) {
      if (Cause.isDie(exit.cause) || !Cause.isFailure(exit.cause)) {
        console.log("DEFECT", String(Cause.squash(exit.cause)).slice(0, 300), JSON.stringify(chunks).slice(0, 600))
        return false
      }
      typed++
    } else ok++
    if (p === ChatStream.events) {
      // the JSON lines of what was emitted before the end, then the last line
      const emitted: Array<ChatStreamEvent> = []
      const end = await Effect.runPromiseExit(Stream.runForEach(ChatStream.events(Stream.make(body)), (e) => Effect.sync(() => void emitted.push(e))))
      try {
        const lines = emitted.map(JsonLines.event)
        let last = undefined as ChatStreamEvent | undefined
        for (const e of emitted) if (e._tag === "Chunk") last = e
        lines.push(Exit.isSuccess(end)
          ? JsonLines.final(last === undefined ? Option.none() : Option.some((last as Extract<ChatStreamEvent, { _tag: "Chunk" }>).snapshot))
          : JsonLines.failure(Cause.squash(end.cause)))
        for (const line of lines) JSON.parse(line)
      } catch (error) {
        console.log("JSON LINES", String(error).slice(0, 300), JSON.stringify(chunks).slice(0, 600))
        return false
      }
    }
  }
  return true
}), { numRuns: Number(process.argv[2] ?? 3000) })
console.log({ runs, typed, ok })
