/**
 * JSON lines at any depth: `JSON.stringify` overflows the call stack past a
 * few thousand levels, which a chunk's unknown field or a parsed value can
 * reach; `JsonLines` then writes the same text without recursion.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as fc from "effect/FastCheck"
import * as ChatStream from "../src/ChatStream.js"
import * as ChatStreamEvent from "../src/ChatStreamEvent.js"
import { stringifyIteratively } from "../src/internal/json.js"
import * as JsonLines from "../src/JsonLines.js"
import * as Snapshot from "../src/Snapshot.js"
import { chunksArb } from "./arbitraries/chunks.js"
import { bytesOf, collect, jsonLines, sseEvents } from "./helpers.js"

/** `[[[…[leaf]…]]]`, `depth` arrays deep, built without recursion. */
const nestedArrays = (depth: number, leaf: unknown = 1): unknown => {
  let value = leaf
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

/** `{"a":{"a":…}}`, `depth` objects deep. */
const nestedObjects = (depth: number, leaf: unknown = "x"): unknown => {
  let value = leaf
  for (let i = 0; i < depth; i++) value = { a: value, n: i }
  return value
}

const TOO_DEEP = 20_000
const deepArrayText = "[".repeat(TOO_DEEP) + "1" + "]".repeat(TOO_DEEP)

describe("JsonLines.stringify", () => {
  it("needs the fallback at this depth: JSON.stringify overflows", () => {
    expect(() => JSON.stringify(nestedArrays(TOO_DEEP))).toThrow(RangeError)
  })

  it("writes values nested past JSON.stringify's reach", () => {
    expect(JsonLines.stringify(nestedArrays(TOO_DEEP))).toBe(deepArrayText)
    expect(JsonLines.stringify({ list: [1, nestedObjects(3, [null])], deep: nestedArrays(TOO_DEEP) })).toBe(
      `{"list":[1,{"a":{"a":{"a":[null],"n":0},"n":1},"n":2}],"deep":${deepArrayText}}`
    )
    let objects = "{\"a\":".repeat(TOO_DEEP) + "\"x\""
    for (let i = 0; i < TOO_DEEP; i++) objects += `,"n":${i}}`
    expect(JsonLines.stringify(nestedObjects(TOO_DEEP))).toBe(objects)
  })

  it("gives JSON.stringify's text where JSON.stringify works", () => {
    expect(JsonLines.stringify({ a: [1, "b", null] })).toBe("{\"a\":[1,\"b\",null]}")
  })

  it.prop(
    "the loop writes exactly what JSON.stringify writes",
    [fc.anything({
      withNullPrototype: true,
      withDate: true,
      withSparseArray: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withBoxedValues: true
    })],
    ([value]) => {
      for (const root of [[value], { value, skipped: undefined, f: () => 1 }]) {
        expect(stringifyIteratively(root)).toBe(JSON.stringify(root))
      }
    },
    { fastCheck: { numRuns: 500 } }
  )

  it("omits what JSON.stringify omits and writes null where it does", () => {
    const root = { u: undefined, s: Symbol("s"), f: () => 1, a: [undefined, () => 1, NaN, -0, Infinity], d: new Date(0), n: null }
    expect(stringifyIteratively(root)).toBe(JSON.stringify(root))
  })

  it("fails on a cycle, as JSON.stringify does", () => {
    const cyclic: Array<unknown> = []
    cyclic.push(cyclic)
    expect(() => stringifyIteratively(cyclic)).toThrow(TypeError)
  })
})

describe("JSON lines of deeply nested input", () => {
  it.effect("an unknown field nested 20,000 deep is printed in the Chunk line and the Final line", () =>
    Effect.gen(function*() {
      const body = sseEvents([
        { choices: [{ index: 0, delta: { content: "a" } }] },
        `{"choices":[{"index":0,"delta":{"x":${deepArrayText}}}]}`,
        { choices: [{ index: 0, delta: { content: "b" }, finish_reason: "stop" }] }
      ]) + "data: [DONE]\n\n"
      const run = yield* collect(ChatStream.events(bytesOf(body)))
      const texts = jsonLines(run)
      // Compared as text: a recursive comparison would overflow too.
      expect(texts[2]).toContain(`"delta":{"x":${deepArrayText}}`)
      expect(texts.at(-1)).toContain(`"x":${deepArrayText}`)
      const lines = texts.map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(lines.map((line) => line._tag)).toEqual([
        "Chunk",
        "ContentDelta",
        "Chunk",
        "Chunk",
        "ContentDelta",
        "ContentDone",
        "Final"
      ])
      const final = lines.at(-1) as { completion: { choices: Array<{ message: Record<string, unknown> }> } }
      expect(final.completion.choices[0].message.content).toBe("ab")
    }))

  it("a parsed value nested 20,000 deep is printed in its event's line", () => {
    const deep = nestedArrays(TOO_DEEP)
    const line = JsonLines.event(
      new ChatStreamEvent.ContentDone({ choiceIndex: 0, content: "…", parsed: Option.some(deep) })
    )
    expect(line).toBe(`{"_tag":"ContentDone","choiceIndex":0,"content":"…","parsed":${deepArrayText}}`)
  })
})

describe("JsonLines.final", () => {
  // `final` skips the Schema's encode (a completion is its own encoding):
  // over any fold of chunks (unknown fields, logprobs, tool calls, usage),
  // the line's completion is what the Schema's encode gives.
  it.prop("prints the completion as the ChatCompletion Schema encodes it", [chunksArb], ([chunks]) => {
    const completion = Snapshot.fromChunks(chunks)
    const line = JSON.parse(JsonLines.final(completion)) as { _tag: string; completion: unknown }
    expect(line._tag).toBe("Final")
    expect(line.completion).toStrictEqual(
      Option.isSome(completion) ? JSON.parse(JSON.stringify(JsonLines.encodeCompletion(completion.value))) : null
    )
  })
})
