/**
 * Properties of the pipeline over many transcripts: the four worked examples
 * and generated ones (random content / reasoning / refusal / tool-call
 * fragments, one or two choices, logprobs, finish reasons, optional usage,
 * several SSE framings; and JSON documents streamed in pieces).
 *
 * (a) however the bytes are cut into reads, the events are the same;
 * (b) the deltas of each thing concatenate to its done's text;
 * (c) every delta has exactly one done after it, and no delta follows its done;
 * (d) every snapshot handed out is unchanged at the end;
 * (e) `parsed` / `parsedArguments` equal partial-json's parse of the text;
 * (g) with `partialJson: false` the events are the same but for the deltas'
 *     `parsed` / `parsedArguments`, which are none.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option, Schema, Stream } from "effect"
import * as fc from "effect/FastCheck"
import { ChatCompletionChunk } from "../src/ChatCompletion.js"
import * as ChatStream from "../src/ChatStream.js"
import * as Sse from "../src/Sse.js"
import * as ChatStreamEvent from "../src/ChatStreamEvent.js"
import {
  bytesOf,
  collect,
  exampleNames,
  expectedDone,
  expectedPartial,
  jsonLines,
  makeSnapshotLog,
  readExample,
  readsOf,
  runEvents,
  splitAt,
  utf8
} from "./helpers.js"
import { doneTextOf, fragmentOf, joinFragments, thingOf } from "./invariants.js"

type Event = ChatStreamEvent.ChatStreamEvent

interface Transcript {
  readonly name: string
  readonly body: string
}

// -----------------------------------------------------------------------------
// transcripts
// -----------------------------------------------------------------------------

const examples: ReadonlyArray<Transcript> = exampleNames().map((name) => ({ name, body: readExample(name, "sse") }))

/** How events are framed on the wire. */
interface Framing {
  readonly eol: "\n" | "\r\n" | "\r"
  readonly space: boolean
  readonly comments: boolean
  /** Each payload pretty-printed over several `data:` lines (joined with `\n` by the decoder). */
  readonly multiline: boolean
  /** An `event: message` line before the data. */
  readonly named: boolean
}

const framingArb: fc.Arbitrary<Framing> = fc.record({
  eol: fc.constantFrom("\n" as const, "\r\n" as const, "\r" as const),
  space: fc.boolean(),
  comments: fc.boolean(),
  multiline: fc.boolean(),
  named: fc.boolean()
})

const frame = (payloads: ReadonlyArray<unknown>, framing: Framing, done: boolean): string => {
  const { eol } = framing
  const event = (lines: ReadonlyArray<string>) =>
    (framing.comments ? `: keep-alive${eol}` : "") +
    (framing.named ? `event: message${eol}` : "") +
    lines.map((line) => `data:${framing.space ? " " : ""}${line}${eol}`).join("") + eol
  const data = (p: unknown) => (framing.multiline ? JSON.stringify(p, null, 1).split("\n") : [JSON.stringify(p)])
  return payloads.map((p) => event(data(p))).join("") + (done ? event(["[DONE]"]) : "")
}

const header = { id: "chatcmpl-gen", object: "chat.completion.chunk", created: 1764100000, model: "gen-model" }

/** Fragments of text: JSON punctuation, spaces, multi-byte characters, escapes. */
const fragmentArb = fc.string({
  unit: fc.constantFrom("a", "b", " ", "é", "😀", "中", "{", "}", "[", "]", "\"", ":", ",", "1", "\\", "\n", "tr"),
  maxLength: 5
})
const maybe = <A>(arb: fc.Arbitrary<A>) => fc.oneof({ arbitrary: arb, weight: 4 }, { arbitrary: fc.constant(null), weight: 1 })

const tokenArb = fc.record({
  token: fc.string({ maxLength: 3 }),
  logprob: fc.integer({ min: -100, max: 0 }).map((n) => n / 10),
  top_logprobs: fc.constant([])
})

const toolFragmentArb = fc.record({
  index: fc.integer({ min: 0, max: 1 }),
  id: fc.constantFrom("call_a", "call_b", ""),
  type: fc.constant("function"),
  function: fc.record({ name: fc.constantFrom("f", "g", ""), arguments: maybe(fragmentArb) }, { requiredKeys: [] })
}, { requiredKeys: [] })

const entryArb = (n: number) =>
  fc.record({
    index: fc.integer({ min: 0, max: n - 1 }),
    delta: fc.record({
      role: fc.constantFrom("assistant", ""),
      content: maybe(fragmentArb),
      reasoning_content: maybe(fragmentArb),
      reasoning: maybe(fragmentArb),
      refusal: maybe(fragmentArb),
      tool_calls: fc.array(toolFragmentArb, { maxLength: 3 })
    }, { requiredKeys: [] }),
    logprobs: fc.option(
      fc.record({ content: maybe(fc.array(tokenArb, { maxLength: 2 })), refusal: maybe(fc.array(tokenArb, { maxLength: 2 })) }, {
        requiredKeys: []
      }),
      { freq: 3, nil: null }
    ),
    finish_reason: fc.option(fc.constantFrom("stop", "length", "tool_calls", "content_filter", "eos", ""), { freq: 6, nil: null })
  })

const usageArb = fc.option(
  fc.record({
    prompt_tokens: fc.nat(100),
    completion_tokens: fc.nat(100),
    total_tokens: fc.nat(200)
  }),
  { nil: undefined }
)

/** Random chunks; complete either by [DONE] or by a last chunk finishing every choice. */
const randomTranscriptArb: fc.Arbitrary<Transcript> = fc.integer({ min: 1, max: 2 }).chain((n) =>
  fc.record({
    chunks: fc.array(fc.array(entryArb(n), { minLength: 1, maxLength: n + 1 }), { minLength: 0, maxLength: 10 }),
    usage: usageArb,
    ending: fc.constantFrom("done" as const, "finish" as const),
    framing: framingArb
  }).map(({ chunks, ending, framing, usage }) => {
    const payloads: Array<unknown> = chunks.map((choices) => ({ ...header, choices }))
    if (ending === "finish") {
      payloads.push({
        ...header,
        choices: Array.from({ length: n }, (_, index) => ({ index, delta: {}, finish_reason: "stop" }))
      })
    }
    if (usage !== undefined) payloads.push({ ...header, choices: [], usage })
    return { name: `random n=${n}`, body: frame(payloads, framing, ending === "done") }
  })
)

/** A JSON document (object or array at the top), optionally pretty-printed and preceded by whitespace. */
const jsonDocArb = fc.record({
  value: fc.oneof(
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
  ),
  indent: fc.constantFrom(0, 1, 2),
  lead: fc.constantFrom("", " ", "\n ")
}).map(({ indent, lead, value }) => lead + JSON.stringify(value, null, indent))
  // partial-json assigns `obj[key] = value`, so a "__proto__" member changes the
  // prototype instead of becoming a member; PartialJson deliberately keeps it
  // as a member, like JSON.parse (documented in src/PartialJson.ts)
  .filter((text) => !text.includes("\"__proto__\""))

const piecesArb = (text: string) =>
  fc.array(fc.integer({ min: 1, max: Math.max(1, text.length - 1) }), { maxLength: 12 }).map((cuts) => {
    const points = Array.from(new Set(cuts)).sort((a, b) => a - b)
    const out: Array<string> = []
    let start = 0
    for (const p of points) {
      if (p > start && p < text.length) {
        out.push(text.slice(start, p))
        start = p
      }
    }
    out.push(text.slice(start))
    return out.filter((s) => s !== "")
  })

/** JSON content, then two tool calls whose JSON arguments arrive in pieces. */
const jsonTranscriptArb: fc.Arbitrary<Transcript> = fc.record({ content: jsonDocArb, a: jsonDocArb, b: jsonDocArb }).chain((
  docs
) =>
  fc.record({
    content: piecesArb(docs.content),
    a: piecesArb(docs.a),
    b: piecesArb(docs.b),
    framing: framingArb,
    finish: fc.constantFrom("stop", "tool_calls", "length"),
    done: fc.boolean()
  }).map(({ a, b, content, done, finish, framing }) => {
    const payloads: Array<unknown> = [{ ...header, choices: [{ index: 0, delta: { role: "assistant", content: "" } }] }]
    for (const piece of content) payloads.push({ ...header, choices: [{ index: 0, delta: { content: piece } }] })
    const call = (index: number, id: string, name: string, pieces: ReadonlyArray<string>) => {
      payloads.push({
        ...header,
        choices: [{ index: 0, delta: { tool_calls: [{ index, id, type: "function", function: { name, arguments: "" } }] } }]
      })
      for (const piece of pieces) {
        payloads.push({ ...header, choices: [{ index: 0, delta: { tool_calls: [{ index, function: { arguments: piece } }] } }] })
      }
    }
    call(0, "call_json_a", "first", a)
    call(1, "call_json_b", "second", b)
    payloads.push({ ...header, choices: [{ index: 0, delta: {}, finish_reason: finish }] })
    return { name: "json", body: frame(payloads, framing, done) }
  })
)

/** Chunk-like JSON: every known field sometimes missing, null or of a wrong type; unknown fields beside. */
const scalarArb = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, -1.25),
  fc.string({ maxLength: 3 })
)
const fieldArb = <A>(good: fc.Arbitrary<A>) =>
  fc.oneof({ arbitrary: good, weight: 8 }, { arbitrary: fc.constant(null), weight: 1 }, { arbitrary: scalarArb, weight: 1 })
const withExtras = <A extends object>(arb: fc.Arbitrary<A>) =>
  fc.tuple(
    arb,
    fc.dictionary(
      fc.constantFrom("x_extra", "content_filter_results", "native_finish_reason", "provider", "annotations"),
      fc.oneof(scalarArb, fc.jsonValue({ maxDepth: 1 })),
      { maxKeys: 2 }
    )
  ).map(([known, extra]) => ({ ...extra, ...known }))
const stringArb = fc.string({ maxLength: 4 })
const topLogprobLikeArb = withExtras(fc.record({
  token: fieldArb(stringArb),
  logprob: fieldArb(fc.constantFrom(-0.5, 0, -3)),
  bytes: fieldArb(fc.array(fc.oneof({ arbitrary: fc.nat(255), weight: 9 }, { arbitrary: scalarArb, weight: 1 }), { maxLength: 2 }))
}, { requiredKeys: [] }))
const tokenLogprobLikeArb = fc.tuple(topLogprobLikeArb, fc.record({ top_logprobs: fieldArb(fc.array(topLogprobLikeArb, { maxLength: 2 })) }, { requiredKeys: [] }))
  .map(([a, b]) => ({ ...a, ...b }))
const logprobsLikeArb = withExtras(fc.record({
  content: fieldArb(fc.array(tokenLogprobLikeArb, { maxLength: 2 })),
  refusal: fieldArb(fc.array(tokenLogprobLikeArb, { maxLength: 2 }))
}, { requiredKeys: [] }))
const usageLikeArb = withExtras(fc.record({
  prompt_tokens: fieldArb(fc.nat(50)),
  completion_tokens: fieldArb(fc.nat(50)),
  total_tokens: fieldArb(fc.nat(100))
}, { requiredKeys: [] }))
const toolCallLikeArb = withExtras(fc.record({
  index: fieldArb(fc.nat(3)),
  id: fieldArb(stringArb),
  type: fieldArb(fc.constant("function")),
  function: fieldArb(withExtras(fc.record({
    name: fieldArb(stringArb),
    arguments: fieldArb(fc.oneof(stringArb, fc.dictionary(stringArb, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 })))
  }, { requiredKeys: [] })))
}, { requiredKeys: [] }))
const deltaLikeArb = withExtras(fc.record({
  role: fieldArb(fc.constantFrom("assistant", "")),
  content: fieldArb(stringArb),
  refusal: fieldArb(stringArb),
  reasoning_content: fieldArb(stringArb),
  reasoning: fieldArb(stringArb),
  reasoning_details: fieldArb(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 })),
  tool_calls: fieldArb(fc.array(toolCallLikeArb, { maxLength: 2 }))
}, { requiredKeys: [] }))
const choiceLikeArb = withExtras(fc.record({
  index: fieldArb(fc.nat(2)),
  delta: fieldArb(deltaLikeArb),
  finish_reason: fieldArb(fc.constantFrom("stop", "", "length")),
  logprobs: fieldArb(logprobsLikeArb),
  usage: fieldArb(usageLikeArb)
}, { requiredKeys: [] }))
const chunkLikeArb = withExtras(fc.record({
  id: fieldArb(stringArb),
  object: fieldArb(fc.constant("chat.completion.chunk")),
  created: fieldArb(fc.nat(10)),
  model: fieldArb(stringArb),
  choices: fieldArb(fc.array(choiceLikeArb, { maxLength: 2 })),
  usage: fieldArb(usageLikeArb),
  system_fingerprint: fieldArb(stringArb),
  service_tier: fieldArb(stringArb)
}, { requiredKeys: [] }))

const decodeWithSchema = Schema.decodeUnknownEither(ChatCompletionChunk)

const transcriptArb: fc.Arbitrary<Transcript> = fc.oneof(
  { arbitrary: fc.constantFrom(...examples), weight: 1 },
  { arbitrary: randomTranscriptArb, weight: 4 },
  { arbitrary: jsonTranscriptArb, weight: 2 }
)

const cutsArb = fc.oneof(
  fc.array(fc.integer({ min: 1, max: 1 << 20 }), { maxLength: 40 }),
  fc.constant("every-byte" as const)
)

const settings = { fastCheck: { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) } }

/** What of an event must never change: snapshots, accumulated texts, parsed values. */
const recorded = (event: Event): unknown => {
  switch (event._tag) {
    case "Chunk":
      return event.snapshot
    case "ContentDelta":
      return [event.snapshot, event.parsed]
    case "ToolCallArgumentsDelta":
      return [event.arguments, event.parsedArguments]
    case "LogProbsContentDelta":
    case "LogProbsRefusalDelta":
      return [event.values, event.snapshot]
    default:
      return event
  }
}

// -----------------------------------------------------------------------------
// properties
// -----------------------------------------------------------------------------

describe("properties", () => {
  it("the generators produce complete, varied transcripts", () => {
    const samples = fc.sample(transcriptArb, { numRuns: 60, seed: 42 })
    expect(samples.some((t) => t.name.startsWith("random n=2"))).toBe(true)
    expect(samples.some((t) => t.name === "json")).toBe(true)
    expect(samples.some((t) => examples.some((e) => e.name === t.name))).toBe(true)
    expect(examples).toHaveLength(4)
    const chunkLikes = fc.sample(chunkLikeArb, { numRuns: 200, seed: 7 }).map((v) => decodeWithSchema(v))
    expect(chunkLikes.filter(Either.isRight).length).toBeGreaterThan(20)
    expect(chunkLikes.filter(Either.isLeft).length).toBeGreaterThan(20)
  })

  it.effect.prop("(a) any split of the bytes into reads gives the same events", [transcriptArb, cutsArb, fc.boolean()], ([
    transcript,
    cuts,
    grouped
  ]) =>
    Effect.gen(function*() {
      const bytes = utf8(transcript.body)
      const whole = yield* runEvents(bytesOf(transcript.body))
      const pieces = cuts === "every-byte"
        ? Array.from(bytes, (b) => Uint8Array.of(b))
        : splitAt(bytes, cuts.map((c) => c % Math.max(1, bytes.length)))
      const split = yield* runEvents(readsOf(pieces, { grouped }))
      expect(jsonLines(split)).toEqual(jsonLines(whole))
    }), settings)

  it.effect.prop(
    "(a2) the one-channel byte pipeline gives what its stages composed give",
    [transcriptArb, cutsArb],
    ([transcript, cuts]) =>
      Effect.gen(function*() {
        const bytes = utf8(transcript.body)
        const pieces = cuts === "every-byte"
          ? Array.from(bytes, (b) => Uint8Array.of(b))
          : splitAt(bytes, cuts.map((c) => c % Math.max(1, bytes.length)))
        const fused = yield* runEvents(readsOf(pieces, { grouped: false }))
        // The straightforward way: SSE → chunks → events, one stage each.
        const composed = yield* collect(
          ChatStream.eventsFromChunks(ChatStream.decodeSse(Sse.decode(readsOf(pieces, { grouped: false }))))
        )
        // The chunk pipeline counts the end of its input as complete (§5 is
        // checked by the byte pipeline), so a truncated body is left out.
        if (Either.isLeft(fused.result) && fused.result.left._tag === "IncompleteStreamError") return
        expect(fused.items).toStrictEqual(composed.items)
        expect(Either.isRight(fused.result)).toBe(Either.isRight(composed.result))
        if (Either.isLeft(fused.result) && Either.isLeft(composed.result)) {
          expect(fused.result.left._tag).toBe(composed.result.left._tag)
        }
      }),
    settings
  )

  it.effect.prop("(b) the deltas of each thing concatenate to its done's text", [transcriptArb], ([transcript]) =>
    Effect.gen(function*() {
      const run = yield* runEvents(bytesOf(transcript.body))
      const fragments = new Map<string, Array<string>>()
      for (const event of run.items) {
        const thing = thingOf(event)
        if (thing === undefined) continue
        const so = fragments.get(thing.key) ?? []
        if (thing.role === "delta") {
          so.push(fragmentOf(event))
          fragments.set(thing.key, so)
          // the accumulated text a delta carries is the concatenation so far
          if (event._tag === "ContentDelta" || event._tag === "ReasoningDelta" || event._tag === "RefusalDelta") {
            expect(event.snapshot, `${thing.key} delta snapshot`).toBe(so.join(""))
          }
          if (event._tag === "ToolCallArgumentsDelta") {
            expect(event.arguments, `${thing.key} delta arguments`).toBe(so.join(""))
          }
          if (event._tag === "LogProbsContentDelta" || event._tag === "LogProbsRefusalDelta") {
            expect(event.snapshot.map((v) => JSON.stringify(v)).join("\u0000"), `${thing.key} delta snapshot`).toBe(
              joinFragments(thing.key, so)
            )
          }
        } else {
          expect(doneTextOf(event), `${thing.key}: done text vs concatenated deltas`).toBe(joinFragments(thing.key, so))
        }
      }
    }), settings)

  it.effect.prop(
    "(c) every delta has exactly one done after it, no delta follows its done, every tool call gets a done",
    [transcriptArb],
    ([transcript]) =>
      Effect.gen(function*() {
        const run = yield* runEvents(bytesOf(transcript.body))
        const complete = Either.isRight(run.result)
        const deltas = new Map<string, number>()
        const dones = new Map<string, number>()
        for (const event of run.items) {
          const thing = thingOf(event)
          if (thing === undefined) continue
          if (thing.role === "delta") {
            expect(dones.has(thing.key), `a delta of ${thing.key} after its done`).toBe(false)
            deltas.set(thing.key, (deltas.get(thing.key) ?? 0) + 1)
          } else {
            expect(dones.has(thing.key), `a second done of ${thing.key}`).toBe(false)
            dones.set(thing.key, 1)
          }
        }
        if (complete) {
          for (const key of deltas.keys()) expect(dones.has(key), `no done for the deltas of ${key}`).toBe(true)
          // every tool call of the final snapshot got exactly one done, and so did every non-empty text
          const last = [...run.items].reverse().find((e) => e._tag === "Chunk")
          if (last !== undefined && last._tag === "Chunk") {
            for (const choice of last.snapshot.choices) {
              const toolDones = run.items.filter((e) => e._tag === "ToolCallArgumentsDone" && e.choiceIndex === choice.index)
              expect(toolDones.length, `tool-call dones of choice ${choice.index}`).toBe(
                (choice.message.tool_calls ?? []).length
              )
              if (choice.message.content !== null) {
                expect(dones.has(`${choice.index}/Content`), `content done of choice ${choice.index}`).toBe(true)
              }
              if (choice.message.refusal !== null) {
                expect(dones.has(`${choice.index}/Refusal`), `refusal done of choice ${choice.index}`).toBe(true)
              }
            }
          }
        }
      }),
    settings
  )

  it.effect.prop("(d) every snapshot handed out is unchanged at the end of the stream", [transcriptArb], ([transcript]) =>
    Effect.gen(function*() {
      const log = makeSnapshotLog()
      // serialised when seen, while the stream runs; compared after it
      const run = yield* collect(
        ChatStream.events(bytesOf(transcript.body)).pipe(
          Stream.tap((event) => Effect.sync(() => log.record(recorded(event))))
        )
      )
      expect(log.size()).toBe(run.items.length)
      expect(log.changed()).toEqual([])
    }), settings)

  it.effect.prop("(e) parsed / parsedArguments equal partial-json's parse of the text; dones carry JSON.parse", [transcriptArb], ([
    transcript
  ]) =>
    Effect.gen(function*() {
      const run = yield* runEvents(bytesOf(transcript.body))
      for (const event of run.items) {
        switch (event._tag) {
          case "ContentDelta":
            expect(event.parsed, `parsed of ${JSON.stringify(event.snapshot)}`).toEqual(expectedPartial(event.snapshot))
            break
          case "ToolCallArgumentsDelta":
            expect(event.parsedArguments, `parsedArguments of ${JSON.stringify(event.arguments)}`).toEqual(
              expectedPartial(event.arguments)
            )
            break
          case "ContentDone":
            expect(event.parsed, `parsed of done ${JSON.stringify(event.content)}`).toEqual(expectedDone(event.content))
            break
          case "ToolCallArgumentsDone":
            expect(event.parsedArguments, `parsedArguments of done ${JSON.stringify(event.arguments)}`).toEqual(
              expectedDone(event.arguments)
            )
            break
        }
      }
      // JSON transcripts end with the whole documents parsed
      if (transcript.name === "json" && Either.isRight(run.result)) {
        const done = run.items.find((e) => e._tag === "ContentDone")
        expect(done !== undefined && done._tag === "ContentDone" && Option.isSome(done.parsed)).toBe(true)
      }
    }), settings)

  it.effect.prop(
    "(g) partialJson: false changes nothing but the deltas' parsed values, which are none",
    [transcriptArb],
    ([transcript]) =>
      Effect.gen(function*() {
        /** The event the option must give for a default one. */
        const unparsed = (event: Event): Event => {
          switch (event._tag) {
            case "ContentDelta":
              return ChatStreamEvent.make(ChatStreamEvent.ContentDelta, {
                choiceIndex: event.choiceIndex,
                delta: event.delta,
                snapshot: event.snapshot,
                parsed: Option.none()
              })
            case "ToolCallArgumentsDelta":
              return ChatStreamEvent.make(ChatStreamEvent.ToolCallArgumentsDelta, {
                choiceIndex: event.choiceIndex,
                toolCallIndex: event.toolCallIndex,
                id: event.id,
                name: event.name,
                argumentsDelta: event.argumentsDelta,
                arguments: event.arguments,
                parsedArguments: Option.none()
              })
            default:
              return event
          }
        }
        const parsed = yield* runEvents(bytesOf(transcript.body))
        const off = yield* collect(ChatStream.events(bytesOf(transcript.body), { partialJson: false }))
        expect(off.items).toStrictEqual(parsed.items.map(unparsed))
        expect(Either.isRight(off.result)).toBe(Either.isRight(parsed.result))
        // The same through the chunk pipeline and the service layer.
        const chunks = yield* collect(ChatStream.decodeSse(Sse.decode(bytesOf(transcript.body))))
        const fromChunks = yield* collect(
          Stream.fromIterable(chunks.items).pipe(ChatStream.eventsFromChunks({ partialJson: false }))
        )
        const fromChunksParsed = yield* collect(ChatStream.eventsFromChunks(Stream.fromIterable(chunks.items)))
        expect(fromChunks.items).toStrictEqual(fromChunksParsed.items.map(unparsed))
        const viaLayer = yield* Effect.flatMap(ChatStream.ChatStream, (chat) => collect(chat.events(bytesOf(transcript.body))))
          .pipe(Effect.provide(ChatStream.layerWith({ partialJson: false })))
        expect(viaLayer.items).toStrictEqual(off.items)
      }),
    settings
  )

  it.prop("(f) a chunk decodes as the wire Schema decodes it (§2), also in the pipeline", [chunkLikeArb], ([value]) => {
    const text = JSON.stringify(value)
    const json: unknown = JSON.parse(text)
    const bySchema = decodeWithSchema(json)
    const byPipeline = ChatStream.decodePayload(json, text)
    if (Either.isRight(bySchema)) {
      expect(Either.isRight(byPipeline), Either.isLeft(byPipeline) ? byPipeline.left.message : "").toBe(true)
      if (Either.isRight(byPipeline)) expect(byPipeline.right).toEqual(bySchema.right)
    } else {
      expect(Either.isLeft(byPipeline)).toBe(true)
      if (Either.isLeft(byPipeline)) expect(byPipeline.left._tag).toBe("ChunkDecodeError")
    }
  }, { fastCheck: { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) } })
})
