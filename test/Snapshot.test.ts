/**
 * The snapshot fold, rule by rule (stream contract §3), on hand-written
 * chunks decoded by the wire Schema so that its defaults apply.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Option, Schema, Stream } from "effect"
import * as ChatCompletion from "../src/ChatCompletion.js"
import * as ChatStream from "../src/ChatStream.js"
import * as Snapshot from "../src/Snapshot.js"
import { chunk, deepFreeze } from "./helpers.js"

/** The snapshot after each raw chunk, in order. */
const snapshotsOf = (...raws: ReadonlyArray<unknown>): Array<ChatCompletion.ChatCompletion> => {
  let accumulator = Snapshot.empty
  const out: Array<ChatCompletion.ChatCompletion> = []
  for (const raw of raws) {
    accumulator = Snapshot.fold(accumulator, chunk(raw))
    out.push(Option.getOrThrow(accumulator.snapshot))
  }
  return out
}

/** The snapshot after all raw chunks. */
const snapshotOf = (...raws: ReadonlyArray<unknown>): ChatCompletion.ChatCompletion => {
  const all = snapshotsOf(...raws)
  return all[all.length - 1]
}

/** A chunk with one choice at `index` carrying `delta` (and more choice fields). */
const delta = (d: Record<string, unknown>, choice: Record<string, unknown> = {}, index = 0) => ({
  id: "c1",
  model: "m",
  created: 1,
  choices: [{ index, delta: d, ...choice }]
})

/** A chunk with one tool-call fragment for choice 0. */
const tool = (fragment: Record<string, unknown>) => delta({ tool_calls: [fragment] })

const message = (completion: ChatCompletion.ChatCompletion, index = 0) => {
  const choice = completion.choices.find((c) => c.index === index)
  if (choice === undefined) throw new Error(`no choice ${index} in the snapshot`)
  return choice.message
}

const isSnapshot = Schema.is(ChatCompletion.ChatCompletion)

describe("Snapshot", () => {
  it("starts empty: no snapshot before the first chunk", () => {
    expect(Option.isNone(Snapshot.empty.snapshot)).toBe(true)
    expect(Option.isNone(Snapshot.fromChunks([]))).toBe(true)
    const one = Snapshot.fromChunks([chunk({ choices: [] })])
    expect(Option.isSome(one)).toBe(true)
  })

  it("header: the last non-empty id/model/created/system_fingerprint/service_tier wins; Azure's empty preamble never overwrites", () => {
    const [preamble, first, empties, second] = snapshotsOf(
      // Azure's first chunk: empty header and prompt_filter_results
      { id: "", model: "", created: 0, object: "", choices: [], prompt_filter_results: [{ prompt_index: 0 }] },
      { id: "a", model: "m1", created: 5, system_fingerprint: "fp1", service_tier: "default", choices: [] },
      { id: "", model: "", created: 0, system_fingerprint: "", service_tier: null, choices: [] },
      { id: "b", model: "m2", created: 7, system_fingerprint: "fp2", choices: [] }
    )
    expect(preamble.object).toBe("chat.completion")
    expect(preamble.id).toBe("")
    expect(preamble.model).toBe("")
    expect(preamble.created).toBe(0)
    expect("system_fingerprint" in preamble).toBe(false)
    expect("service_tier" in preamble).toBe(false)

    expect([first.id, first.model, first.created, first.system_fingerprint, first.service_tier]).toEqual([
      "a",
      "m1",
      5,
      "fp1",
      "default"
    ])
    expect([empties.id, empties.model, empties.created, empties.system_fingerprint, empties.service_tier]).toEqual([
      "a",
      "m1",
      5,
      "fp1",
      "default"
    ])
    expect([second.id, second.model, second.created, second.system_fingerprint, second.service_tier]).toEqual([
      "b",
      "m2",
      7,
      "fp2",
      "default"
    ])
    expect(second.object).toBe("chat.completion")
  })

  it("header: a late Azure-style empty chunk after the real header changes nothing", () => {
    const [real, late] = snapshotsOf(
      { id: "x", model: "gpt", created: 9, choices: [{ index: 0, delta: { content: "a" } }] },
      { id: "", model: "", created: 0, choices: [] }
    )
    expect([late.id, late.model, late.created]).toEqual([real.id, real.model, real.created])
  })

  it("usage: absent until it arrives; the last non-null top-level value wins, never summed", () => {
    const [none, first, afterNull, second] = snapshotsOf(
      delta({ content: "a" }),
      { choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } },
      { choices: [], usage: null },
      { choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, prompt_tokens_details: { cached_tokens: 1 } } }
    )
    expect("usage" in none).toBe(false)
    expect(first.usage).toEqual({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 })
    expect(afterNull.usage).toEqual({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 })
    expect(second.usage).toEqual({
      prompt_tokens: 3,
      completion_tokens: 4,
      total_tokens: 7,
      prompt_tokens_details: { cached_tokens: 1 }
    })
  })

  it("usage: a choice's usage moves to the top level and is not kept in the choice", () => {
    const snapshot = snapshotOf(
      delta({ content: "hi" }),
      delta({}, { finish_reason: "stop", usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } })
    )
    expect(snapshot.usage).toEqual({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 })
    expect("usage" in snapshot.choices[0]).toBe(false)
    expect(snapshot.choices[0].finish_reason).toBe("stop")
  })

  it("usage: found in x_groq.usage; top level first, then a choice, then x_groq", () => {
    const groq = snapshotOf(
      delta({ content: "hi" }, { finish_reason: "stop" }),
      {
        id: "c1",
        choices: [],
        x_groq: { id: "req_1", usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } }
      }
    )
    expect(groq.usage).toEqual({ prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 })

    const u = (n: number) => ({ prompt_tokens: n, completion_tokens: n, total_tokens: 2 * n })
    const topFirst = snapshotOf({
      choices: [{ index: 0, delta: {}, usage: u(2) }],
      usage: u(1),
      x_groq: { usage: u(3) }
    })
    expect(topFirst.usage).toEqual(u(1))
    const choiceNext = snapshotOf({ choices: [{ index: 0, delta: {}, usage: u(2) }], x_groq: { usage: u(3) } })
    expect(choiceNext.usage).toEqual(u(2))
  })

  it("usage: repeated usage chunks are never summed, the last one wins", () => {
    const u = (n: number) => ({ prompt_tokens: 10, completion_tokens: n, total_tokens: 10 + n })
    const snapshot = snapshotOf(
      { choices: [{ index: 0, delta: { content: "a" } }], usage: u(1) },
      { choices: [{ index: 0, delta: { content: "b" } }], usage: u(2) },
      { choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: u(3) }
    )
    expect(snapshot.usage).toEqual(u(3))
  })

  it("other top-level fields are kept (last non-null wins, null never removes); obfuscation is dropped", () => {
    const [first, second, third] = snapshotsOf(
      { choices: [], prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }], provider: "A", obfuscation: "xyz" },
      { choices: [], provider: "B", timings: { predicted_ms: 12 }, obfuscation: "abc" },
      { choices: [], provider: null, timings: null }
    )
    expect((first as Record<string, unknown>).prompt_filter_results).toEqual([{ prompt_index: 0, content_filter_results: {} }])
    expect((first as Record<string, unknown>).provider).toBe("A")
    expect((second as Record<string, unknown>).provider).toBe("B")
    expect((second as Record<string, unknown>).timings).toEqual({ predicted_ms: 12 })
    expect((second as Record<string, unknown>).prompt_filter_results).toEqual([{ prompt_index: 0, content_filter_results: {} }])
    expect((third as Record<string, unknown>).provider).toBe("B")
    expect((third as Record<string, unknown>).timings).toEqual({ predicted_ms: 12 })
    for (const s of [first, second, third]) expect("obfuscation" in s).toBe(false)
    expect(third.object).toBe("chat.completion")
  })

  it("choices are listed in ascending index order", () => {
    const snapshot = snapshotOf(
      { choices: [{ index: 2, delta: { content: "two" } }] },
      { choices: [{ index: 0, delta: { content: "zero" } }, { index: 3, delta: { content: "three" } }] },
      { choices: [{ index: 1, delta: { content: "one" } }, { index: 2, delta: { content: "!" } }] }
    )
    expect(snapshot.choices.map((c) => c.index)).toEqual([0, 1, 2, 3])
    expect(snapshot.choices.map((c) => c.message.content)).toEqual(["zero", "one", "two!", "three"])
  })

  it("a choice without index is choice 0", () => {
    const snapshot = snapshotOf({ choices: [{ delta: { content: "a" } }] }, { choices: [{ index: null, delta: { content: "b" } }] })
    expect(snapshot.choices).toHaveLength(1)
    expect(snapshot.choices[0].index).toBe(0)
    expect(snapshot.choices[0].message.content).toBe("ab")
  })

  it("role: the first non-empty value, assistant by default", () => {
    expect(message(snapshotOf(delta({ content: "x" }))).role).toBe("assistant")
    expect(message(snapshotOf(delta({ role: "" }), delta({ role: null }))).role).toBe("assistant")
    expect(message(snapshotOf(delta({ role: "" }), delta({ role: "model" }), delta({ role: "assistant" }))).role).toBe(
      "model"
    )
    expect(message(snapshotOf(delta({ role: "assistant" }), delta({ role: "assistant" }))).role).toBe("assistant")
  })

  it("content and refusal: deltas concatenated, null while empty", () => {
    const [start, empty, a, b, c] = snapshotsOf(
      delta({ role: "assistant" }),
      delta({ content: "", refusal: "" }),
      delta({ content: "Hel", refusal: null }),
      delta({ content: "lo", refusal: "I can" }),
      delta({ content: null, refusal: "not." })
    )
    expect([message(start).content, message(start).refusal]).toEqual([null, null])
    expect([message(empty).content, message(empty).refusal]).toEqual([null, null])
    expect([message(a).content, message(a).refusal]).toEqual(["Hel", null])
    expect([message(b).content, message(b).refusal]).toEqual(["Hello", "I can"])
    expect([message(c).content, message(c).refusal]).toEqual(["Hello", "I cannot."])
  })

  it("reasoning_content and reasoning: each concatenated under its own name, absent until non-empty", () => {
    const [start, empties, first, both, last] = snapshotsOf(
      delta({ role: "assistant", content: "" }),
      delta({ reasoning_content: "", reasoning: "" }),
      delta({ reasoning_content: "Think" }),
      delta({ reasoning_content: "ing", reasoning: "Other" }),
      delta({ reasoning: " text", reasoning_content: null })
    )
    for (const s of [start, empties]) {
      expect("reasoning_content" in message(s)).toBe(false)
      expect("reasoning" in message(s)).toBe(false)
      expect("reasoning_details" in message(s)).toBe(false)
    }
    expect(message(first).reasoning_content).toBe("Think")
    expect("reasoning" in message(first)).toBe(false)
    expect(message(both).reasoning_content).toBe("Thinking")
    expect(message(both).reasoning).toBe("Other")
    expect(message(last).reasoning_content).toBe("Thinking")
    expect(message(last).reasoning).toBe("Other text")
  })

  it("reasoning_details: arrays appended, absent until a non-empty one", () => {
    const d1 = { type: "reasoning.text", text: "a", index: 0 }
    const d2 = { type: "reasoning.encrypted", data: "xyz", index: 1 }
    const d3 = { type: "reasoning.text", text: "b", index: 2 }
    const [empty, one, two] = snapshotsOf(
      delta({ reasoning_details: [] }),
      delta({ reasoning_details: [d1] }),
      delta({ reasoning_details: [d2, d3] }),
      delta({ reasoning_details: null })
    )
    expect("reasoning_details" in message(empty)).toBe(false)
    expect(message(one).reasoning_details).toEqual([d1])
    expect(message(two).reasoning_details).toEqual([d1, d2, d3])
    expect(message(snapshotOf(
      delta({ reasoning_details: [d1] }),
      delta({ reasoning_details: [d2, d3] }),
      delta({ reasoning_details: null })
    )).reasoning_details).toEqual([d1, d2, d3])
  })

  it("finish_reason: the last non-empty value wins, never reset, unknown values kept", () => {
    const [none, stop, kept1, kept2, kept3, eos] = snapshotsOf(
      delta({ content: "a" }),
      delta({}, { finish_reason: "stop" }),
      delta({ content: "b" }, { finish_reason: null }),
      delta({}, { finish_reason: "" }),
      delta({}),
      delta({}, { finish_reason: "eos" })
    )
    expect(none.choices[0].finish_reason).toBeNull()
    expect(stop.choices[0].finish_reason).toBe("stop")
    expect(kept1.choices[0].finish_reason).toBe("stop")
    expect(kept2.choices[0].finish_reason).toBe("stop")
    expect(kept3.choices[0].finish_reason).toBe("stop")
    expect(eos.choices[0].finish_reason).toBe("eos")
    expect(snapshotOf(delta({}, { finish_reason: "error" })).choices[0].finish_reason).toBe("error")
  })

  it("logprobs: absent until a non-null object; content/refusal appended (null while only null); other keys last wins", () => {
    const t = (token: string) => ({ token, logprob: -0.5, bytes: [1], top_logprobs: [] })
    const [absent, nullOnly, first, second, third] = snapshotsOf(
      delta({ content: "a" }, { logprobs: null }),
      delta({ content: "b" }, { logprobs: { content: null, refusal: null, text_offset: [0] } }),
      delta({ content: "c" }, { logprobs: { content: [t("c")], text_offset: [1] } }),
      delta({ content: "de" }, { logprobs: { content: [t("d"), t("e")], refusal: [t("r")] } }),
      delta({ content: "f" }, { logprobs: { content: null, refusal: [t("s")], text_offset: [5] } })
    )
    expect("logprobs" in absent.choices[0]).toBe(false)
    expect(nullOnly.choices[0].logprobs?.content).toBeNull()
    expect(nullOnly.choices[0].logprobs?.refusal).toBeNull()
    expect(first.choices[0].logprobs?.content).toEqual([t("c")])
    expect(first.choices[0].logprobs?.refusal).toBeNull()
    expect((first.choices[0].logprobs as Record<string, unknown>).text_offset).toEqual([1])
    expect(second.choices[0].logprobs?.content).toEqual([t("c"), t("d"), t("e")])
    expect(second.choices[0].logprobs?.refusal).toEqual([t("r")])
    expect((second.choices[0].logprobs as Record<string, unknown>).text_offset).toEqual([1])
    expect(third.choices[0].logprobs?.content).toEqual([t("c"), t("d"), t("e")])
    expect(third.choices[0].logprobs?.refusal).toEqual([t("r"), t("s")])
    expect((third.choices[0].logprobs as Record<string, unknown>).text_offset).toEqual([5])
    // a later null logprobs never removes what arrived
    const after = snapshotOf(
      delta({ content: "c" }, { logprobs: { content: [t("c")] } }),
      delta({ content: "d" }, { logprobs: null })
    )
    expect(after.choices[0].logprobs?.content).toEqual([t("c")])
  })

  it("tool calls: id/type/name from the first non-empty value, repeats not appended, defaults until then, no index key", () => {
    const [bare, named, repeated, last] = snapshotsOf(
      tool({ index: 0, function: { arguments: "" } }),
      tool({ index: 0, id: "call_1", type: "function", function: { name: "lookup", arguments: "{" } }),
      tool({ index: 0, id: "call_1", type: "function", function: { name: "lookup", arguments: "}" } }),
      tool({ index: 0, id: "call_other", type: "other", function: { name: "other", arguments: "" } })
    )
    expect(message(bare).tool_calls).toEqual([{ id: "", type: "function", function: { name: "", arguments: "" } }])
    expect(message(named).tool_calls).toEqual([
      { id: "call_1", type: "function", function: { name: "lookup", arguments: "{" } }
    ])
    expect(message(repeated).tool_calls).toEqual([
      { id: "call_1", type: "function", function: { name: "lookup", arguments: "{}" } }
    ])
    expect(message(last).tool_calls).toEqual([
      { id: "call_1", type: "function", function: { name: "lookup", arguments: "{}" } }
    ])
    for (const call of message(last).tool_calls ?? []) expect("index" in call).toBe(false)
  })

  it("tool calls: the first non-empty type is kept, even when it is not \"function\"", () => {
    const snapshot = snapshotOf(
      tool({ index: 0, type: "", function: { name: "f" } }),
      tool({ index: 0, type: "custom" }),
      tool({ index: 0, type: "function" })
    )
    expect(message(snapshot).tool_calls?.[0].type).toBe("custom")
  })

  it("tool calls: arguments concatenated; an object sent instead of a string is JSON.stringify'd", () => {
    const text = snapshotOf(
      tool({ index: 0, id: "c", function: { name: "f", arguments: "{\"a\"" } }),
      tool({ index: 0, function: { arguments: ":1" } }),
      tool({ index: 0, function: { arguments: null } }),
      tool({ index: 0, function: { arguments: "}" } })
    )
    expect(message(text).tool_calls?.[0].function.arguments).toBe("{\"a\":1}")
    const object = snapshotOf(
      tool({ index: 0, id: "c", function: { name: "f", arguments: { city: "Oslo", days: [1, 2] } } })
    )
    expect(message(object).tool_calls?.[0].function.arguments).toBe(JSON.stringify({ city: "Oslo", days: [1, 2] }))
  })

  it("tool calls without index: matched by a known id", () => {
    const snapshot = snapshotOf(
      tool({ id: "call_a", function: { name: "a", arguments: "{\"x\":" } }),
      tool({ id: "call_b", function: { name: "b", arguments: "{\"y\":" } }),
      tool({ id: "call_a", function: { arguments: "1}" } }),
      tool({ id: "call_b", function: { arguments: "2}" } })
    )
    expect(message(snapshot).tool_calls).toEqual([
      { id: "call_a", type: "function", function: { name: "a", arguments: "{\"x\":1}" } },
      { id: "call_b", type: "function", function: { name: "b", arguments: "{\"y\":2}" } }
    ])
  })

  it("tool calls without index: a delta with a name starts a new call at max index + 1 (0 first)", () => {
    // Gemini: every call arrives whole, without index
    const snapshot = snapshotOf(
      tool({ id: "g1", function: { name: "first", arguments: "{}" } }),
      tool({ function: { name: "second", arguments: "{\"b\":1}" } }),
      tool({ index: 5, id: "x", function: { name: "fifth", arguments: "" } }),
      tool({ function: { name: "sixth", arguments: "[]" } })
    )
    const calls = message(snapshot).tool_calls ?? []
    expect(calls.map((c) => c.function.name)).toEqual(["first", "second", "fifth", "sixth"])
    expect(calls.map((c) => c.function.arguments)).toEqual(["{}", "{\"b\":1}", "", "[]"])
    // the index-less call after index 5 went to 6: an indexed fragment for 6 continues it
    const continued = snapshotOf(
      tool({ index: 5, id: "x", function: { name: "fifth", arguments: "" } }),
      tool({ function: { name: "sixth", arguments: "[" } }),
      tool({ index: 6, function: { arguments: "]" } })
    )
    expect(message(continued).tool_calls?.map((c) => c.function.arguments)).toEqual(["", "[]"])
  })

  it("tool calls without index: a delta without id or name continues the previous call (a new call at 0 when none)", () => {
    const fresh = snapshotOf(tool({ function: { arguments: "{\"a\"" } }), tool({ function: { arguments: ":1}" } }))
    expect(message(fresh).tool_calls).toEqual([
      { id: "", type: "function", function: { name: "", arguments: "{\"a\":1}" } }
    ])
    const previous = snapshotOf(
      tool({ index: 0, id: "c0", function: { name: "f0", arguments: "" } }),
      tool({ index: 1, id: "c1", function: { name: "f1", arguments: "[" } }),
      tool({ index: 0, function: { arguments: "{" } }),
      tool({ function: { arguments: "}" } }),
      tool({ id: "c1", function: { arguments: "1" } }),
      tool({ function: { arguments: "]" } })
    )
    expect(message(previous).tool_calls?.map((c) => c.function.arguments)).toEqual(["{}", "[1]"])
  })

  it("tool calls: indexes need not start at 0 or be dense; calls are listed in index order", () => {
    const snapshot = snapshotOf(
      tool({ index: 3, id: "c3", function: { name: "three", arguments: "3" } }),
      tool({ index: 1, id: "c1", function: { name: "one", arguments: "1" } }),
      tool({ index: 7, id: "c7", function: { name: "seven", arguments: "7" } }),
      tool({ index: 1, function: { arguments: "!" } })
    )
    expect(message(snapshot).tool_calls?.map((c) => [c.id, c.function.name, c.function.arguments])).toEqual([
      ["c1", "one", "1!"],
      ["c3", "three", "3"],
      ["c7", "seven", "7"]
    ])
  })

  it("tool calls: unknown tool-call and function fields are kept", () => {
    const snapshot = snapshotOf(
      tool({
        index: 0,
        id: "c",
        type: "function",
        function: { name: "f", arguments: "{}", strict: true },
        extra_content: { google: { thought_signature: "sig" } }
      })
    )
    const call = message(snapshot).tool_calls?.[0] as Record<string, unknown>
    expect(call.extra_content).toEqual({ google: { thought_signature: "sig" } })
    expect((call.function as Record<string, unknown>).strict).toBe(true)
    expect("index" in call).toBe(false)
  })

  it("tool calls: tool_calls is absent until a tool-call delta arrives (never [])", () => {
    const [plain, empty, nulls, one] = snapshotsOf(
      delta({ content: "a" }),
      delta({ tool_calls: [] }),
      delta({ tool_calls: null }),
      tool({ index: 0, function: { arguments: "" } })
    )
    for (const s of [plain, empty, nulls]) expect("tool_calls" in message(s)).toBe(false)
    expect(message(one).tool_calls).toHaveLength(1)
  })

  it("unknown delta fields are kept in the message, unknown choice fields in the choice: last non-null wins, null never removes", () => {
    const [first, second, third] = snapshotsOf(
      delta({ content: "a", audio: { id: "au_1" } }, { content_filter_results: { hate: { filtered: false } }, native_finish_reason: null }),
      delta({ audio: { id: "au_2" }, annotations: [{ type: "url_citation" }] }, { native_finish_reason: "STOP" }),
      delta({ audio: null, annotations: null }, { content_filter_results: null, native_finish_reason: null })
    )
    const m = (s: ChatCompletion.ChatCompletion) => message(s) as Record<string, unknown>
    const c = (s: ChatCompletion.ChatCompletion) => s.choices[0] as Record<string, unknown>
    expect(m(first).audio).toEqual({ id: "au_1" })
    expect(c(first).content_filter_results).toEqual({ hate: { filtered: false } })
    expect("native_finish_reason" in c(first)).toBe(false)
    expect(m(second).audio).toEqual({ id: "au_2" })
    expect(m(second).annotations).toEqual([{ type: "url_citation" }])
    expect(c(second).native_finish_reason).toBe("STOP")
    expect(m(third).audio).toEqual({ id: "au_2" })
    expect(m(third).annotations).toEqual([{ type: "url_citation" }])
    expect(c(third).content_filter_results).toEqual({ hate: { filtered: false } })
    expect(c(third).native_finish_reason).toBe("STOP")
    // the chunk's own fields stay out of the choice and the message
    expect("delta" in c(third)).toBe(false)
    expect("tool_calls" in m(third)).toBe(false)
  })

  it("a choice is in the snapshot as soon as a chunk names its index, with the defaults", () => {
    const [named] = snapshotsOf({ choices: [{ index: 1 }] })
    expect(named.choices).toEqual([
      { index: 1, finish_reason: null, message: { role: "assistant", content: null, refusal: null } }
    ])
    const [, both] = snapshotsOf({ choices: [{ index: 1 }] }, { choices: [{ index: 0, delta: {} }] })
    expect(both.choices.map((c) => c.index)).toEqual([0, 1])
  })

  it("every snapshot is a valid ChatCompletion", () => {
    const all = snapshotsOf(
      { id: "", model: "", created: 0, choices: [], prompt_filter_results: [] },
      delta({ role: "assistant", content: "a", reasoning: "r" }),
      tool({ index: 2, id: "c", function: { name: "f", arguments: { a: 1 } } }),
      delta({}, { finish_reason: "tool_calls", logprobs: { content: [{ token: "a", logprob: 0, top_logprobs: [] }] } }),
      { choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }
    )
    for (const s of all) expect(isSnapshot(s)).toBe(true)
  })

  it("snapshots handed out earlier never change (serialised when produced, compared at the end)", () => {
    const t = (token: string) => ({ token, logprob: -1, top_logprobs: [] })
    const raws: Array<unknown> = [
      { id: "", model: "", created: 0, choices: [], prompt_filter_results: [{ prompt_index: 0 }] },
      { id: "c", model: "m", created: 1, choices: [{ index: 1, delta: { role: "assistant", content: "b" } }] },
      { choices: [{ index: 0, delta: { content: "a", reasoning_content: "r", reasoning_details: [{ t: 1 }] } }] },
      { choices: [{ index: 0, delta: { content: "a", reasoning: "x", reasoning_details: [{ t: 2 }], audio: { id: 1 } }, logprobs: { content: [t("a")] } }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 2, id: "c2", function: { name: "g", arguments: "{" } }] }, logprobs: { content: [t("b")], refusal: [t("z")] } }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: "c0", function: { name: "f", arguments: "[" } }, { index: 2, function: { arguments: "}" } }] } }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ id: "c0", function: { arguments: "1" }, extra_content: { k: 1 } }, { function: { arguments: "]" } }] }, content_filter_results: { a: 1 } }] },
      { choices: [{ index: 0, delta: { refusal: "no" }, finish_reason: "stop" }, { index: 1, delta: { content: "c" }, finish_reason: "length" }], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }, provider: "p" },
      { choices: [{ index: 0, delta: { content: "late", tool_calls: [{ index: 0, function: { arguments: "x" } }] } }], usage: { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 }, provider: "q" }
    ]
    let accumulator = Snapshot.empty
    const seen: Array<{ snapshot: ChatCompletion.ChatCompletion; json: string }> = []
    for (const raw of raws) {
      accumulator = Snapshot.fold(accumulator, chunk(raw))
      const snapshot = Option.getOrThrow(accumulator.snapshot)
      seen.push({ snapshot, json: JSON.stringify(snapshot) })
    }
    expect(seen).toHaveLength(raws.length)
    for (const { json, snapshot } of seen) expect(JSON.stringify(snapshot)).toBe(json)
    // the last snapshot really holds everything (so the check above compared something)
    const last = seen[seen.length - 1].snapshot
    expect(last.choices[0].message.tool_calls?.map((c) => c.function.arguments)).toEqual(["[1]x", "{}"])
    expect(last.choices[0].message.content).toBe("aalate")
  })

  it("the fold never writes to a chunk it was given (deep-frozen chunks)", () => {
    const raws: Array<unknown> = [
      { id: "c", model: "m", created: 1, choices: [{ index: 0, delta: { role: "assistant", content: "a", reasoning_details: [{ a: 1 }] } }] },
      { choices: [{ index: 0, delta: { content: "b", reasoning_details: [{ b: 2 }], tool_calls: [{ index: 1, id: "x", function: { name: "f", arguments: "{" } }] }, logprobs: { content: [{ token: "b", logprob: 0 }] } }] },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { name: "g", arguments: "[" } }, { index: 1, function: { arguments: "}" } }] }, logprobs: { content: [{ token: "c", logprob: 0 }] } }] },
      { choices: [{ index: 2, delta: { content: "z" }, finish_reason: "stop" }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }, extra: { a: 1 } },
      { choices: [{ index: 0, delta: { content: "c", audio: { id: 2 } }, finish_reason: "stop" }], extra: { a: 2 } }
    ]
    let accumulator = Snapshot.empty
    for (const raw of raws) {
      accumulator = Snapshot.fold(accumulator, deepFreeze(chunk(raw)))
    }
    const last = Option.getOrThrow(accumulator.snapshot)
    expect(last.choices.map((c) => c.message.content)).toEqual(["abc", "z"])
    expect(last.choices[0].message.reasoning_details).toEqual([{ a: 1 }, { b: 2 }])
    expect(last.choices[0].logprobs?.content?.map((t) => t.token)).toEqual(["b", "c"])
  })

  /** Snapshots whose arrays grew over several chunks (logprobs, reasoning_details, tool calls). */
  const grownSnapshots = () =>
    snapshotsOf(
      delta({ content: "a", reasoning_details: [{ type: "reasoning.text", text: "r" }] }, { logprobs: { content: [{ token: "a", logprob: -1 }] } }),
      delta({ content: "b", reasoning_details: [{ type: "reasoning.text", text: "s" }] }, {
        logprobs: { content: [{ token: "b", logprob: -2 }], refusal: [{ token: "n", logprob: -3 }] }
      }),
      tool({ index: 0, id: "c", function: { name: "f", arguments: "{}" } }),
      { choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }
    )

  it("a snapshot is plain data: structuredClone copies it (workers, postMessage, storage)", () => {
    // §3: the snapshot is what a non-streaming call would have returned, a plain JSON value
    for (const snapshot of grownSnapshots()) {
      let cloned: unknown
      expect(() => {
        cloned = structuredClone(snapshot)
      }).not.toThrow()
      expect(cloned).toEqual(JSON.parse(JSON.stringify(snapshot)))
    }
  })

  it("a snapshot is plain data: Object.freeze works on it, and folding goes on after", () => {
    const all = grownSnapshots()
    const json = all.map((x) => JSON.stringify(x))
    for (const snapshot of all) expect(() => deepFreeze(snapshot)).not.toThrow()
    expect(all.map((x) => JSON.stringify(x))).toEqual(json)
    const more = Snapshot.fold(
      Snapshot.fold(Snapshot.empty, chunk(delta({ content: "a" }, { logprobs: { content: [{ token: "a", logprob: 0 }] } }))),
      chunk(delta({ content: "b" }, { logprobs: { content: [{ token: "b", logprob: 0 }] } }))
    )
    expect(Option.getOrThrow(more.snapshot).choices[0].logprobs?.content?.map((t) => t.token)).toEqual(["a", "b"])
  })

  it("fold is pure: folding the same accumulator twice gives independent results", () => {
    const base = Snapshot.fold(Snapshot.empty, chunk(delta({ content: "a", tool_calls: [{ index: 0, function: { name: "f", arguments: "x" } }] })))
    const left = Snapshot.fold(base, chunk(delta({ content: "L", tool_calls: [{ index: 0, function: { arguments: "l" } }] })))
    const right = Snapshot.fold(base, chunk(delta({ content: "R", tool_calls: [{ index: 1, function: { name: "g", arguments: "r" } }] })))
    expect(message(Option.getOrThrow(base.snapshot)).content).toBe("a")
    expect(message(Option.getOrThrow(left.snapshot)).content).toBe("aL")
    expect(message(Option.getOrThrow(right.snapshot)).content).toBe("aR")
    expect(message(Option.getOrThrow(left.snapshot)).tool_calls?.map((c) => c.function.arguments)).toEqual(["xl"])
    expect(message(Option.getOrThrow(right.snapshot)).tool_calls?.map((c) => c.function.arguments)).toEqual(["x", "r"])
  })

  it("fold is pure for appended arrays too: logprobs and reasoning_details of forks stay apart, read in any order", () => {
    const lp = (token: string) => ({ token, logprob: -1 })
    const step = (token: string) => chunk(delta({ reasoning_details: [{ token }] }, { logprobs: { content: [lp(token)] } }))
    const base = Snapshot.fold(Snapshot.fold(Snapshot.empty, step("a")), step("b"))
    const left = Snapshot.fold(base, step("l"))
    const right = Snapshot.fold(base, step("r"))
    const leftMore = Snapshot.fold(left, step("m"))
    const rightMore = Snapshot.fold(right, step("s"))
    const again = Snapshot.fold(base, chunk(delta({}, { logprobs: { content: [] } })))
    const afterAgain = Snapshot.fold(again, step("z"))
    const tokens = (acc: Snapshot.Accumulator) => {
      const choice = Option.getOrThrow(acc.snapshot).choices[0]
      return [
        choice.logprobs?.content?.map((t) => t.token).join(""),
        (choice.message.reasoning_details as Array<{ token: string }>).map((d) => d.token).join("")
      ]
    }
    // read the latest first, the oldest last
    expect(tokens(afterAgain)).toEqual(["abz", "abz"])
    expect(tokens(rightMore)).toEqual(["abrs", "abrs"])
    expect(tokens(leftMore)).toEqual(["ablm", "ablm"])
    expect(tokens(again)).toEqual(["ab", "ab"])
    expect(tokens(right)).toEqual(["abr", "abr"])
    expect(tokens(left)).toEqual(["abl", "abl"])
    expect(tokens(base)).toEqual(["ab", "ab"])
  })

  it("fromChunks equals folding one chunk at a time", () => {
    const raws = [delta({ content: "a" }), delta({ content: "b" }, { finish_reason: "stop" })]
    expect(Snapshot.fromChunks(raws.map(chunk))).toEqual(Option.some(snapshotOf(...raws)))
  })

  describe("edge cases", () => {
    it("an unknown choice field named like a snapshot field (message) never replaces the accumulated message", () => {
      // Some servers add the whole `message` to a streamed choice; the fold
      // must keep the message it accumulated (§3: the snapshot keeps the
      // shapes of a ChatCompletion).
      const snapshot = snapshotOf(
        delta({ role: "assistant", content: "Hel" }),
        delta({ content: "lo" }, { finish_reason: "stop", message: { content: "Hello" } })
      )
      expect(isSnapshot(snapshot)).toBe(true)
      expect(message(snapshot)).toEqual({ role: "assistant", content: "Hello", refusal: null })
    })
  })

  describe("\"__proto__\" keys", () => {
    it.effect("an unknown \"__proto__\" field at any level stays an own data property and never sets a prototype", () =>
      Effect.gen(function*() {
        const evil = "{\"polluted\": true}"
        const lines = [
          `{"id":"c","created":1,"model":"m","__proto__":${evil},"choices":[{"index":0,"__proto__":${evil},` +
          `"delta":{"content":"x","__proto__":${evil},"tool_calls":[{"index":0,"id":"t","__proto__":${evil},` +
          `"function":{"name":"f","arguments":"{}","__proto__":${evil}}}]},` +
          `"logprobs":{"content":[{"token":"x","logprob":-1,"bytes":[120],"top_logprobs":[]}],"__proto__":${evil}}}]}`,
          `{"id":"c","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"y"},` +
          `"logprobs":{"content":[{"token":"y","logprob":-1,"bytes":[121],"top_logprobs":[]}]},"finish_reason":"stop"}]}`
        ]
        const body = new TextEncoder().encode(lines.map((line) => `data: ${line}\n\n`).join("") + "data: [DONE]\n\n")
        const snapshots = Chunk.toArray(yield* Stream.runCollect(ChatStream.snapshots(Stream.make(body))))
        expect(snapshots).toHaveLength(2)
        for (const snapshot of snapshots) {
          const choice = snapshot.choices[0]
          const objects: ReadonlyArray<object> = [
            snapshot,
            choice,
            choice.message,
            choice.message.tool_calls![0],
            choice.message.tool_calls![0].function,
            choice.logprobs!
          ]
          for (const object of objects) {
            expect(Object.getPrototypeOf(object)).toBe(Object.prototype)
            expect(Object.getOwnPropertyDescriptor(object, "__proto__")?.value).toEqual({ polluted: true })
            expect((object as Record<string, unknown>)["polluted"]).toBeUndefined()
          }
        }
        expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined()
      }))
  })
})
