/**
 * Shared test helpers: bytes from strings, reads cut at given points, SSE
 * bodies built from chunk objects, events collected with their ending, and
 * the JSON lines of a run.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, Either, Option, Schema, Stream } from "effect"
import { parse as partialParse } from "partial-json"
import * as ChatCompletion from "../src/ChatCompletion.js"
import * as ChatStream from "../src/ChatStream.js"
import type * as ChatStreamEvent from "../src/ChatStreamEvent.js"
import * as JsonLines from "../src/JsonLines.js"

const encoder = new TextEncoder()

/** The UTF-8 bytes of a string. */
export const utf8 = (text: string): Uint8Array => encoder.encode(text)

/** A byte stream of one read holding the whole body. */
export const bytesOf = (body: string): Stream.Stream<Uint8Array> => Stream.make(utf8(body))

/**
 * Cuts `bytes` at the given offsets (any order, duplicates and out-of-range
 * offsets ignored) into consecutive pieces that together are `bytes`.
 */
export const splitAt = (bytes: Uint8Array, cuts: ReadonlyArray<number>): Array<Uint8Array> => {
  const points = Array.from(new Set(cuts.filter((c) => c > 0 && c < bytes.length))).sort((a, b) => a - b)
  const pieces: Array<Uint8Array> = []
  let start = 0
  for (const point of points) {
    pieces.push(bytes.slice(start, point))
    start = point
  }
  pieces.push(bytes.slice(start))
  return pieces
}

/** Cuts `bytes` into pieces of `size` bytes (the last one shorter). */
export const splitEvery = (bytes: Uint8Array, size: number): Array<Uint8Array> => {
  const pieces: Array<Uint8Array> = []
  for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.slice(at, at + size))
  return pieces.length === 0 ? [new Uint8Array(0)] : pieces
}

/**
 * A byte stream whose reads are the given pieces, each in its own stream
 * chunk as from a socket; with `grouped`, all reads in one stream chunk.
 */
export const readsOf = (
  pieces: ReadonlyArray<Uint8Array>,
  options?: { readonly grouped?: boolean }
): Stream.Stream<Uint8Array> =>
  options?.grouped === true ? Stream.fromIterable(pieces) : Stream.fromIterable(pieces).pipe(Stream.rechunk(1))

/** Decodes a raw chunk object the way the pipeline does (defaults applied, unknown fields kept). */
export const chunk: (raw: unknown) => ChatCompletion.ChatCompletionChunk = Schema.decodeUnknownSync(
  ChatCompletion.ChatCompletionChunk
)

/** One `data:` event per payload (objects are JSON-encoded, strings sent as they are). */
export const sseEvents = (payloads: ReadonlyArray<unknown>): string =>
  payloads.map((p) => `data: ${typeof p === "string" ? p : JSON.stringify(p)}\n\n`).join("")

/** An SSE body from chunk objects, ended by `data: [DONE]` unless `done: false`. */
export const sseBody = (payloads: ReadonlyArray<unknown>, options?: { readonly done?: boolean }): string =>
  sseEvents(payloads) + (options?.done === false ? "" : "data: [DONE]\n\n")

/** A chunk object with the usual header, for building bodies. */
export const rawChunk = (
  choices: ReadonlyArray<unknown>,
  extra?: Record<string, unknown>
): Record<string, unknown> => ({
  id: "chatcmpl-t",
  object: "chat.completion.chunk",
  created: 1764100000,
  model: "test-model",
  choices,
  ...extra
})

/** What a run of a stream gave: everything emitted, then how it ended. */
export interface Run<A, E> {
  readonly items: ReadonlyArray<A>
  readonly result: Either.Either<void, E>
}

/** Runs a stream to its end, keeping what was emitted before a failure. */
export const collect = <A, E, R>(stream: Stream.Stream<A, E, R>): Effect.Effect<Run<A, E>, never, R> =>
  Effect.suspend(() => {
    const items: Array<A> = []
    return stream.pipe(
      Stream.runForEach((item) => Effect.sync(() => items.push(item))),
      Effect.either,
      Effect.map((result) => ({ items, result }))
    )
  })

/** The events of a body read as the given byte stream. */
export const runEvents = <E, R>(bytes: Stream.Stream<Uint8Array, E, R>) => collect(ChatStream.events(bytes))

/** The error of a run that must have failed. */
export const failureOf = <A, E>(run: Run<A, E>): E => {
  if (Either.isRight(run.result)) throw new Error("expected the stream to fail, it ended well")
  return run.result.left
}

/** The last `Chunk` event's snapshot of a list of events. */
export const lastSnapshot = (
  events: ReadonlyArray<ChatStreamEvent.ChatStreamEvent>
): Option.Option<ChatCompletion.ChatCompletion> => {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]
    if (event._tag === "Chunk") return Option.some(event.snapshot)
  }
  return Option.none()
}

/** The JSON lines of a run (contract §7): every event, then `Final` or `Failure`. */
export const jsonLines = (run: Run<ChatStreamEvent.ChatStreamEvent, unknown>): Array<string> => [
  ...run.items.map(JsonLines.event),
  Either.isRight(run.result) ? JsonLines.final(lastSnapshot(run.items)) : JsonLines.failure(run.result.left)
]

/** The JSON lines of the events of a byte stream. */
export const linesOf = <E, R>(bytes: Stream.Stream<Uint8Array, E, R>) => Effect.map(runEvents(bytes), jsonLines)

/** Events of one tag, typed. */
export const ofTag = <T extends ChatStreamEvent.ChatStreamEvent["_tag"]>(
  events: ReadonlyArray<ChatStreamEvent.ChatStreamEvent>,
  tag: T
): Array<Extract<ChatStreamEvent.ChatStreamEvent, { readonly _tag: T }>> =>
  events.filter((e): e is Extract<ChatStreamEvent.ChatStreamEvent, { readonly _tag: T }> => e._tag === tag)

/** The tags of events, `Chunk`s left out unless `withChunks`. */
export const tags = (
  events: ReadonlyArray<ChatStreamEvent.ChatStreamEvent>,
  withChunks = false
): Array<string> => events.filter((e) => withChunks || e._tag !== "Chunk").map((e) => e._tag)

/** Whether a text is JSON for the contract (§4): after `trimStart()` it starts with `{` or `[`. */
export const looksLikeJson = (text: string): boolean => {
  const start = text.trimStart()
  return start.startsWith("{") || start.startsWith("[")
}

/** What a delta's `parsed` must be for an accumulated text: partial-json's `parse`, none where it throws or for non-JSON. */
export const expectedPartial = (text: string): Option.Option<unknown> => {
  if (!looksLikeJson(text)) return Option.none()
  try {
    return Option.some(partialParse(text))
  } catch {
    return Option.none()
  }
}

/** What a done's `parsed` must be: `JSON.parse`, none for invalid or non-JSON text. */
export const expectedDone = (text: string): Option.Option<unknown> => {
  if (!looksLikeJson(text)) return Option.none()
  try {
    return Option.some(JSON.parse(text))
  } catch {
    return Option.none()
  }
}

/** Freezes a value and everything reachable from it. */
export const deepFreeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key])
  }
  return value
}

/** Records values as JSON when seen, to check at the end that none changed. */
export const makeSnapshotLog = () => {
  const seen: Array<{ readonly value: unknown; readonly json: string }> = []
  return {
    record: (value: unknown) => {
      seen.push({ value, json: JSON.stringify(value) })
    },
    /** The entries whose value no longer serialises as it did when recorded. */
    changed: () => seen.filter((entry) => JSON.stringify(entry.value) !== entry.json).map((entry) => entry.json),
    size: () => seen.length
  }
}

/**
 * The worked examples: a copy in `test/examples`, so that a clone alone
 * passes. The originals live beside the repository in the steering
 * checkout (`../shared/examples`); `sharedExamplesDir` is where, and
 * `examples.test.ts` checks the copy is the same when they are there.
 */
export const examplesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "examples")

/** The steering checkout's examples, beside the repository, if present. */
export const sharedExamplesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../shared/examples")

/** The names (without extension) of the worked examples. */
export const exampleNames = (): Array<string> =>
  fs.readdirSync(examplesDir).filter((f) => f.endsWith(".sse")).map((f) => f.slice(0, -4)).sort()

/** The body of a worked example. */
export const readExample = (name: string, ext: "sse" | "jsonl"): string =>
  fs.readFileSync(path.join(examplesDir, `${name}.${ext}`), "utf8")

/** Property runs: 300, or `PROPERTY_RUNS`. */
export const propertyRuns = Number(process.env.PROPERTY_RUNS ?? 300)

/**
 * fast-check settings for `propertyRuns` runs, with a per-test timeout that
 * grows with them (10,000 runs take minutes).
 */
export const propertySettings = {
  fastCheck: { numRuns: Math.max(propertyRuns, 1) },
  timeout: Math.max(60_000, propertyRuns * 50)
}

let cases = 0

/**
 * Lets the event loop turn every 50 cases: a property that holds it for
 * minutes (`PROPERTY_RUNS=10000`) makes vitest's worker fail with "Timeout
 * calling onTaskUpdate" although every test passed. For `it.live.prop`
 * bodies: `it.live` because the cases read no clock, and the test services
 * `it.effect` builds for every case cost more than a case.
 */
export const breathe: Effect.Effect<void> = Effect.suspend(() =>
  ++cases % 50 === 0 ? Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve))) : Effect.void
)
