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
      "ChatCompletionsError",
      "ChatCompletionsLayer",
      "ChatCompletionsOptions",
      "ChatCompletionsResponse",
      "ChatCompletionsTest",
      "ChatCompletionsTestReply",
      "ChatStream",
      "ChatStreamError",
      "ChatStreamEvent",
      "ChatStreamFinal",
      "ChatStreamOptions",
      "JsonLines",
      "PartialJson",
      "Snapshot",
      "Sse"
    ])
  })

  it("keeps the old names of the moved modules' exports (the same values, re-exported)", () => {
    expect(Root.ChatStream.finalContent).toBe(Root.ChatStreamFinal.finalContent)
    expect(Root.ChatStream.finalChatCompletionChecked).toBe(Root.ChatStreamFinal.finalChatCompletionChecked)
    expect(Root.ChatStream.defaultOptions).toBe(Root.ChatStreamOptions.defaultOptions)
    expect(Root.ChatStream.config).toBe(Root.ChatStreamOptions.config)
    expect(Root.ChatCompletions.ConnectionError).toBe(Root.ChatCompletionsError.ConnectionError)
    expect(Root.ChatCompletions.isConnectionError).toBe(Root.ChatCompletionsError.isConnectionError)
    expect(Root.ChatCompletions.retryableConnectionCodes).toBe(Root.ChatCompletionsError.retryableConnectionCodes)
    expect(Root.ChatCompletions.resolveOptions).toBe(Root.ChatCompletionsOptions.resolveOptions)
    expect(Root.ChatCompletions.config).toBe(Root.ChatCompletionsOptions.config)
    expect(Root.ChatCompletions.layerConfig).toBe(Root.ChatCompletionsLayer.layerConfig)
    expect(Root.ChatCompletions.makeWith).toBe(Root.ChatCompletionsLayer.makeWith)
    expect(Root.ChatCompletionsTest.transcript).toBe(Root.ChatCompletionsTestReply.transcript)
  })
})
