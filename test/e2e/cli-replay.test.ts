/**
 * End to end: the `replay` subcommand of the CLI (a child process) on
 * recorded bodies that stress what the printing does: a chunk nested deeper
 * than `JSON.stringify` can write, with and without an `--events` filter,
 * and the `CHAT_STREAM_*` variables, which the CLI reads like
 * `ChatStream.layerConfig`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { cli, type Run } from "./cli.js"



const DEPTH = 20_000
const deep = "[".repeat(DEPTH) + "1" + "]".repeat(DEPTH)

const deepBody = [
  `data: {"choices":[{"index":0,"delta":{"content":"a"}}]}`,
  `data: {"choices":[{"index":0,"delta":{"x":${deep}}}]}`,
  `data: {"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"stop"}]}`,
  `data: [DONE]`
].map((line) => line + "\n\n").join("")

const toolBody = [
  `data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"f","arguments":"{\\"a\\": "}}]}}]}`,
  `data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"[1, 2]}"}}]},"finish_reason":"tool_calls"}]}`,
  `data: [DONE]`
].map((line) => line + "\n\n").join("")

const tagsOf = (stdout: string) => stdout.trim().split("\n").map((line) => (JSON.parse(line) as { _tag: string })._tag)

describe("cli replay", () => {
  it.scopedLive("prints every line of a stream nested deeper than JSON.stringify reaches; reads CHAT_STREAM_*", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "replay-cli-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
      const deepFile = path.join(dir, "deep.sse")
      const toolFile = path.join(dir, "tool.sse")
      fs.writeFileSync(deepFile, deepBody)
      fs.writeFileSync(toolFile, toolBody)

      const [all, filtered, limited, unparsed, parsed, badLimit] = yield* Effect.all([
        cli(["replay", deepFile, "--json"]),
        cli(["replay", deepFile, "--json", "--events", "ContentDelta"]),
        cli(["replay", toolFile, "--json"], { CHAT_STREAM_MAX_EVENT_BYTES: "50" }),
        cli(["replay", toolFile, "--json", "--events", "ToolCallArgumentsDelta"], { CHAT_STREAM_PARTIAL_JSON: "false" }),
        cli(["replay", toolFile, "--json", "--events", "ToolCallArgumentsDelta"]),
        cli(["replay", toolFile, "--json"], { CHAT_STREAM_MAX_EVENT_BYTES: "lots" })
      ], { concurrency: "unbounded" })

      expect(all.code).toBe(0)
      expect(tagsOf(all.stdout)).toEqual(["Chunk", "ContentDelta", "Chunk", "Chunk", "ContentDelta", "ContentDone", "Final"])
      const lines = all.stdout.trim().split("\n")
      expect(lines[2]).toContain(`"delta":{"x":${deep}}`)
      expect(lines[6]).toContain(`"content":"ab"`)
      expect(lines[6]).toContain(`"x":${deep}`)

      expect(filtered.code).toBe(0)
      expect(filtered.stderr).toBe("")
      expect(tagsOf(filtered.stdout)).toEqual(["ContentDelta", "ContentDelta", "Final"])

      // The first event is 131 bytes: over a limit of 50.
      expect(limited.code).toBe(1)
      expect(JSON.parse(limited.stdout.trim())).toMatchObject({ _tag: "Failure", error: { _tag: "SseError" } })

      expect(unparsed.code).toBe(0)
      const deltas = (run: Run) =>
        run.stdout.trim().split("\n").slice(0, -1).map((line) => (JSON.parse(line) as { parsedArguments: unknown }).parsedArguments)
      expect(deltas(unparsed)).toEqual([null, null])
      expect(deltas(parsed)).toEqual([{}, { a: [1, 2] }])

      expect(badLimit.code).toBe(2)
      expect(badLimit.stdout).toBe("")
      expect(badLimit.stderr).toContain("CHAT_STREAM_MAX_EVENT_BYTES")
    }))
})
