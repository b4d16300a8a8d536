/**
 * The event derivation, rule by rule (stream contract §4), through the pure
 * `step` / `finish` functions on hand-written chunks.
 */
import { describe, expect, it } from "@effect/vitest"
import { Equal, Option, Schema } from "effect"
import { parse as partialParse } from "partial-json"
import * as ChatStreamEvent from "../src/ChatStreamEvent.js"
import { work } from "../src/internal/partialJson.js"
import * as JsonLines from "../src/JsonLines.js"
import { chunk, expectedDone, expectedPartial, ofTag, tags } from "./helpers.js"

type Event = ChatStreamEvent.ChatStreamEvent

/** Runs `step` over raw chunks (and `finish` when asked); the events of each chunk, then those of `finish`. */
const derive = (
  raws: ReadonlyArray<unknown>,
  options?: { readonly finish?: boolean; readonly partialJson?: boolean }
) => {
  let state = ChatStreamEvent.initialWith({ partialJson: options?.partialJson })
  const perChunk: Array<ReadonlyArray<Event>> = []
  for (const raw of raws) {
    const [next, out] = ChatStreamEvent.step(state, chunk(raw))
    state = next
    perChunk.push(out)
  }
  let atEnd: ReadonlyArray<Event> = []
  if (options?.finish === true) {
    const [next, out] = ChatStreamEvent.finish(state)
    state = next
    atEnd = out
  }
  return { perChunk, atEnd, events: [...perChunk.flat(), ...atEnd], state }
}

const c = (d: Record<string, unknown>, choice: Record<string, unknown> = {}, index = 0) => ({
  id: "c1",
  model: "m",
  created: 1,
  choices: [{ index, delta: d, ...choice }]
})
const frag = (fragment: Record<string, unknown>, choice: Record<string, unknown> = {}) =>
  c({ tool_calls: [fragment] }, choice)
const lp = (token: string) => ({ token, logprob: -0.25, bytes: [116], top_logprobs: [] })

/** The plain fields of events, for comparing with expected objects. */
const plain = (events: ReadonlyArray<Event>) =>
  events.map((e) => Object.fromEntries(Object.keys(e).map((key) => [key, (e as unknown as Record<string, unknown>)[key]])))

describe("ChatStreamEvent", () => {
  describe("order", () => {
    it("within a chunk: Chunk, then reasoning, content, refusal, logprobs content, logprobs refusal, tool calls, then the dones", () => {
      const { events } = derive([
        c(
          {
            role: "assistant",
            reasoning_content: "think",
            content: "say",
            refusal: "no",
            tool_calls: [{ index: 0, id: "call", function: { name: "f", arguments: "{}" } }]
          },
          { logprobs: { content: [lp("say")], refusal: [lp("no")] }, finish_reason: "stop" }
        )
      ])
      expect(tags(events, true)).toEqual([
        "Chunk",
        "ReasoningDelta",
        "ContentDelta",
        "RefusalDelta",
        "LogProbsContentDelta",
        "LogProbsRefusalDelta",
        "ToolCallArgumentsDelta",
        "ReasoningDone",
        "ContentDone",
        "RefusalDone",
        "LogProbsContentDone",
        "LogProbsRefusalDone",
        "ToolCallArgumentsDone"
      ])
    })

    it("each choice's events follow in the chunk's order; the Chunk event comes first with the snapshot after the whole chunk", () => {
      const { perChunk } = derive([
        {
          id: "x",
          choices: [
            { index: 1, delta: { content: "one" } },
            { index: 0, delta: { content: "zero" }, finish_reason: "stop" },
            { index: 1, delta: { content: "!" }, finish_reason: "stop" }
          ]
        }
      ])
      const [events] = perChunk
      expect(events[0]._tag).toBe("Chunk")
      const first = events[0] as ChatStreamEvent.Chunk
      expect(first.snapshot.choices.map((ch) => ch.message.content)).toEqual(["zero", "one!"])
      expect(plain(events.slice(1))).toEqual([
        { _tag: "ContentDelta", choiceIndex: 1, delta: "one", snapshot: "one", parsed: Option.none() },
        { _tag: "ContentDelta", choiceIndex: 0, delta: "zero", snapshot: "zero", parsed: Option.none() },
        { _tag: "ContentDone", choiceIndex: 0, content: "zero", parsed: Option.none() },
        { _tag: "ContentDelta", choiceIndex: 1, delta: "!", snapshot: "one!", parsed: Option.none() },
        { _tag: "ContentDone", choiceIndex: 1, content: "one!", parsed: Option.none() }
      ])
    })

    it("a Chunk event carries the chunk as received and a snapshot of everything so far", () => {
      const raws = [c({ content: "a" }), c({ content: "b" }, { finish_reason: "stop" })]
      const { perChunk } = derive(raws)
      const chunks = perChunk.map((events) => events[0] as ChatStreamEvent.Chunk)
      expect(chunks.map((e) => e.chunk)).toEqual(raws.map(chunk))
      expect(chunks.map((e) => e.snapshot.choices[0].message.content)).toEqual(["a", "ab"])
      expect(chunks[1].snapshot.choices[0].finish_reason).toBe("stop")
    })
  })

  it("reasoning: reasoning_content is preferred over reasoning (one event when both); the snapshot concatenates the texts", () => {
    const { events } = derive([
      c({ reasoning_content: "A", reasoning: "B" }),
      c({ reasoning: "C" }),
      c({ reasoning_content: "", reasoning: "D" }),
      c({ reasoning_content: "E" }, { finish_reason: "stop" })
    ])
    expect(plain(events.filter((e) => e._tag !== "Chunk"))).toEqual([
      { _tag: "ReasoningDelta", choiceIndex: 0, delta: "A", snapshot: "A" },
      { _tag: "ReasoningDelta", choiceIndex: 0, delta: "C", snapshot: "AC" },
      { _tag: "ReasoningDelta", choiceIndex: 0, delta: "D", snapshot: "ACD" },
      { _tag: "ReasoningDelta", choiceIndex: 0, delta: "E", snapshot: "ACDE" },
      { _tag: "ReasoningDone", choiceIndex: 0, reasoning: "ACDE" }
    ])
    // the message keeps both texts under their own names
    const last = ofTag(events, "Chunk").pop()!
    expect(last.snapshot.choices[0].message.reasoning_content).toBe("AE")
    expect(last.snapshot.choices[0].message.reasoning).toBe("BCD")
  })

  it("empty deltas emit nothing but the Chunk event", () => {
    const { events } = derive([
      c({}),
      c({ role: "assistant" }),
      c({ content: "", refusal: "", reasoning_content: "", reasoning: "" }),
      c({ content: null, refusal: null, reasoning: null, tool_calls: null }),
      c({ tool_calls: [] }),
      c({}, { logprobs: { content: [], refusal: [] } }),
      c({}, { logprobs: { content: null, refusal: null } }),
      { choices: [] },
      { choices: [{ index: 1 }] }
    ])
    expect(tags(events, true)).toEqual(Array(9).fill("Chunk"))
  })

  it("logprobs: a delta for each non-empty array with the chunk's values and all so far; the done carries all", () => {
    const { events } = derive([
      c({ content: "a" }, { logprobs: { content: [lp("a")] } }),
      c({ content: "b" }, { logprobs: { content: [lp("b"), lp("c")], refusal: [lp("r")] } }),
      c({ content: "" }, { logprobs: { content: [], refusal: null } }),
      c({}, { logprobs: { refusal: [lp("s")] }, finish_reason: "stop" })
    ])
    expect(plain(events.filter((e) => e._tag.startsWith("LogProbs")))).toEqual([
      { _tag: "LogProbsContentDelta", choiceIndex: 0, values: [lp("a")], snapshot: [lp("a")] },
      { _tag: "LogProbsContentDelta", choiceIndex: 0, values: [lp("b"), lp("c")], snapshot: [lp("a"), lp("b"), lp("c")] },
      { _tag: "LogProbsRefusalDelta", choiceIndex: 0, values: [lp("r")], snapshot: [lp("r")] },
      { _tag: "LogProbsRefusalDelta", choiceIndex: 0, values: [lp("s")], snapshot: [lp("r"), lp("s")] },
      { _tag: "LogProbsContentDone", choiceIndex: 0, values: [lp("a"), lp("b"), lp("c")] },
      { _tag: "LogProbsRefusalDone", choiceIndex: 0, values: [lp("r"), lp("s")] }
    ])
  })

  describe("tool calls", () => {
    it("the current call's done comes when a fragment for another index arrives, not when the same index repeats", () => {
      const { perChunk } = derive([
        frag({ index: 0, id: "a", function: { name: "fa", arguments: "{\"x\"" } }),
        frag({ index: 0, function: { arguments: ":1}" } }),
        frag({ index: 1, id: "b", function: { name: "fb", arguments: "" } }),
        frag({ index: 1, function: { arguments: "[2]" } }),
        c({}, { finish_reason: "tool_calls" })
      ])
      expect(perChunk.map((events) => tags(events))).toEqual([
        ["ToolCallArgumentsDelta"],
        ["ToolCallArgumentsDelta"],
        ["ToolCallArgumentsDone"],
        ["ToolCallArgumentsDelta"],
        ["ToolCallArgumentsDone"]
      ])
      const dones = ofTag(perChunk.flat(), "ToolCallArgumentsDone")
      expect(plain(dones)).toEqual([
        {
          _tag: "ToolCallArgumentsDone",
          choiceIndex: 0,
          toolCallIndex: 0,
          id: "a",
          name: "fa",
          arguments: "{\"x\":1}",
          parsedArguments: Option.some({ x: 1 })
        },
        {
          _tag: "ToolCallArgumentsDone",
          choiceIndex: 0,
          toolCallIndex: 1,
          id: "b",
          name: "fb",
          arguments: "[2]",
          parsedArguments: Option.some([2])
        }
      ])
    })

    it("the index change inside one chunk: delta, done, delta, in fragment order", () => {
      const { events } = derive([
        c({
          tool_calls: [
            { index: 0, id: "a", function: { name: "fa", arguments: "{}" } },
            { index: 1, id: "b", function: { name: "fb", arguments: "[]" } }
          ]
        }),
        c({}, { finish_reason: "tool_calls" })
      ])
      expect(
        events.filter((e) => e._tag !== "Chunk").map((e) => [e._tag, (e as ChatStreamEvent.ToolCallArgumentsDone).toolCallIndex])
      ).toEqual([
        ["ToolCallArgumentsDelta", 0],
        ["ToolCallArgumentsDone", 0],
        ["ToolCallArgumentsDelta", 1],
        ["ToolCallArgumentsDone", 1]
      ])
    })

    it("deltas only for non-empty fragments: id/name-only fragments emit nothing; object arguments are a fragment", () => {
      const { events } = derive([
        frag({ index: 0, id: "a", type: "function", function: { name: "f", arguments: "" } }),
        frag({ index: 0, id: "a", function: { name: "f" } }),
        frag({ index: 0, function: { arguments: null } }),
        frag({ index: 0, function: { arguments: "{\"k\":" } }),
        frag({ index: 0, function: { arguments: "" } }),
        frag({ index: 0, function: { arguments: "2}" } }),
        frag({ index: 1, id: "b", function: { name: "g", arguments: { whole: true } } })
      ])
      const deltas = ofTag(events, "ToolCallArgumentsDelta")
      expect(deltas.map((d) => [d.toolCallIndex, d.argumentsDelta, d.arguments])).toEqual([
        [0, "{\"k\":", "{\"k\":"],
        [0, "2}", "{\"k\":2}"],
        [1, "{\"whole\":true}", "{\"whole\":true}"]
      ])
    })

    it("every tool call gets exactly one done, even with empty arguments, and sparse indexes work", () => {
      const { events } = derive([
        frag({ index: 3, id: "c3", function: { name: "three", arguments: "" } }),
        frag({ index: 1, id: "c1", function: { name: "one", arguments: "" } }),
        frag({ index: 7, id: "c7", function: { name: "seven", arguments: "{}" } }),
        c({}, { finish_reason: "tool_calls" }),
        c({}, { finish_reason: "tool_calls" })
      ])
      const dones = ofTag(events, "ToolCallArgumentsDone")
      expect(dones.map((d) => [d.toolCallIndex, d.id, d.name, d.arguments, d.parsedArguments])).toEqual([
        [3, "c3", "three", "", Option.none()],
        [1, "c1", "one", "", Option.none()],
        [7, "c7", "seven", "{}", Option.some({})]
      ])
      expect(ofTag(events, "ToolCallArgumentsDelta").map((d) => d.toolCallIndex)).toEqual([7])
    })

    it("tool calls still open at finish_reason get their dones in index order", () => {
      // two choices, each with a call open when its finish_reason arrives
      const { events } = derive([
        {
          choices: [
            { index: 0, delta: { tool_calls: [{ index: 2, id: "x2", function: { name: "f", arguments: "{}" } }] } },
            { index: 1, delta: { tool_calls: [{ index: 0, id: "y0", function: { name: "g", arguments: "" } }] } }
          ]
        },
        { choices: [{ index: 1, delta: {}, finish_reason: "tool_calls" }, { index: 0, delta: {}, finish_reason: "tool_calls" }] }
      ])
      expect(ofTag(events, "ToolCallArgumentsDone").map((d) => [d.choiceIndex, d.toolCallIndex, d.id])).toEqual([
        [1, 0, "y0"],
        [0, 2, "x2"]
      ])
    })

    it("id and name are those known at the moment (\"\" while unknown)", () => {
      const { events } = derive([
        frag({ index: 0, function: { arguments: "{\"a\"" } }),
        frag({ index: 0, id: "late_id", function: { arguments: ":" } }),
        frag({ index: 0, function: { name: "late_name", arguments: "1}" } }),
        c({}, { finish_reason: "tool_calls" })
      ])
      expect(ofTag(events, "ToolCallArgumentsDelta").map((d) => [d.id, d.name])).toEqual([
        ["", ""],
        ["late_id", ""],
        ["late_id", "late_name"]
      ])
      const [done] = ofTag(events, "ToolCallArgumentsDone")
      expect([done.id, done.name, done.arguments]).toEqual(["late_id", "late_name", "{\"a\":1}"])
    })

    it("index-less fragments (Gemini): each named call is a new call and gets its own done", () => {
      const { events } = derive([
        frag({ id: "g1", function: { name: "first", arguments: "{\"a\":1}" } }),
        frag({ id: "g2", function: { name: "second", arguments: "{\"b\":2}" } }),
        c({}, { finish_reason: "stop" })
      ])
      expect(
        events.filter((e) => e._tag !== "Chunk").map((e) => {
          const t = e as ChatStreamEvent.ToolCallArgumentsDone
          return [t._tag, t.toolCallIndex, t.name]
        })
      ).toEqual([
        ["ToolCallArgumentsDelta", 0, "first"],
        ["ToolCallArgumentsDone", 0, "first"],
        ["ToolCallArgumentsDelta", 1, "second"],
        ["ToolCallArgumentsDone", 1, "second"]
      ])
    })
  })

  describe("dones at finish_reason", () => {
    it("each done at most once, even when finish_reason repeats", () => {
      const { perChunk } = derive([
        c({ reasoning: "r", content: "a", refusal: "n" }, { logprobs: { content: [lp("a")], refusal: [lp("n")] } }),
        c({ tool_calls: [{ index: 0, function: { name: "f", arguments: "{}" } }] }, { finish_reason: "stop" }),
        c({}, { finish_reason: "stop" }),
        c({}, { finish_reason: "length" })
      ])
      expect(tags(perChunk[1])).toEqual([
        "ToolCallArgumentsDelta",
        "ReasoningDone",
        "ContentDone",
        "RefusalDone",
        "LogProbsContentDone",
        "LogProbsRefusalDone",
        "ToolCallArgumentsDone"
      ])
      expect(tags(perChunk[2])).toEqual([])
      expect(tags(perChunk[3])).toEqual([])
    })

    it("only when there is something to report", () => {
      const { events } = derive([
        c({ role: "assistant", content: "" }),
        c({}, { finish_reason: "stop", logprobs: { content: null, refusal: [] } })
      ])
      expect(tags(events)).toEqual([])
      const onlyContent = derive([c({ content: "hi" }, { finish_reason: "stop" })])
      expect(tags(onlyContent.events)).toEqual(["ContentDelta", "ContentDone"])
    })

    it("a thing that first arrives after finish_reason gets its delta and its done", () => {
      const { perChunk } = derive([
        c({ content: "a" }, { finish_reason: "stop" }),
        c({ refusal: "late" })
      ])
      expect(tags(perChunk[0])).toEqual(["ContentDelta", "ContentDone"])
      expect(plain(perChunk[1].slice(1))).toEqual([
        { _tag: "RefusalDelta", choiceIndex: 0, delta: "late", snapshot: "late" },
        { _tag: "RefusalDone", choiceIndex: 0, refusal: "late" }
      ])
    })
  })

  describe("end of stream (finish)", () => {
    it("gives the dones of every choice without finish_reason, in index order, and nothing for finished ones", () => {
      const { perChunk, atEnd } = derive([
        {
          choices: [
            { index: 2, delta: { content: "two", tool_calls: [{ index: 0, id: "t", function: { name: "f", arguments: "" } }] } },
            { index: 1, delta: { content: "one" }, finish_reason: "stop" },
            { index: 0, delta: { reasoning: "r", content: "zero" }, logprobs: { content: [lp("zero")] } }
          ]
        }
      ], { finish: true })
      expect(tags(perChunk[0])).toEqual([
        "ContentDelta",
        "ContentDelta",
        "ContentDone",
        "ReasoningDelta",
        "ContentDelta",
        "LogProbsContentDelta"
      ])
      expect(plain(atEnd)).toEqual([
        { _tag: "ReasoningDone", choiceIndex: 0, reasoning: "r" },
        { _tag: "ContentDone", choiceIndex: 0, content: "zero", parsed: Option.none() },
        { _tag: "LogProbsContentDone", choiceIndex: 0, values: [lp("zero")] },
        { _tag: "ContentDone", choiceIndex: 2, content: "two", parsed: Option.none() },
        {
          _tag: "ToolCallArgumentsDone",
          choiceIndex: 2,
          toolCallIndex: 0,
          id: "t",
          name: "f",
          arguments: "",
          parsedArguments: Option.none()
        }
      ])
    })

    it("gives nothing when every choice finished or no chunk arrived", () => {
      expect(derive([c({ content: "a" }, { finish_reason: "stop" })], { finish: true }).atEnd).toEqual([])
      expect(derive([], { finish: true }).atEnd).toEqual([])
    })

    it("isFinished: at least one choice and every choice with a finish_reason", () => {
      expect(ChatStreamEvent.isFinished(ChatStreamEvent.initial)).toBe(false)
      expect(ChatStreamEvent.isFinished(derive([{ choices: [] }]).state)).toBe(false)
      expect(ChatStreamEvent.isFinished(derive([c({ content: "a" })]).state)).toBe(false)
      expect(ChatStreamEvent.isFinished(derive([c({ content: "a" }, { finish_reason: "stop" })]).state)).toBe(true)
      const two = derive([
        { choices: [{ index: 0, delta: {}, finish_reason: "stop" }, { index: 1, delta: { content: "x" } }] }
      ])
      expect(ChatStreamEvent.isFinished(two.state)).toBe(false)
    })
  })

  describe("no delta after its done", () => {
    it("content, reasoning, refusal and logprobs after finish_reason reach the snapshot but emit no delta and no second done", () => {
      const { perChunk } = derive([
        c({ reasoning: "r", content: "a", refusal: "n" }, { logprobs: { content: [lp("a")], refusal: [lp("n")] }, finish_reason: "stop" }),
        c({ reasoning: "R", content: "b", refusal: "N" }, { logprobs: { content: [lp("b")], refusal: [lp("N")] } })
      ])
      expect(tags(perChunk[1])).toEqual([])
      const snapshot = (perChunk[1][0] as ChatStreamEvent.Chunk).snapshot
      expect(snapshot.choices[0].message.content).toBe("ab")
      expect(snapshot.choices[0].message.reasoning).toBe("rR")
      expect(snapshot.choices[0].message.refusal).toBe("nN")
      expect(snapshot.choices[0].logprobs?.content).toEqual([lp("a"), lp("b")])
    })

    it("fragments that go back to a tool call whose done came at the next index emit no delta", () => {
      const { perChunk } = derive([
        frag({ index: 0, id: "a", function: { name: "f", arguments: "{" } }),
        frag({ index: 1, id: "b", function: { name: "g", arguments: "[" } }),
        frag({ index: 0, function: { arguments: "}" } }),
        c({}, { finish_reason: "tool_calls" })
      ])
      // going back to 0 closes 1 (the current one) and emits nothing for 0
      expect(perChunk.map((events) => tags(events))).toEqual([
        ["ToolCallArgumentsDelta"],
        ["ToolCallArgumentsDone", "ToolCallArgumentsDelta"],
        ["ToolCallArgumentsDone"],
        []
      ])
      const dones = ofTag(perChunk.flat(), "ToolCallArgumentsDone")
      expect(dones.map((d) => [d.toolCallIndex, d.arguments])).toEqual([[0, "{"], [1, "["]])
      const snapshot = (perChunk[2][0] as ChatStreamEvent.Chunk).snapshot
      expect(snapshot.choices[0].message.tool_calls?.map((t) => t.function.arguments)).toEqual(["{}", "["])
    })
  })

  describe("parsed / parsedArguments", () => {
    const jsonText = "  {\"city\": \"Os lo  \", \"days\": [1, 2.5, -3e2], \"ok\": true, \"none\": null, \"nested\": {\"k\": \"v\\\"q\\u00e9\"}}"
    const pieces = (text: string, size: number) => {
      const out: Array<string> = []
      for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size))
      return out
    }

    it("every ContentDelta carries partial-json's parse of the accumulated text", () => {
      for (const size of [1, 2, 3, 7]) {
        const { events } = derive(pieces(jsonText, size).map((p) => c({ content: p })))
        const deltas = ofTag(events, "ContentDelta")
        expect(deltas.map((d) => d.delta).join("")).toBe(jsonText)
        for (const d of deltas) {
          expect(d.parsed, `after ${JSON.stringify(d.snapshot)}`).toEqual(expectedPartial(d.snapshot))
        }
        // a few spot checks that do not go through the helper
        expect(deltas[deltas.length - 1].parsed).toEqual(Option.some(JSON.parse(jsonText)))
      }
      // partial-json's quirk: an unfinished string loses its trailing spaces
      const { events } = derive([c({ content: "{\"a\": \"x  " })])
      expect(ofTag(events, "ContentDelta")[0].parsed).toEqual(Option.some({ a: "x" }))
      expect(ofTag(events, "ContentDelta")[0].parsed).toEqual(Option.some(partialParse("{\"a\": \"x  ")))
    })

    it("initialWith({ partialJson: false }): deltas carry none, dones still carry JSON.parse, the rest is unchanged", () => {
      const raws = [
        ...pieces(jsonText, 4).map((p) => c({ content: p })),
        frag({ index: 0, id: "call_1", function: { name: "f", arguments: "{\"a\": [1, " } }),
        frag({ index: 0, function: { arguments: "2]}" } })
      ]
      const off = derive(raws, { finish: true, partialJson: false })
      const on = derive(raws, { finish: true })
      expect(off.state.partialJson).toBe(false)
      const deltas = [...ofTag(off.events, "ContentDelta"), ...ofTag(off.events, "ToolCallArgumentsDelta")]
      expect(deltas.length).toBeGreaterThan(2)
      for (const d of deltas) expect(d._tag === "ContentDelta" ? d.parsed : d.parsedArguments).toEqual(Option.none())
      expect(ofTag(off.events, "ContentDone")[0].parsed).toEqual(Option.some(JSON.parse(jsonText)))
      expect(ofTag(off.events, "ToolCallArgumentsDone")[0].parsedArguments).toEqual(Option.some({ a: [1, 2] }))
      // with the parse on, the same events but for the deltas' parsed values
      expect(tags(off.events)).toEqual(tags(on.events))
      expect(ofTag(on.events, "ToolCallArgumentsDelta").map((d) => d.parsedArguments)).toEqual([
        Option.some({ a: [1] }),
        Option.some({ a: [1, 2] })
      ])
    })

    it("whitespace before the JSON: none while only whitespace, then the parse", () => {
      const { events } = derive([c({ content: "  \n" }), c({ content: " [1" }), c({ content: ", 2]" })])
      expect(ofTag(events, "ContentDelta").map((d) => d.parsed)).toEqual([
        Option.none(),
        Option.some([1]),
        Option.some([1, 2])
      ])
    })

    it("none for text that does not start with { or [", () => {
      const { events } = derive([
        c({ content: "Here is {\"a\": 1}" }),
        c({ content: " and [1]" }),
        c({}, { finish_reason: "stop" })
      ])
      for (const d of ofTag(events, "ContentDelta")) expect(Option.isNone(d.parsed)).toBe(true)
      expect(Option.isNone(ofTag(events, "ContentDone")[0].parsed)).toBe(true)
      const numbers = derive([c({ content: "42" }, { finish_reason: "stop" })])
      expect(Option.isNone(ofTag(numbers.events, "ContentDelta")[0].parsed)).toBe(true)
      expect(Option.isNone(ofTag(numbers.events, "ContentDone")[0].parsed)).toBe(true)
    })

    it("every ToolCallArgumentsDelta carries partial-json's parse of the arguments so far", () => {
      const args = "{\"query\": \"weather in Oslo\", \"units\": [\"c\", \"f\"], \"limit\": 10}"
      for (const size of [1, 4, 9]) {
        const { events } = derive([
          frag({ index: 0, id: "a", function: { name: "search", arguments: "" } }),
          ...pieces(args, size).map((p) => frag({ index: 0, function: { arguments: p } }))
        ])
        const deltas = ofTag(events, "ToolCallArgumentsDelta")
        expect(deltas.length).toBe(Math.ceil(args.length / size))
        for (const d of deltas) {
          expect(d.parsedArguments, `after ${JSON.stringify(d.arguments)}`).toEqual(expectedPartial(d.arguments))
        }
        expect(deltas[deltas.length - 1].parsedArguments).toEqual(Option.some(JSON.parse(args)))
      }
      const plainText = derive([frag({ index: 0, function: { name: "f", arguments: "not json" } })])
      expect(Option.isNone(ofTag(plainText.events, "ToolCallArgumentsDelta")[0].parsedArguments)).toBe(true)
    })

    it("values are built when read, in any order, and events stay plain data", () => {
      const items = Array.from({ length: 300 }, (_, i) => ({ id: i, text: `line ${i}` }))
      const args = JSON.stringify({ file: "a.txt", items })
      const before = work.copied
      const { events } = derive([
        frag({ index: 0, id: "a", function: { name: "write", arguments: "" } }),
        ...pieces(args, 5).map((p) => frag({ index: 0, function: { arguments: p } })),
        ...pieces(jsonText, 3).map((p) => c({ content: p }))
      ])
      expect(work.copied).toBe(before) // nothing read, nothing copied
      const deltas = [...ofTag(events, "ToolCallArgumentsDelta"), ...ofTag(events, "ContentDelta")]
      // read back to front, after the stream: each is partial-json's value of its own prefix
      for (const d of [...deltas].reverse()) {
        const [value, text] = d._tag === "ContentDelta" ? [d.parsed, d.snapshot] : [d.parsedArguments, d.arguments]
        expect(value).toEqual(expectedPartial(text))
      }
      const middle = ofTag(events, "ToolCallArgumentsDelta")[300]
      const value = Option.getOrThrow(middle.parsedArguments)
      expect(Option.getOrThrow(middle.parsedArguments)).toBe(value) // memoised
      expect(Object.isFrozen(value)).toBe(true)
      // as data: Equal, Schema encoding, JSON lines and printing all see the value
      const copy = ChatStreamEvent.make(ChatStreamEvent.ToolCallArgumentsDelta, { ...middle, parsedArguments: Option.some(value) })
      expect(Equal.equals(middle, copy)).toBe(true)
      const unread = derive([frag({ index: 0, id: "a", function: { name: "f", arguments: "{\"a\": [1, {\"b\": tr" } })])
      const event = ofTag(unread.events, "ToolCallArgumentsDelta")[0]
      expect(Schema.encodeSync(ChatStreamEvent.ChatStreamEvent)(event)).toMatchObject({ parsedArguments: { a: [1, { b: true }] } })
      expect(JSON.parse(JsonLines.event(event)).parsedArguments).toEqual({ a: [1, { b: true }] })
      expect(String(event)).toContain("true")
      expect(event).toEqual(
        ChatStreamEvent.make(ChatStreamEvent.ToolCallArgumentsDelta, { ...event, parsedArguments: Option.some({ a: [1, { b: true }] }) })
      )
    })

    it("done events carry JSON.parse of the text, none when it is not valid JSON", () => {
      const valid = derive([c({ content: "{\"a\":" }), c({ content: "[1]}" }, { finish_reason: "stop" })])
      expect(ofTag(valid.events, "ContentDone")[0].parsed).toEqual(Option.some({ a: [1] }))
      const cut = derive([c({ content: "{\"a\": [1" }, { finish_reason: "length" })])
      expect(ofTag(cut.events, "ContentDone")[0].parsed).toEqual(Option.none())
      expect(ofTag(cut.events, "ContentDelta")[0].parsed).toEqual(Option.some({ a: [1] }))
      const tools = derive([
        frag({ index: 0, id: "a", function: { name: "f", arguments: "{\"ok\":true}" } }),
        frag({ index: 1, id: "b", function: { name: "g", arguments: "{\"broken\":" } }),
        c({}, { finish_reason: "tool_calls" })
      ])
      expect(ofTag(tools.events, "ToolCallArgumentsDone").map((d) => d.parsedArguments)).toEqual([
        Option.some({ ok: true }),
        Option.none()
      ])
      for (const d of ofTag(tools.events, "ToolCallArgumentsDone")) {
        expect(d.parsedArguments).toEqual(expectedDone(d.arguments))
      }
    })
  })

  it("step is pure: the same state stepped twice gives independent results", () => {
    const { state } = derive([c({ content: "{\"a\":" })])
    const [, left] = ChatStreamEvent.step(state, chunk(c({ content: "1}" })))
    const [, right] = ChatStreamEvent.step(state, chunk(c({ content: "[2]}" })))
    expect(ofTag(left, "ContentDelta")[0].parsed).toEqual(Option.some({ a: 1 }))
    expect(ofTag(right, "ContentDelta")[0].parsed).toEqual(Option.some({ a: [2] }))
    expect(ofTag(left, "ContentDelta")[0].snapshot).toBe("{\"a\":1}")
    expect(ofTag(right, "ContentDelta")[0].snapshot).toBe("{\"a\":[2]}")
  })

  it("parseDone: JSON.parse for text starting with { or [, none otherwise", () => {
    expect(ChatStreamEvent.parseDone(" {\"a\":1}")).toEqual(Option.some({ a: 1 }))
    expect(ChatStreamEvent.parseDone("[1,2]")).toEqual(Option.some([1, 2]))
    expect(ChatStreamEvent.parseDone("42")).toEqual(Option.none())
    expect(ChatStreamEvent.parseDone("\"s\"")).toEqual(Option.none())
    expect(ChatStreamEvent.parseDone("{\"a\":")).toEqual(Option.none())
    expect(ChatStreamEvent.parseDone("")).toEqual(Option.none())
  })

  describe("edge cases", () => {
    it("a done at an index change carries only what its deltas carried, even when the same entry goes back to it", () => {
      // §4: "the deltas' concatenation equals the done's text"; the fragment
      // that goes back to call 0 after its done arrives in the same entry.
      const { events } = derive([
        frag({ index: 0, id: "a", function: { name: "f", arguments: "{\"x\":" } }),
        c({
          tool_calls: [
            { index: 1, id: "b", function: { name: "g", arguments: "{}" } },
            { index: 0, function: { arguments: "1}" } }
          ]
        }),
        c({}, { finish_reason: "tool_calls" })
      ])
      const deltas0 = ofTag(events, "ToolCallArgumentsDelta").filter((d) => d.toolCallIndex === 0)
      const done0 = ofTag(events, "ToolCallArgumentsDone").filter((d) => d.toolCallIndex === 0)
      expect(done0).toHaveLength(1)
      expect(done0[0].arguments).toBe(deltas0.map((d) => d.argumentsDelta).join(""))
      expect(done0[0].arguments).toBe("{\"x\":")
    })

    it("a done for the current call, due inside an entry, does not include text of later fragments of that entry", () => {
      // the entry goes 0 → 1 → 0: the done of 0 is due at the second fragment
      const { events } = derive([
        c({
          tool_calls: [
            { index: 0, id: "a", function: { name: "f", arguments: "[1" } },
            { index: 1, id: "b", function: { name: "g", arguments: "[]" } },
            { index: 0, function: { arguments: ",2]" } }
          ]
        }),
        c({}, { finish_reason: "tool_calls" })
      ])
      const done0 = ofTag(events, "ToolCallArgumentsDone").find((d) => d.toolCallIndex === 0)!
      expect(done0.arguments).toBe("[1")
    })
  })
})
