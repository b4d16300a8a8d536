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
import { type CaseKind, type Generated, TOOL_NAME, TOOL_PARAMETERS } from "./generate.js"

export type ContestantName = "floor" | "lib" | "libTouch" | "libNoParse" | "libFold" | "openai" | "openaiParse"

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
  (name !== "openaiParse" && name !== "libNoParse") || kind === "toolString" || kind === "toolArray" ||
  kind === "jsonContent"

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

export const runners = (g: Generated): Partial<Record<ContestantName, () => unknown>> => ({
  floor: () => floor(g.pieces),
  lib: () => lib(g.pieces),
  libTouch: () => libTouch(g.pieces),
  ...(applies("libNoParse", g.kind) ? { libNoParse: () => libNoParse(g.pieces) } : {}),
  libFold: () => libFold(g.pieces),
  openai: () => openai(g.pieces, openaiParams(g.kind, false)),
  ...(applies("openaiParse", g.kind) ? { openaiParse: () => openai(g.pieces, openaiParams(g.kind, true)) } : {})
})
