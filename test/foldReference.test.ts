/**
 * The snapshot fold against a deliberately plain reference implementation
 * written straight from the stream contract, §3 (and the decoded chunk shapes
 * of §2), on generated sequences of decoded chunks.
 *
 * The reference (`referenceFold`) uses mutable objects and rebuilds the whole
 * `ChatCompletion` from scratch; it shares nothing with `src/Snapshot.ts`.
 *
 * (a) `Snapshot.fromChunks(chunks)` equals `referenceFold(chunks)`;
 * (b) every intermediate snapshot equals the reference fold of that prefix;
 * (c) snapshots handed out earlier are unchanged after folding the rest, both
 *     when they were serialised as they were handed out and when they were
 *     left untouched (lazy) until the end.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option, Schema } from "effect"
import * as fc from "effect/FastCheck"
import {
  ChatCompletion,
  type ChatCompletionChoice,
  ChatCompletionChunk,
  type ChatCompletionLogprobs,
  type ChatCompletionMessage,
  type ChunkToolCall,
  type CompletionUsage,
  type TokenLogprob,
  type ToolCall
} from "../src/ChatCompletion.js"
import * as Snapshot from "../src/Snapshot.js"
import { chunksArb } from "./arbitraries/chunks.js"
import { breathe, propertySettings } from "./helpers.js"

const settings = propertySettings

// -----------------------------------------------------------------------------
// the reference fold (contract §3), plain and mutable
// -----------------------------------------------------------------------------

type Json = Record<string, unknown>

const KNOWN_CHUNK = new Set(["id", "object", "created", "model", "choices", "usage", "system_fingerprint", "service_tier"])
/** §3: "`obfuscation` is dropped." */
const DROPPED_CHUNK = new Set(["obfuscation"])
const KNOWN_CHOICE = new Set(["index", "delta", "finish_reason", "logprobs", "usage"])
const KNOWN_DELTA = new Set([
  "role",
  "content",
  "refusal",
  "reasoning_content",
  "reasoning",
  "reasoning_details",
  "tool_calls"
])
const KNOWN_LOGPROBS = new Set(["content", "refusal"])
const KNOWN_TOOL_CALL = new Set(["index", "id", "type", "function"])
const KNOWN_FUNCTION = new Set(["name", "arguments"])

/** Copies the unknown fields of `source` into `target`: the last non-null value wins. */
const keepUnknown = (target: Json, source: object, known: ReadonlySet<string>): void => {
  for (const [key, value] of Object.entries(source)) {
    if (known.has(key) || value === null || value === undefined) continue
    target[key] = value
  }
}

const nonEmpty = (s: string | undefined): s is string => s !== undefined && s !== ""

interface RefToolCall {
  readonly index: number
  id: string
  type: string
  typeSet: boolean
  name: string
  arguments: string
  readonly extra: Json
  readonly functionExtra: Json
}

interface RefLogprobs {
  content: Array<TokenLogprob> | null
  refusal: Array<TokenLogprob> | null
  readonly extra: Json
}

interface RefChoice {
  readonly index: number
  role: string | undefined
  content: string
  refusal: string
  reasoningContent: string
  reasoning: string
  reasoningDetails: Array<unknown>
  toolCalls: Array<RefToolCall> | undefined
  lastToolCallIndex: number | undefined
  finishReason: string | null
  logprobs: RefLogprobs | undefined
  readonly messageExtra: Json
  readonly choiceExtra: Json
}

/** x_groq.usage, when the chunk carries a non-null one. */
const groqUsage = (chunk: ChatCompletionChunk): CompletionUsage | undefined => {
  const xGroq = chunk["x_groq"]
  if (typeof xGroq !== "object" || xGroq === null) return undefined
  const usage = (xGroq as Json)["usage"]
  return typeof usage === "object" && usage !== null ? usage as CompletionUsage : undefined
}

/**
 * §3: "`usage`: the last non-null value wins, looked for in each chunk at the
 * top level, then in each choice (…), then in `x_groq.usage`."
 *
 * Read as: a chunk's usage is the first level that has one (top level, else
 * the choices, else `x_groq.usage`); among the choices of one chunk, which
 * are folded in order, the last non-null one wins. (The contract does not
 * say which choice wins when several of one chunk carry a usage; this is
 * what the library does, and it agrees with "the last non-null value wins".)
 */
const usageOf = (chunk: ChatCompletionChunk): CompletionUsage | undefined =>
  chunk.usage ?? [...chunk.choices].reverse().find((c) => c.usage !== undefined)?.usage ?? groqUsage(chunk)

/**
 * Which tool call an index-less fragment goes to (§3): matched by its id when
 * that id is known in the choice; otherwise a fragment with a
 * `function.name` starts a new call at one more than the highest index (0
 * for the first); otherwise the call the previous fragment went to (a new
 * call at 0 when there is none).
 */
const toolCallIndexOf = (choice: RefChoice, fragment: ChunkToolCall): number => {
  if (fragment.index !== undefined) return fragment.index
  const calls = choice.toolCalls ?? []
  if (nonEmpty(fragment.id)) {
    const byId = calls.filter((c) => c.id === fragment.id).sort((a, b) => a.index - b.index)[0]
    if (byId !== undefined) return byId.index
  }
  if (nonEmpty(fragment.function?.name)) {
    return calls.length === 0 ? 0 : Math.max(...calls.map((c) => c.index)) + 1
  }
  return choice.lastToolCallIndex ?? 0
}

const foldToolCall = (choice: RefChoice, fragment: ChunkToolCall): void => {
  const index = toolCallIndexOf(choice, fragment)
  const calls = (choice.toolCalls ??= [])
  let call = calls.find((c) => c.index === index)
  if (call === undefined) {
    call = { index, id: "", type: "function", typeSet: false, name: "", arguments: "", extra: {}, functionExtra: {} }
    calls.push(call)
  }
  if (call.id === "" && nonEmpty(fragment.id)) call.id = fragment.id
  if (!call.typeSet && nonEmpty(fragment.type)) {
    call.type = fragment.type
    call.typeSet = true
  }
  const fn = fragment.function
  if (fn !== undefined) {
    if (call.name === "" && nonEmpty(fn.name)) call.name = fn.name
    const args = fn.arguments
    if (typeof args === "string") call.arguments += args
    else if (args !== undefined) call.arguments += JSON.stringify(args)
    keepUnknown(call.functionExtra, fn, KNOWN_FUNCTION)
  }
  keepUnknown(call.extra, fragment, KNOWN_TOOL_CALL)
  choice.lastToolCallIndex = index
}

const foldChoice = (choice: RefChoice, entry: ChatCompletionChunk["choices"][number]): void => {
  const delta = entry.delta
  if (choice.role === undefined && nonEmpty(delta.role)) choice.role = delta.role
  choice.content += delta.content ?? ""
  choice.refusal += delta.refusal ?? ""
  choice.reasoningContent += delta.reasoning_content ?? ""
  choice.reasoning += delta.reasoning ?? ""
  if (delta.reasoning_details !== undefined) choice.reasoningDetails.push(...delta.reasoning_details)
  for (const fragment of delta.tool_calls ?? []) foldToolCall(choice, fragment)
  keepUnknown(choice.messageExtra, delta, KNOWN_DELTA)

  if (nonEmpty(entry.finish_reason)) choice.finishReason = entry.finish_reason

  if (entry.logprobs !== undefined) {
    const logprobs = (choice.logprobs ??= { content: null, refusal: null, extra: {} })
    if (entry.logprobs.content !== undefined) {
      logprobs.content = [...(logprobs.content ?? []), ...entry.logprobs.content]
    }
    if (entry.logprobs.refusal !== undefined) {
      logprobs.refusal = [...(logprobs.refusal ?? []), ...entry.logprobs.refusal]
    }
    // "other logprobs keys: the last value received wins"
    for (const [key, value] of Object.entries(entry.logprobs)) {
      if (!KNOWN_LOGPROBS.has(key)) logprobs.extra[key] = value
    }
  }

  keepUnknown(choice.choiceExtra, entry, KNOWN_CHOICE)
}

const renderToolCall = (call: RefToolCall): ToolCall => ({
  ...call.extra,
  id: call.id,
  type: call.type,
  function: { ...call.functionExtra, name: call.name, arguments: call.arguments }
})

const renderChoice = (choice: RefChoice): ChatCompletionChoice => {
  const message: Json = {
    ...choice.messageExtra,
    role: choice.role ?? "assistant",
    content: choice.content === "" ? null : choice.content,
    refusal: choice.refusal === "" ? null : choice.refusal
  }
  if (choice.reasoningContent !== "") message.reasoning_content = choice.reasoningContent
  if (choice.reasoning !== "") message.reasoning = choice.reasoning
  if (choice.reasoningDetails.length > 0) message.reasoning_details = [...choice.reasoningDetails]
  if (choice.toolCalls !== undefined) {
    message.tool_calls = [...choice.toolCalls].sort((a, b) => a.index - b.index).map(renderToolCall)
  }
  const out: Json = {
    ...choice.choiceExtra,
    index: choice.index,
    finish_reason: choice.finishReason,
    message: message as ChatCompletionMessage
  }
  if (choice.logprobs !== undefined) {
    const logprobs: ChatCompletionLogprobs = {
      ...choice.logprobs.extra,
      content: choice.logprobs.content === null ? null : [...choice.logprobs.content],
      refusal: choice.logprobs.refusal === null ? null : [...choice.logprobs.refusal]
    }
    out.logprobs = logprobs
  }
  return out as ChatCompletionChoice
}

/** The snapshot after `chunks`, per contract §3; `undefined` for no chunk. */
export const referenceFold = (chunks: ReadonlyArray<ChatCompletionChunk>): ChatCompletion | undefined => {
  if (chunks.length === 0) return undefined
  let id = ""
  let model = ""
  let created = 0
  let systemFingerprint: string | undefined
  let serviceTier: string | undefined
  let usage: CompletionUsage | undefined
  const extra: Json = {}
  const choices = new Map<number, RefChoice>()

  for (const chunk of chunks) {
    if (nonEmpty(chunk.id)) id = chunk.id
    if (nonEmpty(chunk.model)) model = chunk.model
    if (chunk.created !== 0) created = chunk.created
    if (nonEmpty(chunk.system_fingerprint)) systemFingerprint = chunk.system_fingerprint
    if (nonEmpty(chunk.service_tier)) serviceTier = chunk.service_tier
    usage = usageOf(chunk) ?? usage
    for (const [key, value] of Object.entries(chunk)) {
      if (KNOWN_CHUNK.has(key) || DROPPED_CHUNK.has(key) || value === null || value === undefined) continue
      extra[key] = value
    }
    for (const entry of chunk.choices) {
      let choice = choices.get(entry.index)
      if (choice === undefined) {
        choice = {
          index: entry.index,
          role: undefined,
          content: "",
          refusal: "",
          reasoningContent: "",
          reasoning: "",
          reasoningDetails: [],
          toolCalls: undefined,
          lastToolCallIndex: undefined,
          finishReason: null,
          logprobs: undefined,
          messageExtra: {},
          choiceExtra: {}
        }
        choices.set(entry.index, choice)
      }
      foldChoice(choice, entry)
    }
  }

  const out: Json = { ...extra, id, object: "chat.completion", created, model }
  if (systemFingerprint !== undefined) out.system_fingerprint = systemFingerprint
  if (serviceTier !== undefined) out.service_tier = serviceTier
  if (usage !== undefined) out.usage = usage
  out.choices = [...choices.values()].sort((a, b) => a.index - b.index).map(renderChoice)
  return out as ChatCompletion
}

// -----------------------------------------------------------------------------
// helpers
// -----------------------------------------------------------------------------

const viaJson = <A>(value: A): A => (value === undefined ? value : JSON.parse(JSON.stringify(value)))

const expectSame = (actual: ChatCompletion | undefined, expected: ChatCompletion | undefined) => {
  // as handed out (lazy properties and all) and materialised
  expect(actual).toStrictEqual(expected)
  expect(viaJson(actual)).toStrictEqual(viaJson(expected))
}

const isChunk = Schema.is(ChatCompletionChunk)
const isCompletion = Schema.is(ChatCompletion)
const decodeChunk = Schema.decodeUnknownSync(ChatCompletionChunk)

// -----------------------------------------------------------------------------
// tests
// -----------------------------------------------------------------------------

describe("Snapshot.fold against a reference fold written from the contract (§3)", () => {
  describe("the reference itself, on hand-checked cases", () => {
    const c = (raw: unknown) => decodeChunk(raw)

    it("no chunk: no snapshot", () => {
      expect(referenceFold([])).toBeUndefined()
    })

    it("header and usage: Azure preamble, usage from a choice and from x_groq, obfuscation dropped", () => {
      const result = referenceFold([
        c({ id: "", model: "", created: 0, choices: [], prompt_filter_results: [1] }),
        c({
          id: "a",
          model: "m",
          created: 5,
          obfuscation: "xx",
          choices: [{ index: 1, delta: { content: "Hi" }, usage: { total_tokens: 3 } }]
        }),
        c({ id: "", choices: [], x_groq: { id: "g", usage: { total_tokens: 9 } }, provider: null })
      ])
      expect(result).toStrictEqual({
        id: "a",
        object: "chat.completion",
        created: 5,
        model: "m",
        usage: { total_tokens: 9 },
        prompt_filter_results: [1],
        x_groq: { id: "g", usage: { total_tokens: 9 } },
        choices: [{ index: 1, finish_reason: null, message: { role: "assistant", content: "Hi", refusal: null } }]
      })
    })

    it("tool calls: first non-empty id/type/name, index-less fragments by id, by name, else the previous call", () => {
      const tools = (...fragments: Array<unknown>) => c({ choices: [{ delta: { tool_calls: fragments } }] })
      const result = referenceFold([
        tools({ index: 1, id: "call_a", function: { name: "f", arguments: "{\"a\"" } }),
        tools({ index: 1, id: "call_a", type: "function", function: { name: "f", arguments: ":1}" } }),
        tools({ id: "call_b", function: { name: "g", arguments: { x: 1 } } }), // new call at 2
        tools({ function: { arguments: "!" } }), // continues 2
        tools({ id: "call_a", function: { arguments: "?" } }) // back to 1
      ])
      expect(result?.choices[0].message.tool_calls).toStrictEqual([
        { id: "call_a", type: "function", function: { name: "f", arguments: "{\"a\":1}?" } },
        { id: "call_b", type: "function", function: { name: "g", arguments: "{\"x\":1}!" } }
      ])
    })

    it("logprobs: content/refusal appended, null while only null arrived; other keys last wins", () => {
      const token = { token: "a", logprob: -1 }
      const result = referenceFold([
        c({ choices: [{ delta: {}, logprobs: { content: [token], refusal: null, k: 1 } }] }),
        c({ choices: [{ delta: {}, logprobs: { content: [token], k: 2 } }] })
      ])
      expect(result?.choices[0].logprobs).toStrictEqual({ content: [token, token], refusal: null, k: 2 })
    })
  })

  describe("the generator", () => {
    it("makes decoded chunks: each is a fixed point of the wire Schema", () => {
      for (const chunks of fc.sample(chunksArb, { numRuns: 200, seed: 42 })) {
        for (const chunk of chunks) {
          expect(isChunk(chunk)).toBe(true)
          expect(decodeChunk(JSON.parse(JSON.stringify(chunk)))).toStrictEqual(chunk)
        }
        const reference = referenceFold(chunks)
        expect(reference !== undefined && isCompletion(reference)).toBe(true)
      }
    })

    it("covers the interesting cases", () => {
      const count = {
        indexless: 0,
        indexlessById: 0,
        indexlessEmptyName: 0,
        objectArgs: 0,
        choiceUsage: 0,
        groqUsage: 0,
        nullUnknown: 0,
        laterOnlyExtra: 0,
        nullUnknownInLogprobs: 0,
        emptyLogprobsArray: 0,
        sparseChoices: 0
      }
      for (const chunks of fc.sample(chunksArb, { numRuns: 500, seed: 7 })) {
        const entries = chunks.flatMap((ch) => ch.choices)
        const fragments = entries.flatMap((e) => e.delta.tool_calls ?? [])
        if (fragments.some((f) => f.index === undefined)) count.indexless++
        const byId = (f: ChunkToolCall, i: number) =>
          f.index === undefined && fragments.slice(0, i).some((g) => nonEmpty(g.id) && g.id === f.id)
        if (fragments.some(byId)) count.indexlessById++
        if (fragments.some((f) => f.index === undefined && f.function?.name === "")) count.indexlessEmptyName++
        if (entries.some((e) => e.logprobs?.["x_extra"] === null)) count.nullUnknownInLogprobs++
        if (entries.some((e) => e.logprobs?.content?.length === 0)) count.emptyLogprobsArray++
        if (entries.some((e) => e.index > 1)) count.sparseChoices++
        if (fragments.some((f) => typeof f.function?.arguments === "object")) count.objectArgs++
        if (chunks.some((ch) => ch.choices.some((e) => e.usage !== undefined))) count.choiceUsage++
        if (chunks.some((ch) => groqUsage(ch) !== undefined)) count.groqUsage++
        if (chunks.some((ch) => ch["x_extra"] === null)) count.nullUnknown++
        if (!("x_extra" in chunks[0]) && chunks.some((ch) => "x_extra" in ch)) count.laterOnlyExtra++
      }
      for (const [name, n] of Object.entries(count)) expect(n, name).toBeGreaterThan(25)
    })
  })

  it.live.prop("(a) fromChunks equals the reference fold", [chunksArb], ([chunks]) =>
    Effect.map(breathe, () => {
      expectSame(Option.getOrUndefined(Snapshot.fromChunks(chunks)), referenceFold(chunks))
    }), settings)

  it.live.prop("(b) every intermediate snapshot equals the reference fold of its prefix", [chunksArb], ([chunks]) =>
    Effect.map(breathe, () => {
      let accumulator = Snapshot.empty
      expectSame(Option.getOrUndefined(accumulator.snapshot), referenceFold([]))
      chunks.forEach((chunk, i) => {
        accumulator = Snapshot.fold(accumulator, chunk)
        expectSame(Option.getOrUndefined(accumulator.snapshot), referenceFold(chunks.slice(0, i + 1)))
      })
    }), settings)

  it.live.prop(
    "(c) snapshots handed out earlier are unchanged after folding the rest (serialised when handed out, or left lazy)",
    [chunksArb, fc.array(fc.boolean(), { minLength: 10, maxLength: 10 })],
    ([chunks, touch]) => Effect.map(breathe, () => {
      let accumulator = Snapshot.empty
      const handedOut: Array<{ readonly snapshot: ChatCompletion; readonly json: string | undefined }> = []
      chunks.forEach((chunk, i) => {
        accumulator = Snapshot.fold(accumulator, chunk)
        const snapshot = Option.getOrThrow(accumulator.snapshot)
        // some are read (serialised) as they are handed out, the others only at the end
        handedOut.push({ snapshot, json: touch[i] ? JSON.stringify(snapshot) : undefined })
      })
      handedOut.forEach(({ json, snapshot }, i) => {
        if (json !== undefined) expect(JSON.parse(JSON.stringify(snapshot))).toStrictEqual(JSON.parse(json))
        expectSame(snapshot, referenceFold(chunks.slice(0, i + 1)))
      })
    }),
    settings
  )
})
