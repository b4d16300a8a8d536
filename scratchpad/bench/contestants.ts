/**
 * The contestants: each consumes the same reads (`Generated.pieces`) from
 * bytes to the last event.
 *
 * - floor: TextDecoder + indexOf("\n\n") + JSON.parse of every data; nothing else.
 * - lib: `ChatStream.events`, drained.
 * - libTouch: `ChatStream.events` in a `Stream.runFold`, reading every
 *   event's `snapshot`, `parsed`, `parsedArguments` (and the value inside the
 *   Option).
 * - libNoParse: libTouch with `partialJson: false` (tool and JSON cases):
 *   libTouch − libNoParse is what `parsed` on every delta costs.
 * - libFold: `ChatStream.snapshots` (SSE + decode + fold, no event derivation,
 *   no partial JSON): the library's own baseline without `parsed`.
 * - libDones: reads only the done events' values (`ContentDone.parsed`,
 *   `ToolCallArgumentsDone.parsedArguments`, `ReasoningDone.reasoning`...),
 *   touched along their spine (see {@link spine}); deltas and chunks unread.
 * - libText: reads only the deltas' text fields (`delta` / `snapshot`,
 *   `argumentsDelta` / `arguments`: their lengths), never a parsed value.
 * - libValues: reads every delta's value (what {@link touch} reads:
 *   `parsed` / `parsedArguments`, else the snapshot) and touches it along its
 *   spine, so that a value computed on demand is computed.
 * - copyFloor (tool and JSON cases): no stream at all; for every delta, the
 *   fresh frozen copies of the open containers, root to innermost, that a
 *   partial-JSON value of the text so far holds, built from pre-built
 *   children (see {@link copyPlan}): what building those plain values costs
 *   and nothing else.
 * - openai: `client.chat.completions.stream(...)` over a custom `fetch`,
 *   `for await` every chunk then `finalChatCompletion()`; `openaiParse` is
 *   the same with a strict tool (tool cases) or a `json_schema` response
 *   format (JSON content), which makes the package parse partial JSON.
 *
 * The reads reach the library one read per Effect `Chunk` (as an HTTP body
 * does), not all in one `Chunk` as `Stream.fromIterable` would batch them.
 */
import { Effect, Option, Stream } from "effect"
import OpenAI from "openai"
import * as ChatStream from "../../src/ChatStream.js"
import type * as ChatStreamEvent from "../../src/ChatStreamEvent.js"
import { type CaseKind, fragments, type Generated, TOOL_NAME, TOOL_PARAMETERS } from "./generate.js"

export type ContestantName =
  | "floor"
  | "lib"
  | "libTouch"
  | "libNoParse"
  | "libFold"
  | "libDones"
  | "libText"
  | "libValues"
  | "copyFloor"
  | "openai"
  | "openaiParse"

/** Keeps results observable so that nothing is optimised away. */
export let sink: unknown = undefined

// -----------------------------------------------------------------------------
// floor
// -----------------------------------------------------------------------------

export const floor = (pieces: ReadonlyArray<Uint8Array>): number => {
  const decoder = new TextDecoder()
  let buffer = ""
  let n = 0
  let last: unknown
  for (const piece of pieces) {
    buffer += decoder.decode(piece, { stream: true })
    let start = 0
    let end: number
    while ((end = buffer.indexOf("\n\n", start)) !== -1) {
      if (buffer.startsWith("data: ", start)) {
        const data = buffer.slice(start + 6, end)
        if (data !== "[DONE]") {
          last = JSON.parse(data)
          n++
        }
      }
      start = end + 2
    }
    buffer = buffer.slice(start)
  }
  sink = last
  return n
}

// -----------------------------------------------------------------------------
// this library
// -----------------------------------------------------------------------------

/** One read per Effect Chunk, like a network body. */
export const bytesOf = (pieces: ReadonlyArray<Uint8Array>, batched = false): Stream.Stream<Uint8Array> =>
  batched
    ? Stream.fromIterable(pieces)
    : Stream.fromIteratorSucceed(pieces[Symbol.iterator]() as IterableIterator<Uint8Array>, 1)

export const lib = (pieces: ReadonlyArray<Uint8Array>, batched = false): Promise<void> =>
  Effect.runPromise(Stream.runDrain(ChatStream.events(bytesOf(pieces, batched))))

export const libForEach = (pieces: ReadonlyArray<Uint8Array>): Promise<void> =>
  Effect.runPromise(Stream.runForEach(ChatStream.events(bytesOf(pieces)), (e) => Effect.sync(() => { sink = e })))

const touchValue = (o: Option.Option<unknown>): unknown => (Option.isSome(o) ? o.value : undefined)

/** Reads the accumulated and parsed fields of an event (no stringification). */
export const touch = (event: ChatStreamEvent.ChatStreamEvent): unknown => {
  switch (event._tag) {
    case "Chunk":
      return event.snapshot.choices
    case "ContentDelta":
      return touchValue(event.parsed) ?? event.snapshot
    case "ContentDone":
      return touchValue(event.parsed) ?? event.content
    case "ReasoningDelta":
      return event.snapshot
    case "ReasoningDone":
      return event.reasoning
    case "RefusalDelta":
      return event.snapshot
    case "RefusalDone":
      return event.refusal
    case "ToolCallArgumentsDelta":
      return touchValue(event.parsedArguments) ?? event.arguments
    case "ToolCallArgumentsDone":
      return touchValue(event.parsedArguments) ?? event.arguments
    case "LogProbsContentDelta":
    case "LogProbsRefusalDelta":
      return event.snapshot
    case "LogProbsContentDone":
    case "LogProbsRefusalDone":
      return event.values
  }
}

/**
 * Reads every event in a `Stream.runFold`: a plain function per event, like
 * `lib`'s `runDrain`, so that touch − lib is the reading itself. (A consumer
 * that wraps its work in an `Effect.sync` per event or per chunk costs
 * 40–80% more on any stream, the library's or not: `bench/consumers.ts`.)
 */
export const libTouch = (pieces: ReadonlyArray<Uint8Array>, options?: ChatStream.Options): Promise<void> =>
  Effect.runPromise(
    Stream.runFold(ChatStream.events(bytesOf(pieces), options), undefined as unknown, (_, event) => touch(event))
  ).then((last) => {
    sink = last
  })

/** `libTouch` without the partial-JSON parse (`parsed` is none on every delta). */
export const libNoParse = (pieces: ReadonlyArray<Uint8Array>): Promise<void> => libTouch(pieces, { partialJson: false })

export const libFold = (pieces: ReadonlyArray<Uint8Array>): Promise<void> =>
  Effect.runPromise(Stream.runDrain(ChatStream.snapshots(bytesOf(pieces))))

/**
 * Touches a value along its spine, the way a reader of a growing value does:
 * a string's length; an array's length, then its last element; an object's
 * number of keys, then its last member; and so on down. Returns a sum, so
 * that nothing is optimised away.
 */
export const spine = (value: unknown): number => {
  let n = 0
  let x = value
  for (let depth = 0; depth < 10_000; depth++) {
    if (typeof x === "string") return n + x.length
    if (Array.isArray(x)) {
      n += x.length
      if (x.length === 0) return n
      x = x[x.length - 1]
    } else if (typeof x === "object" && x !== null) {
      const keys = Object.keys(x)
      n += keys.length
      if (keys.length === 0) return n
      x = (x as Record<string, unknown>)[keys[keys.length - 1]]
    } else {
      return n + 1
    }
  }
  return n
}

const isDelta = (event: ChatStreamEvent.ChatStreamEvent): boolean =>
  event._tag !== "Chunk" && event._tag.endsWith("Delta")

const isDone = (event: ChatStreamEvent.ChatStreamEvent): boolean => event._tag.endsWith("Done")

/** The text fields of a delta event: their lengths (0 for other events). */
const deltaText = (event: ChatStreamEvent.ChatStreamEvent): number => {
  switch (event._tag) {
    case "ContentDelta":
    case "ReasoningDelta":
    case "RefusalDelta":
      return event.delta.length + event.snapshot.length
    case "ToolCallArgumentsDelta":
      return event.argumentsDelta.length + event.arguments.length
    default:
      return 0
  }
}

const foldSum = (
  pieces: ReadonlyArray<Uint8Array>,
  f: (event: ChatStreamEvent.ChatStreamEvent) => number
): Promise<void> =>
  Effect.runPromise(
    Stream.runFold(ChatStream.events(bytesOf(pieces)), 0, (n, event) => n + f(event))
  ).then((n) => {
    sink = n
  })

/** Only the done events' values (their spine); deltas and chunks are not read. */
export const libDones = (pieces: ReadonlyArray<Uint8Array>): Promise<void> =>
  foldSum(pieces, (e) => (isDone(e) ? spine(touch(e)) : 0))

/** Only the deltas' text fields; no parsed value is read. */
export const libText = (pieces: ReadonlyArray<Uint8Array>): Promise<void> => foldSum(pieces, deltaText)

/** Every delta's value (`touch`), touched along its spine. */
export const libValues = (pieces: ReadonlyArray<Uint8Array>): Promise<void> =>
  foldSum(pieces, (e) => (isDelta(e) ? spine(touch(e)) : 0))

// -----------------------------------------------------------------------------
// the copy floor
// -----------------------------------------------------------------------------

/** One open container at the end of a delta: a pre-built node and how many of its children have started. */
interface OpenFrame {
  readonly node: ReadonlyArray<unknown> | Readonly<Record<string, unknown>>
  /** The node's keys (objects), precomputed. */
  readonly keys: ReadonlyArray<string> | undefined
  readonly count: number
}

/**
 * What a partial-JSON value holds after each delta, computed outside the
 * timed region without any partial-JSON parser: the final text is parsed
 * with `JSON.parse` (and deep-frozen, the finished children to share; each
 * open container is copied from an unfrozen shallow copy, as the library's
 * own open containers are not frozen yet), then
 * scanned once, character by character, keeping the stack of open
 * containers and how many children of each have started (a value's first
 * character); at the end of each delta that stack is recorded. The floor
 * copies on every delta, as the brief of issue 10 defines it; `unchanged`
 * counts the deltas that change nothing a value shows (only key characters,
 * `,` or `:`), where a library could hand out the previous value again.
 *
 * Approximations, which make the floor cheaper or equal: a scalar or string
 * still being written is taken whole from the final value (no partial
 * slice), finished children are shared as is, and the final value (once the
 * root closes) costs nothing.
 */
export interface CopyPlan {
  /** Per delta: the open frames, root first. */
  readonly steps: ReadonlyArray<ReadonlyArray<OpenFrame>>
  /** Deltas after which a partial-JSON value equals the previous one. */
  readonly unchanged: number
}

const deepFreeze = (value: unknown): unknown => {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}

export const copyPlan = (text: string, deltas: ReadonlyArray<string>): CopyPlan => {
  const root = deepFreeze(JSON.parse(text))
  type Frame = { node: any; keys: Array<string> | undefined; count: number; array: boolean; expectValue: boolean }
  const stack: Array<Frame> = []
  let inString = false
  let stringIsKey = false
  let escaped = false
  let changed = false
  const steps: Array<ReadonlyArray<OpenFrame>> = []
  let unchanged = 0
  const valueStarts = () => {
    const top = stack[stack.length - 1]
    if (top !== undefined && top.expectValue) {
      top.count++
      top.expectValue = false
    }
  }
  const childNode = (): unknown => {
    const top = stack[stack.length - 1]
    if (top === undefined) return root
    return top.array ? top.node[top.count - 1] : top.node[top.keys![top.count - 1]]
  }
  for (const delta of deltas) {
    changed = false
    for (let i = 0; i < delta.length; i++) {
      const c = delta[i]
      if (inString) {
        if (!stringIsKey) changed = true
        if (escaped) escaped = false
        else if (c === "\\") escaped = true
        else if (c === "\"") inString = false
        continue
      }
      const top = stack[stack.length - 1]
      switch (c) {
        case "\"": {
          inString = true
          stringIsKey = top !== undefined && !top.array && !top.expectValue
          if (!stringIsKey) {
            valueStarts()
            changed = true
          }
          break
        }
        case "{":
        case "[": {
          valueStarts()
          // The library copies its open containers while they are still mutable; copying from
          // a frozen array would take V8's slow path, so each open container gets an unfrozen
          // shallow copy of the final one (its finished children stay frozen and shared).
          const final = childNode() as object
          const array = c === "["
          const node = array ? [...(final as Array<unknown>)] : { ...final }
          stack.push({ node, keys: array ? undefined : Object.keys(node), count: 0, array, expectValue: array })
          changed = true
          break
        }
        case "}":
        case "]":
          stack.pop()
          changed = true
          break
        case ",":
          if (top?.array) top.expectValue = true
          break
        case ":":
          if (top !== undefined && !top.array) top.expectValue = true
          break
        case " ":
        case "\n":
        case "\t":
        case "\r":
          break
        default:
          valueStarts()
          changed = true
      }
    }
    if (!changed) unchanged++
    steps.push(stack.map((f) => ({ node: f.node, keys: f.keys, count: f.count })))
  }
  return { steps, unchanged }
}

/**
 * The timed part of the copy floor: for every delta, a fresh frozen copy of each open container, innermost first, holding its
 * started children (finished ones shared) and the copy of its open child.
 */
export const copyFloor = (plan: CopyPlan): number => {
  let last: unknown = undefined
  let n = 0
  for (const frames of plan.steps) {
    let child: unknown = undefined
    for (let i = frames.length - 1; i >= 0; i--) {
      const { count, keys, node } = frames[i]
      const open = i < frames.length - 1
      if (keys === undefined) {
        const copy = (node as ReadonlyArray<unknown>).slice(0, count)
        if (open) copy[count - 1] = child
        child = Object.freeze(copy)
      } else {
        const copy: Record<string, unknown> = {}
        for (let k = 0; k < count; k++) {
          const key = keys[k]
          copy[key] = open && k === count - 1 ? child : (node as Record<string, unknown>)[key]
        }
        child = Object.freeze(copy)
      }
    }
    last = child
    n++
  }
  sink = last
  return n
}

/** The deltas of the JSON text of a tool or JSON case, as `generate` cuts them. */
export const jsonDeltas = (g: Generated): ReadonlyArray<string> | undefined =>
  g.kind === "toolString" || g.kind === "toolArray" || g.kind === "jsonContent" ? fragments(g.expectedText, 5) : undefined

/** What the library produced, for the correctness check. */
export const libVerify = (pieces: ReadonlyArray<Uint8Array>) =>
  Effect.runPromise(
    Stream.runFold(
      ChatStream.events(bytesOf(pieces)),
      { events: 0, last: undefined as ChatStreamEvent.Chunk | undefined, tags: {} as Record<string, number> },
      (acc, e) => {
        acc.events++
        acc.tags[e._tag] = (acc.tags[e._tag] ?? 0) + 1
        if (e._tag === "Chunk") acc.last = e
        return acc
      }
    )
  )

// -----------------------------------------------------------------------------
// the openai package
// -----------------------------------------------------------------------------

const readable = (pieces: ReadonlyArray<Uint8Array>): ReadableStream<Uint8Array> => {
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < pieces.length) controller.enqueue(pieces[i++])
      else controller.close()
    }
  })
}

let current: ReadonlyArray<Uint8Array> = []

const client = new OpenAI({
  apiKey: "sk-bench",
  baseURL: "http://bench.invalid/v1",
  maxRetries: 0,
  fetch: async () =>
    new Response(readable(current), { status: 200, headers: { "content-type": "text/event-stream; charset=utf-8" } })
})

type StreamParams = Parameters<typeof client.chat.completions.stream>[0]

/** The request the package is given: `parse` adds strictness so that it parses partial JSON. */
export const openaiParams = (kind: CaseKind, parse: boolean): StreamParams => {
  const base = {
    model: "gpt-4o-2024-08-06",
    messages: [{ role: "user" as const, content: "bench" }],
    stream_options: { include_usage: true }
  }
  const schema = TOOL_PARAMETERS[kind]
  if (kind === "toolString" || kind === "toolArray") {
    return {
      ...base,
      tools: [{
        type: "function" as const,
        function: { name: TOOL_NAME, parameters: schema!, ...(parse ? { strict: true } : {}) }
      }]
    }
  }
  if (kind === "jsonContent" && parse) {
    return { ...base, response_format: { type: "json_schema" as const, json_schema: { name: "report", schema: schema!, strict: true } } }
  }
  if (kind === "logprobs") return { ...base, logprobs: true, top_logprobs: 3 }
  return base
}

export const openai = async (pieces: ReadonlyArray<Uint8Array>, params: StreamParams) => {
  current = pieces
  const stream = client.chat.completions.stream(params)
  let n = 0
  for await (const chunk of stream) {
    sink = chunk
    n++
  }
  const final = await stream.finalChatCompletion()
  sink = final
  return { chunks: n, final }
}

/** Whether a contestant exists for a case. */
export const applies = (name: ContestantName, kind: CaseKind): boolean =>
  (name !== "openaiParse" && name !== "libNoParse" && name !== "copyFloor") || kind === "toolString" ||
  kind === "toolArray" || kind === "jsonContent"

/** The text of a final completion the check compares with the expected text. */
export const finalText = (kind: CaseKind, message: Record<string, any> | undefined): string | undefined => {
  if (message === undefined) return undefined
  switch (kind) {
    case "content":
    case "logprobs":
    case "jsonContent":
      return message.content ?? undefined
    case "reasoning":
      return message.reasoning_content ?? undefined
    case "toolString":
    case "toolArray":
      return message.tool_calls?.[0]?.function?.arguments
  }
}

/** The copy plans of the cases run so far (computed once per generated case, outside the timed region). */
const plans = new WeakMap<Generated, CopyPlan>()

export const planOf = (g: Generated): CopyPlan | undefined => {
  const deltas = jsonDeltas(g)
  if (deltas === undefined) return undefined
  let plan = plans.get(g)
  if (plan === undefined) {
    plan = copyPlan(g.expectedText, deltas)
    plans.set(g, plan)
  }
  return plan
}

export const runners = (g: Generated): Partial<Record<ContestantName, () => unknown>> => ({
  floor: () => floor(g.pieces),
  lib: () => lib(g.pieces),
  libTouch: () => libTouch(g.pieces),
  ...(applies("libNoParse", g.kind) ? { libNoParse: () => libNoParse(g.pieces) } : {}),
  libFold: () => libFold(g.pieces),
  libDones: () => libDones(g.pieces),
  libText: () => libText(g.pieces),
  libValues: () => libValues(g.pieces),
  ...(applies("copyFloor", g.kind) ? { copyFloor: ((plan: CopyPlan) => () => copyFloor(plan))(planOf(g)!) } : {}),
  openai: () => openai(g.pieces, openaiParams(g.kind, false)),
  ...(applies("openaiParse", g.kind) ? { openaiParse: () => openai(g.pieces, openaiParams(g.kind, true)) } : {})
})
