/**
 * The event derivation against a deliberately plain reference implementation
 * written straight from the stream contract, §4 (events) and §5 (which
 * streams are complete), on generated sequences of decoded chunks.
 *
 * The reference (`referenceEvents`) keeps, per choice, mutable plain state:
 * the texts (reasoning, content, refusal), the logprobs arrays and the tool
 * calls (keyed as §3 says, index-less fragments included), each with a
 * "done emitted" flag. It shares nothing with `src/ChatStreamEvent.ts`. The
 * snapshot of each `Chunk` event is taken from the library's `Snapshot.fold`
 * (checked on its own against a reference fold in `foldReference.test.ts`);
 * every other field is the reference's own.
 *
 * Events are compared in a plain-data form (each event an object of its
 * fields, an `Option` turned into `{ some: value }` or `"none"`, then
 * through JSON), so a failure shows both lists readably.
 *
 * (a) `ChatStream.eventsFromChunks` equals the reference for a complete
 *     stream (the end of a chunk stream counts as complete);
 * (b) `ChatStreamEvent.step` gives, chunk by chunk, the reference's events of
 *     that chunk; `isFinished` says what §5 says; `finish` gives the
 *     reference's end-of-stream dones;
 * (c) `ChatStream.events` on the chunks sent as server-sent events (as
 *     they are, or with `null` for absent fields), with or without
 *     `[DONE]`: the reference's events, the end dones only when §5 calls
 *     the stream complete, else an `IncompleteStreamError` carrying the last
 *     snapshot after the same events (without end dones).
 *
 * The chunks come from the fold's generator (`arbitraries/chunks.ts`) with
 * more JSON-like text, rarer finish reasons in some sequences and, in
 * others, a JSON document streamed as each choice's content; a test counts
 * how often each interesting case occurs. Where the contract leaves room,
 * the reference follows the library and says so (see `entryEvents` and
 * `toolCallIndexOf`).
 *
 * Not covered here: SSE framing and decoding errors (§1, §2; see
 * `properties.test.ts`, `Sse.test.ts`), failures other than an incomplete
 * end, the snapshot's own fields (§3; see `foldReference.test.ts`), the
 * final helpers (§6) and JSON lines (§7).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option, Stream } from "effect"
import * as fc from "effect/FastCheck"
import { isDeepStrictEqual } from "node:util"
import { Allow, parse as partialParse } from "partial-json"
import type { ChatCompletionChunk, ChunkChoice, ChunkToolCall, TokenLogprob } from "../src/ChatCompletion.js"
import * as ChatStream from "../src/ChatStream.js"
import * as ChatStreamEvent from "../src/ChatStreamEvent.js"
import * as Snapshot from "../src/Snapshot.js"
import { makeChunksArb, textArb } from "./arbitraries/chunks.js"
import { breathe, bytesOf, chunk as decodeChunk, propertySettings, runEvents, sseBody } from "./helpers.js"

const settings = propertySettings

// -----------------------------------------------------------------------------
// the reference (contract §4, §5), plain and mutable
// -----------------------------------------------------------------------------

/** An event as plain data: `_tag` and its fields; `parsed` as `{ some }` or `"none"`. */
type PlainEvent = { readonly _tag: string } & Record<string, unknown>

type Parsed = { readonly some: unknown } | "none"

const nonEmpty = (s: string | undefined): s is string => s !== undefined && s !== ""

const viaJson = <A>(value: A): A => JSON.parse(JSON.stringify(value))

/** §4: "when the text, after `trimStart()`, starts with `{` or `[`". */
const looksLikeJson = (text: string): boolean => {
  const start = text.trimStart()
  return start.startsWith("{") || start.startsWith("[")
}

/** A delta's `parsed`: partial-json's `parse` (all of `Allow`) of the whole text; none where it throws. */
const parsedDelta = (text: string): Parsed => {
  if (!looksLikeJson(text)) return "none"
  try {
    return { some: partialParse(text, Allow.ALL) }
  } catch {
    return "none"
  }
}

/** A done's `parsed`: `JSON.parse`; none where the text is not valid JSON. */
const parsedDone = (text: string): Parsed => {
  if (!looksLikeJson(text)) return "none"
  try {
    return { some: JSON.parse(text) }
  } catch {
    return "none"
  }
}

interface RefToolCall {
  readonly index: number
  id: string
  name: string
  arguments: string
  done: boolean
}

interface RefChoice {
  readonly index: number
  /** The choice's snapshot has a `finish_reason`. */
  finished: boolean
  reasoning: string
  reasoningDone: boolean
  content: string
  contentDone: boolean
  refusal: string
  refusalDone: boolean
  logprobsContent: Array<TokenLogprob>
  logprobsContentDone: boolean
  logprobsRefusal: Array<TokenLogprob>
  logprobsRefusalDone: boolean
  toolCalls: Array<RefToolCall>
  /** The tool call current for this choice (§4 2.5), which is also the one the previous fragment went to (§3). */
  current: number | undefined
}

const newChoice = (index: number): RefChoice => ({
  index,
  finished: false,
  reasoning: "",
  reasoningDone: false,
  content: "",
  contentDone: false,
  refusal: "",
  refusalDone: false,
  logprobsContent: [],
  logprobsContentDone: false,
  logprobsRefusal: [],
  logprobsRefusalDone: false,
  toolCalls: [],
  current: undefined
})

/**
 * Which tool call a fragment goes to (§3): its `index`; without one, the call
 * with its id when that id is known in the choice; otherwise, with a
 * `function.name`, a new call at one more than the highest index (0 for the
 * first); otherwise the call the previous fragment went to (0 when none).
 *
 * (Two calls can carry the same id when the fragments say so; §3 does not say
 * which one an index-less fragment with that id goes to. The lowest index, as
 * the library and `foldReference.test.ts` do.)
 */
const toolCallIndexOf = (choice: RefChoice, fragment: ChunkToolCall): number => {
  if (fragment.index !== undefined) return fragment.index
  if (nonEmpty(fragment.id)) {
    const byId = choice.toolCalls.filter((c) => c.id === fragment.id).map((c) => c.index)
    if (byId.length > 0) return Math.min(...byId)
  }
  if (nonEmpty(fragment.function?.name)) {
    return choice.toolCalls.length === 0 ? 0 : Math.max(...choice.toolCalls.map((c) => c.index)) + 1
  }
  return choice.current ?? 0
}

/** §3: "an object sent instead of a string is serialised with `JSON.stringify`". */
const argumentsText = (fragment: ChunkToolCall): string => {
  const args = fragment.function?.arguments
  if (args === undefined) return ""
  return typeof args === "string" ? args : JSON.stringify(args)
}

const toolCallDone = (choice: RefChoice, call: RefToolCall): PlainEvent => ({
  _tag: "ToolCallArgumentsDone",
  choiceIndex: choice.index,
  toolCallIndex: call.index,
  id: call.id,
  name: call.name,
  arguments: call.arguments,
  parsedArguments: parsedDone(call.arguments)
})

/**
 * §4 2.6: the dones of a choice, each at most once and only when there is
 * something to report; then every tool call not yet done, in index order
 * (even with empty arguments).
 *
 * (By 2.5 a call gets its done as soon as a fragment goes to another index,
 * so at most one call, the current one, is ever pending here: the index
 * order cannot show in the events, and no test can tell it from another.)
 */
const doneEvents = (choice: RefChoice, out: Array<PlainEvent>): void => {
  const choiceIndex = choice.index
  if (!choice.reasoningDone && choice.reasoning !== "") {
    choice.reasoningDone = true
    out.push({ _tag: "ReasoningDone", choiceIndex, reasoning: choice.reasoning })
  }
  if (!choice.contentDone && choice.content !== "") {
    choice.contentDone = true
    out.push({ _tag: "ContentDone", choiceIndex, content: choice.content, parsed: parsedDone(choice.content) })
  }
  if (!choice.refusalDone && choice.refusal !== "") {
    choice.refusalDone = true
    out.push({ _tag: "RefusalDone", choiceIndex, refusal: choice.refusal })
  }
  if (!choice.logprobsContentDone && choice.logprobsContent.length > 0) {
    choice.logprobsContentDone = true
    out.push({ _tag: "LogProbsContentDone", choiceIndex, values: [...choice.logprobsContent] })
  }
  if (!choice.logprobsRefusalDone && choice.logprobsRefusal.length > 0) {
    choice.logprobsRefusalDone = true
    out.push({ _tag: "LogProbsRefusalDone", choiceIndex, values: [...choice.logprobsRefusal] })
  }
  for (const call of [...choice.toolCalls].sort((a, b) => a.index - b.index)) {
    if (call.done) continue
    call.done = true
    out.push(toolCallDone(choice, call))
  }
}

/**
 * §4 step 2: the events of one choice entry of a chunk, after it is folded in.
 * `seen` collects the names of the interesting cases met, for the
 * generator's coverage test only.
 *
 * Two readings where the contract leaves room, both as the library does:
 *
 * - A thing whose first fragment arrives after the choice's `finish_reason`
 *   (content, say, when no `ContentDone` was due at the finish because there
 *   was no content yet) gets its delta, then its done in the same entry.
 *   §4: "Once a thing's done was emitted (…), later fragments of it still
 *   reach the snapshot but emit no delta: content after a `finish_reason`"
 *   reads as "content after its done"; this thing had no done, and 2.6 says
 *   "each at most once and only when there is something to report".
 * - Tool-call events are derived fragment by fragment: with several
 *   fragments in one entry, a fragment's delta carries the arguments, id and
 *   name as they are after that fragment ("Tool-call events carry the id and
 *   name known at that moment"), not after the whole entry ("a choice's
 *   events are derived right after that choice's entry is folded in").
 *   Otherwise a done at an index switch inside the entry could carry text
 *   of a later fragment that got no delta, against "the deltas'
 *   concatenation equals the done's text".
 */
const entryEvents = (choice: RefChoice, entry: ChunkChoice, out: Array<PlainEvent>, seen: Set<string>): void => {
  const choiceIndex = choice.index
  const delta = entry.delta
  const emittedBefore = out.length
  const finishedBefore = choice.finished
  if (nonEmpty(entry.finish_reason)) choice.finished = true

  // 2.1 reasoning: `reasoning_content` when non-empty, else `reasoning`; one event for both.
  // "the snapshot concatenates these texts": the chosen texts, not either message field.
  const reasoning = nonEmpty(delta.reasoning_content) ? delta.reasoning_content : (delta.reasoning ?? "")
  if (reasoning !== "") {
    choice.reasoning += reasoning
    if (!choice.reasoningDone) {
      out.push({ _tag: "ReasoningDelta", choiceIndex, delta: reasoning, snapshot: choice.reasoning })
    } else seen.add("reasoning after its done")
    if (nonEmpty(delta.reasoning_content) && nonEmpty(delta.reasoning)) seen.add("both reasoning fields")
  }

  // 2.2 content
  if (nonEmpty(delta.content)) {
    choice.content += delta.content
    if (!choice.contentDone) {
      out.push({
        _tag: "ContentDelta",
        choiceIndex,
        delta: delta.content,
        snapshot: choice.content,
        parsed: parsedDelta(choice.content)
      })
    } else seen.add("content after its done")
  }

  // 2.3 refusal
  if (nonEmpty(delta.refusal)) {
    choice.refusal += delta.refusal
    if (!choice.refusalDone) {
      out.push({ _tag: "RefusalDelta", choiceIndex, delta: delta.refusal, snapshot: choice.refusal })
    }
  }

  // 2.4 logprobs: content, then refusal; `values` is what this chunk carried, `snapshot` all so far
  const logprobsContent = entry.logprobs?.content ?? []
  choice.logprobsContent.push(...logprobsContent)
  if (logprobsContent.length > 0 && !choice.logprobsContentDone) {
    out.push({
      _tag: "LogProbsContentDelta",
      choiceIndex,
      values: [...logprobsContent],
      snapshot: [...choice.logprobsContent]
    })
  }
  const logprobsRefusal = entry.logprobs?.refusal ?? []
  choice.logprobsRefusal.push(...logprobsRefusal)
  if (logprobsRefusal.length > 0 && !choice.logprobsRefusalDone) {
    out.push({
      _tag: "LogProbsRefusalDelta",
      choiceIndex,
      values: [...logprobsRefusal],
      snapshot: [...choice.logprobsRefusal]
    })
  }

  // 2.5 tool calls, fragment by fragment
  for (const fragment of entry.delta.tool_calls ?? []) {
    const index = toolCallIndexOf(choice, fragment)
    let call = choice.toolCalls.find((c) => c.index === index)
    if (call === undefined) {
      call = { index, id: "", name: "", arguments: "", done: false }
      choice.toolCalls.push(call)
    }
    if (call.id === "" && nonEmpty(fragment.id)) call.id = fragment.id
    if (call.name === "" && nonEmpty(fragment.function?.name)) call.name = fragment.function.name
    const text = argumentsText(fragment)
    call.arguments += text
    if (index !== choice.current) {
      const previous = choice.toolCalls.find((c) => c.index === choice.current)
      if (previous !== undefined && !previous.done) {
        previous.done = true
        out.push(toolCallDone(choice, previous))
        seen.add("tool call done when the next index started")
      }
      choice.current = index
    }
    if (text !== "" && !call.done) {
      out.push({
        _tag: "ToolCallArgumentsDelta",
        choiceIndex,
        toolCallIndex: index,
        id: call.id,
        name: call.name,
        argumentsDelta: text,
        arguments: call.arguments,
        parsedArguments: parsedDelta(call.arguments)
      })
    } else if (text !== "") seen.add("tool-call fragment after its done")
  }

  // 2.6 the dones, once the choice has a finish_reason
  if (choice.finished) doneEvents(choice, out)
  if (finishedBefore && out.slice(emittedBefore).some((e) => e._tag.endsWith("Delta"))) {
    seen.add("a delta of a choice that had its finish_reason")
  }
}

interface Reference {
  /** The events of each chunk, `Chunk` first. */
  readonly perChunk: ReadonlyArray<ReadonlyArray<PlainEvent>>
  /** §5 without `[DONE]`: at least one choice arrived and every choice received a `finish_reason`. */
  readonly finished: boolean
  /** §4 step 3: the dones due at the end of a complete stream. */
  readonly atEnd: ReadonlyArray<PlainEvent>
}

/** The events of `chunks` per contract §4, and what §5 needs to know at their end. */
const referenceEvents = (chunks: ReadonlyArray<ChatCompletionChunk>, seen: Set<string> = new Set()): Reference => {
  const choices = new Map<number, RefChoice>()
  let accumulator = Snapshot.empty
  const perChunk = chunks.map((current) => {
    // "the `Chunk` event's snapshot is the one after the whole chunk"
    accumulator = Snapshot.fold(accumulator, current)
    const snapshot = Option.getOrThrow(accumulator.snapshot)
    const out: Array<PlainEvent> = [{ _tag: "Chunk", chunk: current, snapshot }]
    for (const entry of current.choices) {
      let choice = choices.get(entry.index)
      if (choice === undefined) {
        choice = newChoice(entry.index)
        choices.set(entry.index, choice)
      }
      entryEvents(choice, entry, out, seen)
    }
    return out.map(viaJson)
  })
  const sorted = [...choices.values()].sort((a, b) => a.index - b.index)
  const atEnd: Array<PlainEvent> = []
  for (const choice of sorted) if (!choice.finished) doneEvents(choice, atEnd)
  return {
    perChunk,
    finished: sorted.length > 0 && sorted.every((c) => c.finished),
    atEnd: atEnd.map(viaJson)
  }
}

// -----------------------------------------------------------------------------
// the library's events as plain data
// -----------------------------------------------------------------------------

const plainField = (value: unknown): unknown =>
  Option.isOption(value) ? Option.match(value, { onNone: () => "none", onSome: (some) => ({ some }) }) : value

const plain = (event: ChatStreamEvent.ChatStreamEvent): PlainEvent =>
  viaJson(
    Object.fromEntries(
      Object.keys(event).map((key) => [key, plainField((event as unknown as Record<string, unknown>)[key])])
    ) as PlainEvent
  )

const plainAll = (events: Iterable<ChatStreamEvent.ChatStreamEvent>): Array<PlainEvent> => Array.from(events, plain)

const shown = (event: PlainEvent | undefined): string => {
  const text = JSON.stringify(event) ?? "(none)"
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text
}

/**
 * The library's events equal the reference's (in any key order). A failure
 * names the first event that differs and shows both lists' tags and both
 * events, so the counterexample fast-check prints is readable as it is.
 */
const expectEvents = (
  actual: Iterable<ChatStreamEvent.ChatStreamEvent>,
  expected: ReadonlyArray<PlainEvent>,
  context = "events"
): void => {
  const library = plainAll(actual)
  if (JSON.stringify(library) === JSON.stringify(expected) || isDeepStrictEqual(library, expected)) return
  let at = 0
  while (at < Math.max(library.length, expected.length) && isDeepStrictEqual(library[at], expected[at])) at++
  throw new Error(
    [
      `${context}: the library's events differ from the reference's at #${at}`,
      `library tags:   ${library.map((e) => e._tag).join(", ")}`,
      `reference tags: ${expected.map((e) => e._tag).join(", ")}`,
      `library #${at}:   ${shown(library[at])}`,
      `reference #${at}: ${shown(expected[at])}`
    ].join("\n")
  )
}

// -----------------------------------------------------------------------------
// generated decoded chunks
// -----------------------------------------------------------------------------

/**
 * Text for content, refusal, reasoning and arguments: the fold's short texts
 * of JSON punctuation, or pieces of JSON documents (after leading
 * whitespace, too), empty text and text that is not JSON.
 */
const eventTextArb = fc.oneof(
  { arbitrary: textArb, weight: 2 },
  {
    // JSON's own characters, escapes, number and literal prefixes (partial-json's quirks live there)
    arbitrary: fc.string({
      unit: fc.constantFrom("{", "}", "[", "]", "\"", ":", ",", " ", "\n", "1", "-", ".", "e", "t", "n", "u", "l", "\\", "é"),
      maxLength: 5
    }),
    weight: 2
  },
  {
    arbitrary: fc.constantFrom(
      "{\"a\":",
      "{\"k\":\"v ",
      "1}",
      "[1,",
      "2]",
      "{}",
      "[]",
      " {",
      "\n[",
      " {\"a\":[1]}",
      "\n [true]",
      "\"x\"",
      "tru",
      "nul",
      "-1.5e",
      "\"\\u00",
      "e9\"",
      "not json",
      "",
      " "
    ),
    weight: 3
  }
)

/** JSON documents (objects and arrays), some after leading whitespace, some pretty-printed. */
const jsonDocumentArb = fc.tuple(
  fc.oneof(
    fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 })
  ),
  fc.constantFrom("", " ", "\n  "),
  fc.constantFrom(undefined, 1)
).map(([value, lead, indent]) => lead + JSON.stringify(value, null, indent))
  // fast-check generates "__proto__" keys on purpose. There partial-json changes
  // the prototype instead of keeping a member, our parser deliberately keeps an
  // own property (README "Decisions"; test/PartialJson.test.ts checks it), so the
  // plain partial-json reference of this file does not apply to those texts.
  .filter((text) => !text.includes("__proto__"))

/**
 * Replaces, in each choice, the `content` fragments up to its `finish_reason`
 * by consecutive pieces of `document` (cut at the given points), so that its
 * `ContentDone` is often valid JSON and its deltas are a document streamed in
 * pieces.
 */
const withJsonContent = (
  chunks: ReadonlyArray<ChatCompletionChunk>,
  document: string,
  cuts: ReadonlyArray<number>
): ReadonlyArray<ChatCompletionChunk> => {
  const slots = new Map<number, Array<readonly [number, number]>>()
  const finished = new Set<number>()
  chunks.forEach((chunk, i) =>
    chunk.choices.forEach((entry, j) => {
      if (finished.has(entry.index)) return
      if (entry.delta.content !== undefined) slots.set(entry.index, [...(slots.get(entry.index) ?? []), [i, j]])
      if (nonEmpty(entry.finish_reason)) finished.add(entry.index)
    })
  )
  const characters = Array.from(document)
  const replaced = new Map<string, string>()
  for (const positions of slots.values()) {
    const points = cuts.slice(0, positions.length - 1).map((c) => c % (characters.length + 1)).sort((a, b) => a - b)
    const bounds = [0, ...points, characters.length]
    positions.forEach(([i, j], k) => replaced.set(`${i}/${j}`, characters.slice(bounds[k], bounds[k + 1]).join("")))
  }
  return chunks.map((chunk, i) => ({
    ...chunk,
    choices: chunk.choices.map((entry, j) => {
      const content = replaced.get(`${i}/${j}`)
      return content === undefined ? entry : { ...entry, delta: { ...entry.delta, content } }
    })
  }))
}

/**
 * The fold's chunk shapes with that text: some sequences with the fold's
 * finish reasons (a choice often finishes early, so later fragments come
 * after its dones), some with rare ones (so streams often end with
 * unfinished choices), some whose content is a JSON document in pieces.
 */
const chunksArb = fc.oneof(
  makeChunksArb({ text: eventTextArb }),
  makeChunksArb({ text: eventTextArb, finishReason: fc.constantFrom("", "", "", "", "", "stop") }),
  fc.tuple(
    makeChunksArb({ text: eventTextArb, finishReason: fc.constantFrom("", "", "", "stop") }),
    jsonDocumentArb,
    fc.array(fc.nat(1000), { minLength: 30, maxLength: 30 })
  ).map(([chunks, document, cuts]) => withJsonContent(chunks, document, cuts))
)

/**
 * The wire form of a decoded chunk with `null` where a provider often sends
 * it for an absent field: `finish_reason`, `logprobs`, the logprobs arrays,
 * the delta's texts and `tool_calls` (§2: "`null` means the same as missing
 * for every known field"). It decodes back to the same chunk.
 */
const withNulls = (chunk: ChatCompletionChunk): unknown => ({
  ...chunk,
  choices: chunk.choices.map((entry) => ({
    finish_reason: null,
    ...entry,
    logprobs: entry.logprobs === undefined ? null : { content: null, refusal: null, ...entry.logprobs },
    delta: { content: null, refusal: null, reasoning_content: null, reasoning: null, tool_calls: null, ...entry.delta }
  }))
})

// -----------------------------------------------------------------------------
// tests
// -----------------------------------------------------------------------------

/**
 * What makes a generated sequence interesting for the events, each counted
 * once per sequence: the event tags, and these.
 */
const expectedFeatures = [
  "ReasoningDelta",
  "ReasoningDone",
  "ContentDelta",
  "ContentDone",
  "RefusalDelta",
  "RefusalDone",
  "LogProbsContentDelta",
  "LogProbsContentDone",
  "LogProbsRefusalDelta",
  "LogProbsRefusalDone",
  "ToolCallArgumentsDelta",
  "ToolCallArgumentsDone",
  "ContentDelta with parsed some",
  "ContentDone with parsed some",
  "ContentDone with parsed some, after whitespace",
  "ContentDone starting with { or [ but not valid JSON",
  "ContentDone not JSON",
  "ToolCallArgumentsDelta with parsed some",
  "ToolCallArgumentsDone with parsed some",
  "ToolCallArgumentsDone with empty arguments",
  "ToolCallArgumentsDone with an unknown id or name",
  "tool call done when the next index started",
  "tool-call fragment after its done",
  "index-less tool-call fragment",
  "object arguments",
  "both reasoning fields",
  "reasoning after its done",
  "content after its done",
  "a delta of a choice that had its finish_reason",
  "a choice twice in one chunk",
  "choices out of order",
  "dones at the end of a complete stream",
  "every choice finished",
  "a choice unfinished at the end"
] as const

const features = (chunks: ReadonlyArray<ChatCompletionChunk>): Set<string> => {
  const seen = new Set<string>()
  const reference = referenceEvents(chunks, seen)
  const events = [...reference.perChunk.flat(), ...reference.atEnd]
  for (const event of events) seen.add(event._tag)
  const note = (name: (typeof expectedFeatures)[number], tag: string, test: (e: PlainEvent) => boolean) => {
    if (events.some((e) => e._tag === tag && test(e))) seen.add(name)
  }
  const isSome = (parsed: unknown) => parsed !== "none"
  const jsonLike = (text: unknown) => looksLikeJson(String(text))
  note("ContentDelta with parsed some", "ContentDelta", (e) => isSome(e.parsed))
  note("ContentDone with parsed some", "ContentDone", (e) => isSome(e.parsed))
  note("ContentDone with parsed some, after whitespace", "ContentDone", (e) =>
    isSome(e.parsed) && /^\s/.test(String(e.content)))
  note("ContentDone starting with { or [ but not valid JSON", "ContentDone", (e) =>
    !isSome(e.parsed) && jsonLike(e.content))
  note("ContentDone not JSON", "ContentDone", (e) => !jsonLike(e.content))
  note("ToolCallArgumentsDelta with parsed some", "ToolCallArgumentsDelta", (e) => isSome(e.parsedArguments))
  note("ToolCallArgumentsDone with parsed some", "ToolCallArgumentsDone", (e) => isSome(e.parsedArguments))
  note("ToolCallArgumentsDone with empty arguments", "ToolCallArgumentsDone", (e) => e.arguments === "")
  note("ToolCallArgumentsDone with an unknown id or name", "ToolCallArgumentsDone", (e) => e.id === "" || e.name === "")
  if (reference.atEnd.length > 0) seen.add("dones at the end of a complete stream")
  seen.add(reference.finished ? "every choice finished" : "a choice unfinished at the end")
  const fragments = chunks.flatMap((c) => c.choices.flatMap((e) => e.delta.tool_calls ?? []))
  if (fragments.some((f) => f.index === undefined)) seen.add("index-less tool-call fragment")
  if (fragments.some((f) => typeof f.function?.arguments === "object")) seen.add("object arguments")
  for (const c of chunks) {
    if (new Set(c.choices.map((e) => e.index)).size < c.choices.length) seen.add("a choice twice in one chunk")
    if (c.choices.some((e, i) => i > 0 && e.index < c.choices[i - 1].index)) seen.add("choices out of order")
  }
  return seen
}

describe("ChatStreamEvent against a reference written from the contract (§4, §5)", () => {
  describe("the reference itself, on hand-checked cases", () => {
    const c = (choices: ReadonlyArray<unknown>) => decodeChunk({ id: "c", model: "m", created: 1, choices })
    /** The reference's events of chunks without the `Chunk` events; its end dones; whether all finished. */
    const derive = (raws: ReadonlyArray<ChatCompletionChunk>) => {
      const reference = referenceEvents(raws)
      const events = reference.perChunk.flat().filter((e) => e._tag !== "Chunk")
      return { events, atEnd: reference.atEnd, finished: reference.finished }
    }
    const lp = (token: string) => ({ token, logprob: -1 })

    it("order within a chunk; a choice's snapshots stop at its entry, the Chunk's is after the whole chunk", () => {
      const chunks = [
        c([
          { index: 0, delta: { content: "a", reasoning_content: "r", reasoning: "ignored", refusal: "no" } },
          { index: 1, delta: { content: "x" }, logprobs: { content: [lp("x")], refusal: [lp("n")] } },
          {
            index: 0,
            delta: { content: "b", tool_calls: [{ index: 0, function: { arguments: "{}" } }] },
            finish_reason: "stop"
          }
        ])
      ]
      const reference = referenceEvents(chunks)
      expect(reference.perChunk[0].map((e) => e._tag)).toEqual([
        "Chunk",
        "ReasoningDelta",
        "ContentDelta",
        "RefusalDelta",
        "ContentDelta",
        "LogProbsContentDelta",
        "LogProbsRefusalDelta",
        "ContentDelta",
        "ToolCallArgumentsDelta",
        "ReasoningDone",
        "ContentDone",
        "RefusalDone",
        "ToolCallArgumentsDone"
      ])
      const [first, , , , , , , third] = reference.perChunk[0]
      const snapshot = first.snapshot as { choices: Array<{ message: { content: string } }> }
      expect(snapshot.choices.map((ch) => ch.message.content)).toEqual(["ab", "x"])
      expect(reference.perChunk[0][1]).toEqual({ _tag: "ReasoningDelta", choiceIndex: 0, delta: "r", snapshot: "r" })
      expect(reference.perChunk[0][2]).toMatchObject({ delta: "a", snapshot: "a" })
      expect(third).toMatchObject({ choiceIndex: 0, delta: "b", snapshot: "ab" })
      expect(reference.perChunk[0][5]).toEqual({
        _tag: "LogProbsContentDelta",
        choiceIndex: 1,
        values: [lp("x")],
        snapshot: [lp("x")]
      })
      // choice 1 never finished: its dones come at the end of a complete stream
      expect(reference.finished).toBe(false)
      expect(reference.atEnd.map((e) => [e._tag, e.choiceIndex])).toEqual([
        ["ContentDone", 1],
        ["LogProbsContentDone", 1],
        ["LogProbsRefusalDone", 1]
      ])
    })

    it("after a done, fragments emit nothing; a thing first arriving after the finish_reason gets its delta and done", () => {
      const { events, atEnd, finished } = derive([
        c([{ index: 0, delta: { content: "a" }, logprobs: { content: [lp("a")] }, finish_reason: "stop" }]),
        c([{ index: 0, delta: { content: "b", refusal: "r" }, logprobs: { content: [lp("b")] } }])
      ])
      expect(events).toEqual([
        { _tag: "ContentDelta", choiceIndex: 0, delta: "a", snapshot: "a", parsed: "none" },
        { _tag: "LogProbsContentDelta", choiceIndex: 0, values: [lp("a")], snapshot: [lp("a")] },
        { _tag: "ContentDone", choiceIndex: 0, content: "a", parsed: "none" },
        { _tag: "LogProbsContentDone", choiceIndex: 0, values: [lp("a")] },
        { _tag: "RefusalDelta", choiceIndex: 0, delta: "r", snapshot: "r" },
        { _tag: "RefusalDone", choiceIndex: 0, refusal: "r" }
      ])
      expect([atEnd, finished]).toEqual([[], true])
    })

    it("tool calls: a new index ends the current one; going back emits nothing; dones in index order at the finish", () => {
      const tools = (fragments: ReadonlyArray<unknown>, finish?: string) =>
        c([{ index: 0, delta: { tool_calls: fragments }, ...(finish === undefined ? {} : { finish_reason: finish }) }])
      const { events } = derive([
        tools([{ index: 3, id: "call_a", function: { name: "f", arguments: "{\"a\"" } }]),
        tools([{ id: "call_b", function: { name: "g", arguments: { x: 1 } } }]), // no index, a name: new call at 4
        tools([{ function: { arguments: "" } }, { id: "call_a", function: { arguments: ":1}" } }]), // 4, then back to 3
        tools([{ index: 1, id: "call_c" }], "tool_calls") // no arguments: no delta, a done
      ])
      const done = (toolCallIndex: number, id: string, name: string, args: string, parsed: unknown) => ({
        _tag: "ToolCallArgumentsDone",
        choiceIndex: 0,
        toolCallIndex,
        id,
        name,
        arguments: args,
        parsedArguments: parsed
      })
      expect(events).toEqual([
        {
          _tag: "ToolCallArgumentsDelta",
          choiceIndex: 0,
          toolCallIndex: 3,
          id: "call_a",
          name: "f",
          argumentsDelta: "{\"a\"",
          arguments: "{\"a\"",
          parsedArguments: { some: {} }
        },
        done(3, "call_a", "f", "{\"a\"", "none"),
        {
          _tag: "ToolCallArgumentsDelta",
          choiceIndex: 0,
          toolCallIndex: 4,
          id: "call_b",
          name: "g",
          argumentsDelta: "{\"x\":1}",
          arguments: "{\"x\":1}",
          parsedArguments: { some: { x: 1 } }
        },
        done(4, "call_b", "g", "{\"x\":1}", { some: { x: 1 } }), // when the fragment went back to 3
        done(1, "call_c", "", "", "none")
      ])
    })

    it("parsed: partial-json for deltas, JSON.parse for dones, after leading whitespace; none for other text", () => {
      const { events } = derive([
        c([{ index: 0, delta: { content: " \n[1, {\"k\": \"v " } }, { index: 1, delta: { content: "42" } }]),
        c([
          { index: 0, delta: { content: "\"}]" }, finish_reason: "stop" },
          { index: 1, delta: {}, finish_reason: "stop" }
        ])
      ])
      expect(events.map((e) => e.parsed)).toEqual([
        { some: [1, { k: "v" }] }, // partial-json trims: the unfinished string loses its trailing space
        "none",
        { some: [1, { k: "v " }] },
        { some: [1, { k: "v " }] },
        "none"
      ])
    })

    it("the end of a stream: finished only when a choice arrived and every choice got a finish_reason", () => {
      expect(derive([c([])]).finished).toBe(false)
      expect(derive([c([{ index: 2, delta: {} }]), c([{ index: 2, delta: {}, finish_reason: "stop" }])]).finished)
        .toBe(true)
      expect(derive([c([{ index: 0, delta: {}, finish_reason: "" }])]).finished).toBe(false)
      const unfinished = derive([c([{ index: 4, delta: { content: "b" } }, { index: 1, delta: { reasoning: "a" } }])])
      expect(unfinished.atEnd).toEqual([
        { _tag: "ReasoningDone", choiceIndex: 1, reasoning: "a" },
        { _tag: "ContentDone", choiceIndex: 4, content: "b", parsed: "none" }
      ])
    })
  })

  describe("the generator", () => {
    it("makes decoded chunks: each is a fixed point of the wire Schema, also when sent with nulls", () => {
      for (const chunks of fc.sample(chunksArb, { numRuns: 100, seed: 42 })) {
        for (const c of chunks) {
          expect(decodeChunk(JSON.parse(JSON.stringify(c)))).toStrictEqual(c)
          expect(decodeChunk(JSON.parse(JSON.stringify(withNulls(c))))).toStrictEqual(c)
        }
      }
    })

    it("covers the interesting cases", () => {
      const count = new Map<string, number>()
      for (const chunks of fc.sample(chunksArb, { numRuns: 500, seed: 11 })) {
        for (const name of features(chunks)) count.set(name, (count.get(name) ?? 0) + 1)
      }
      if (process.env.SHOW_COVERAGE !== undefined) console.log(Object.fromEntries([...count].sort()))
      for (const name of expectedFeatures) expect(count.get(name) ?? 0, name).toBeGreaterThan(25)
    })
  })

  it.live.prop("(a) eventsFromChunks equals the reference (the end of a chunk stream is complete)", [chunksArb], ([
    chunks
  ]) =>
    Effect.gen(function*() {
      yield* breathe
      const events = yield* Stream.runCollect(ChatStream.eventsFromChunks(Stream.fromIterable(chunks)))
      const reference = referenceEvents(chunks)
      expectEvents(events, [...reference.perChunk.flat(), ...reference.atEnd])
    }), settings)

  it.live.prop("(b) step, chunk by chunk; isFinished; finish", [chunksArb], ([chunks]) =>
    Effect.gen(function*() {
      yield* breathe
      const reference = referenceEvents(chunks)
      let state = ChatStreamEvent.initial
      chunks.forEach((chunk, i) => {
        const [next, out] = ChatStreamEvent.step(state, chunk)
        state = next
        expectEvents(out, reference.perChunk[i], `chunk ${i}`)
      })
      expect(ChatStreamEvent.isFinished(state)).toBe(reference.finished)
      const [, atEnd] = ChatStreamEvent.finish(state)
      expectEvents(atEnd, reference.atEnd)
    }), settings)

  it.live.prop(
    "(c) events from bytes (nulls or not), with or without [DONE]: end dones only when complete, else IncompleteStreamError",
    [chunksArb, fc.boolean(), fc.boolean()],
    ([chunks, done, nulls]) =>
      Effect.gen(function*() {
        yield* breathe
        const run = yield* runEvents(bytesOf(sseBody(nulls ? chunks.map(withNulls) : chunks, { done })))
        const reference = referenceEvents(chunks)
        const complete = done || reference.finished
        const events = reference.perChunk.flat()
        if (complete) {
          expect(Either.isRight(run.result)).toBe(true)
          expectEvents(run.items, [...events, ...reference.atEnd])
        } else {
          expectEvents(run.items, events)
          expect(Either.isLeft(run.result)).toBe(true)
          const error = Either.getLeft(run.result).pipe(Option.getOrThrow)
          expect(error._tag).toBe("IncompleteStreamError")
          expect(Option.map(error.snapshot, viaJson)).toStrictEqual(Option.map(Snapshot.fromChunks(chunks), viaJson))
        }
      }),
    settings
  )
})
