/**
 * Fuzzing of the byte pipeline (`ChatStream.events`) with input no provider
 * should send but a network or a proxy may deliver: random bytes, random
 * UTF-8 text from the alphabet of server-sent events, the recorded
 * transcripts with bytes flipped, cut, duplicated or inserted, and random
 * sequences of well-formed chunks in every framing.
 *
 * Whatever arrives, a run ends well or fails with one of the library's
 * tagged errors (never a defect), keeps the contract's promises
 * (`invariants.ts`), writes JSON lines that parse, and gives the same result
 * however the bytes are cut into reads.
 *
 * The seed is fixed (`FUZZ_SEED` to change it) and the number of runs per
 * property is `FUZZ_RUNS` (default 200); e.g. `FUZZ_RUNS=20000 npx vitest run
 * test/fuzz.test.ts` for a long local run.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import * as fc from "effect/FastCheck"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as ChatStream from "../src/ChatStream.js"
import { makeChunksArb } from "./arbitraries/chunks.js"
import { breathe, collect, examplesDir, jsonLines, readsOf, splitAt } from "./helpers.js"
import { violations } from "./invariants.js"

const runs = Number(process.env.FUZZ_RUNS ?? 200)
const seed = Number(process.env.FUZZ_SEED ?? 20261204)
const settings = { fastCheck: { numRuns: runs, seed }, timeout: Math.max(60_000, runs * 100) }

/** The tags of the errors `ChatStream.events` may fail with. */
const TAGGED = new Set(["SseError", "ChunkDecodeError", "ApiError", "IncompleteStreamError"])

// -----------------------------------------------------------------------------
// inputs
// -----------------------------------------------------------------------------

const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "fixtures")

/** Every recorded transcript of the repository: the worked examples and the fixtures. */
const recordings: ReadonlyArray<Uint8Array> = [examplesDir, fixturesDir].flatMap((dir) =>
  fs.readdirSync(dir).filter((f) => f.endsWith(".sse")).sort().map((f) => new Uint8Array(fs.readFileSync(path.join(dir, f))))
)

/** Pieces of the SSE and JSON alphabets, so that random text gets past the first line now and then. */
const sseToken = fc.oneof(
  fc.constantFrom(
    "data: ",
    "data:",
    "event: error\n",
    ": keep-alive\n",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "[DONE]",
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"",
    "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"",
    "\"finish_reason\":\"stop\"",
    "{\"error\":{\"message\":\"x\"}}",
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n",
    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
    "data: [DONE]\n\n",
    "\uFEFF",
    "é",
    "😀"
  ),
  fc.string({ maxLength: 6 })
)

const randomBytes = fc.uint8Array({ maxLength: 400 })

const randomUtf8 = fc.array(sseToken, { maxLength: 60 }).map((tokens) => new TextEncoder().encode(tokens.join("")))

/** One edit of a byte array. */
type Edit =
  | { readonly op: "flip"; readonly at: number; readonly bit: number }
  | { readonly op: "cut"; readonly at: number }
  | { readonly op: "duplicate"; readonly at: number; readonly length: number }
  | { readonly op: "insert"; readonly at: number; readonly bytes: Uint8Array }

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({ op: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("duplicate" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) })
)

const concat = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

const applyEdit = (bytes: Uint8Array, edit: Edit): Uint8Array => {
  const at = bytes.length === 0 ? 0 : edit.at % (bytes.length + 1)
  switch (edit.op) {
    case "flip": {
      if (bytes.length === 0) return bytes
      const copy = bytes.slice()
      copy[at % bytes.length] ^= 1 << edit.bit
      return copy
    }
    case "cut":
      return bytes.subarray(0, at)
    case "duplicate":
      return concat(bytes.subarray(0, at), bytes.subarray(at, at + edit.length), bytes.subarray(at))
    case "insert":
      return concat(bytes.subarray(0, at), edit.bytes, bytes.subarray(at))
  }
}

const mangledRecording = fc.tuple(fc.nat({ max: recordings.length - 1 }), fc.array(editArb, { minLength: 1, maxLength: 4 }))
  .map(([i, edits]) => edits.reduce(applyEdit, recordings[i]))

/** Well-formed chunks (the providers' variants of `arbitraries/chunks.ts`) in a random framing. */
const framedChunks = fc.record({
  chunks: makeChunksArb(),
  eol: fc.constantFrom("\n", "\r\n", "\r"),
  space: fc.boolean(),
  comments: fc.boolean(),
  done: fc.boolean(),
  trailingBlank: fc.boolean()
}).map(({ chunks, comments, done, eol, space, trailingBlank }) => {
  const data = space ? "data: " : "data:"
  const events = chunks.map((c) => `${comments ? `: processing${eol}` : ""}${data}${JSON.stringify(c)}${eol}${eol}`)
  if (done) events.push(`${data}[DONE]${eol}${trailingBlank ? eol : ""}`)
  return new TextEncoder().encode(events.join(""))
})

const cutsArb = fc.array(fc.nat(), { maxLength: 12 })

// -----------------------------------------------------------------------------
// the run and its checks
// -----------------------------------------------------------------------------

/** The event size limit: the default, or one that small inputs reach. */
const limitArb = fc.constantFrom<number | undefined>(undefined, undefined, 300, 2000)

/** Runs the events pipeline over `pieces` (a defect fails the test, with the input). */
const run = (pieces: ReadonlyArray<Uint8Array>, maxEventBytes?: number) =>
  collect(ChatStream.events(readsOf(pieces, { grouped: false }), { maxEventBytes }))

const check = (bytes: Uint8Array, cuts: ReadonlyArray<number>, maxEventBytes: number | undefined) =>
  Effect.gen(function*() {
    yield* breathe
    const whole = yield* run([bytes], maxEventBytes)
    if (Either.isLeft(whole.result)) expect(TAGGED.has(whole.result.left._tag), String(whole.result.left)).toBe(true)
    expect(violations(whole)).toEqual([])
    const lines = jsonLines(whole)
    for (const line of lines) JSON.parse(line)
    const split = yield* run(splitAt(bytes, cuts.map((c) => c % Math.max(1, bytes.length))), maxEventBytes)
    expect(jsonLines(split)).toEqual(lines)
  })

describe("fuzz", () => {
  it.live("the inputs reach every outcome: streams that end well and each kind of failure", () =>
    Effect.gen(function*() {
      expect(recordings.length).toBeGreaterThan(20)
      const outcomes = new Map<string, Set<string>>()
      // (random bytes almost never hold a `data:` line: they end as IncompleteStreamError, and that is their point)
      const inputs = { randomUtf8, mangledRecording, framedChunks }
      for (const [name, arb] of Object.entries(inputs)) {
        const seen = new Set<string>()
        for (const [i, bytes] of fc.sample(arb as fc.Arbitrary<Uint8Array>, { numRuns: 300, seed }).entries()) {
          const { result } = yield* run([bytes], i % 3 === 0 ? 300 : undefined)
          seen.add(Either.isRight(result) ? "ok" : result.left._tag)
        }
        outcomes.set(name, seen)
      }
      expect([...outcomes.get("mangledRecording")!].sort()).toEqual([...TAGGED, "ok"].sort())
      expect(outcomes.get("framedChunks")!.has("ok")).toBe(true)
      expect(outcomes.get("randomUtf8")!.size).toBeGreaterThan(2)
    }))

  it.live.prop("random bytes", [randomBytes, cutsArb, limitArb], ([bytes, cuts, limit]) => check(bytes, cuts, limit), settings)

  it.live.prop("random UTF-8 from the alphabet of server-sent events", [randomUtf8, cutsArb, limitArb], ([bytes, cuts, limit]) => check(bytes, cuts, limit), settings)

  it.live.prop("recorded transcripts with bytes flipped, cut, duplicated or inserted", [mangledRecording, cutsArb, limitArb], ([bytes, cuts, limit]) => check(bytes, cuts, limit), settings)

  it.live.prop("random well-formed chunks in any framing", [framedChunks, cutsArb, limitArb], ([bytes, cuts, limit]) => check(bytes, cuts, limit), settings)
})
