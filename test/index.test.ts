/**
 * The package root: every public module is re-exported as a namespace, as
 * the modules' own examples import them (`import { JsonLines } from
 * "effect-chat-stream"`).
 */
import { describe, expect, it } from "vitest"
import * as Root from "../src/index.js"
import * as JsonLines from "../src/JsonLines.js"

describe("index", () => {
  it("re-exports JsonLines as a namespace", () => {
    expect(Root.JsonLines).toBeDefined()
    expect(Root.JsonLines.event).toBe(JsonLines.event)
    expect(Root.JsonLines.final).toBe(JsonLines.final)
    expect(Root.JsonLines.failure).toBe(JsonLines.failure)
  })

  it("re-exports every module of src/ that has a public surface", () => {
    expect(Object.keys(Root).sort()).toEqual([
      "ChatCompletion",
      "ChatCompletionRequest",
      "ChatCompletions",
      "ChatCompletionsTest",
      "ChatStream",
      "ChatStreamError",
      "ChatStreamEvent",
      "JsonLines",
      "PartialJson",
      "Snapshot",
      "Sse"
    ])
  })
})
