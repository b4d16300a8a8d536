/**
 * The four worked examples of ../shared/examples (stream contract §7), copied
 * into test/examples so that a clone alone passes: each
 * `.sse` body run through `ChatStream.events`, every event encoded with
 * `JsonLines.event` and the last line with `JsonLines.final` /
 * `JsonLines.failure`, compared line by line with the `.jsonl` beside it.
 *
 * Key order does not matter. `Chunk` lines compare the `_tag` and the
 * snapshot exactly; the chunk itself may differ in `null`s and optional keys
 * (the examples' README), so only its content and tool-call fields are
 * compared.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import {
  bytesOf,
  exampleNames,
  examplesDir,
  linesOf,
  readExample,
  readsOf,
  sharedExamplesDir,
  splitEvery,
  utf8
} from "./helpers.js"

type Json = Record<string, unknown>

/** The contract in the steering checkout beside the repository, copied to docs/. */
const sharedContract = path.join(sharedExamplesDir, "../docs/stream-contract.md")

const EXPECTED_EXAMPLES = ["content-with-usage", "error-mid-stream", "reasoning-then-content", "two-tool-calls"]

/** The fields of a chunk's deltas that must match: content and tool calls, per choice. */
const deltaFields = (chunk: Json) =>
  ((chunk.choices ?? []) as Array<Json>).map((choice) => {
    const delta = (choice.delta ?? {}) as Json
    return {
      index: choice.index ?? 0,
      content: delta.content ?? null,
      tool_calls: ((delta.tool_calls ?? []) as Array<Json>).map((call) => {
        const fn = (call.function ?? {}) as Json
        return {
          index: call.index ?? null,
          id: call.id ?? null,
          type: call.type ?? null,
          name: fn.name ?? null,
          arguments: fn.arguments ?? null
        }
      })
    }
  })

/** Compares produced lines with the expected ones, as JSON, line by line. */
const compareLines = (name: string, actual: ReadonlyArray<string>, expectedText: string) => {
  const expected = expectedText.split("\n").filter((line) => line.trim() !== "")
  const got = actual.map((line) => JSON.parse(line) as Json)
  const want = expected.map((line) => JSON.parse(line) as Json)
  expect(got.map((l) => l._tag), `${name}: the tags of the lines`).toEqual(want.map((l) => l._tag))
  for (let i = 0; i < want.length; i++) {
    const label = `${name}, line ${i + 1} (${String(want[i]._tag)})`
    if (want[i]._tag === "Chunk") {
      expect(got[i].snapshot, label).toEqual(want[i].snapshot)
      expect(deltaFields(got[i].chunk as Json), label).toEqual(deltaFields(want[i].chunk as Json))
      expect(Object.keys(got[i]).sort(), label).toEqual(Object.keys(want[i]).sort())
    } else {
      expect(got[i], label).toEqual(want[i])
    }
  }
}

describe("worked examples", () => {
  it("the four examples are there", () => {
    expect(exampleNames()).toEqual(EXPECTED_EXAMPLES)
    for (const name of EXPECTED_EXAMPLES) expect(readExample(name, "jsonl").trim()).not.toBe("")
  })

  it.skipIf(!fs.existsSync(sharedContract))("docs/stream-contract.md is the steering checkout's contract", () => {
    expect(fs.readFileSync(path.join(examplesDir, "../../docs/stream-contract.md"), "utf8"))
      .toBe(fs.readFileSync(sharedContract, "utf8"))
  })

  it.skipIf(!fs.existsSync(sharedExamplesDir))("the copy in test/examples is the steering checkout's ../shared/examples", () => {
    const files = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith(".sse") || f.endsWith(".jsonl")).sort()
    expect(files(examplesDir)).toEqual(files(sharedExamplesDir))
    for (const file of files(sharedExamplesDir)) {
      expect(fs.readFileSync(path.join(examplesDir, file), "utf8"), file)
        .toBe(fs.readFileSync(path.join(sharedExamplesDir, file), "utf8"))
    }
  })

  for (const name of EXPECTED_EXAMPLES) {
    it.effect(`${name}: the JSON lines match the .jsonl`, () =>
      Effect.gen(function*() {
        const lines = yield* linesOf(bytesOf(readExample(name, "sse")))
        compareLines(name, lines, readExample(name, "jsonl"))
      }))

    it.effect(`${name}: the same lines when the body arrives one byte (and 7 bytes) at a time`, () =>
      Effect.gen(function*() {
        const bytes = utf8(readExample(name, "sse"))
        for (const size of [1, 7]) {
          const lines = yield* linesOf(readsOf(splitEvery(bytes, size)))
          compareLines(`${name} in ${size}-byte reads`, lines, readExample(name, "jsonl"))
        }
      }))
  }

  describe("JSON lines beyond the examples (§5, §7)", () => {
    it.effect("every line has _tag first, as in the .jsonl files", () =>
      Effect.gen(function*() {
        for (const name of EXPECTED_EXAMPLES) {
          // the expected files themselves put _tag first
          for (const line of readExample(name, "jsonl").split("\n").filter((l) => l !== "")) {
            expect(line.startsWith("{\"_tag\":")).toBe(true)
          }
          const lines = yield* linesOf(bytesOf(readExample(name, "sse")))
          const notFirst = lines.filter((line) => !line.startsWith("{\"_tag\":")).map((line) => line.slice(0, 60))
          expect(notFirst, name).toEqual([])
        }
      }))

    it.effect("a body that is only [DONE] ends with a Final line whose completion is null", () =>
      Effect.gen(function*() {
        const lines = yield* linesOf(bytesOf("data: [DONE]\n\n"))
        expect(lines.map((l) => JSON.parse(l))).toEqual([{ _tag: "Final", completion: null }])
      }))

    it.effect("an error before the first chunk carries snapshot null; an ApiError also type, code and param", () =>
      Effect.gen(function*() {
        const [api] = yield* linesOf(bytesOf("data: {\"error\":{\"message\":\"Invalid key\",\"type\":\"auth\"}}\n\n"))
        expect(JSON.parse(api)).toEqual({
          _tag: "Failure",
          error: { _tag: "ApiError", message: "Invalid key", type: "auth", code: null, param: null, snapshot: null }
        })
        const [empty] = yield* linesOf(bytesOf(""))
        const failure = JSON.parse(empty) as { _tag: string; error: Record<string, unknown> }
        expect(failure._tag).toBe("Failure")
        expect(failure.error._tag).toBe("IncompleteStreamError")
        expect(failure.error.snapshot).toBeNull()
        expect(typeof failure.error.message).toBe("string")
        expect(Object.keys(failure.error).slice(0, 2)).toEqual(["_tag", "message"])
      }))
  })
})
