/**
 * The fast chunk decoder must give exactly what the ChatCompletionChunk
 * Schema gives, on every input it accepts, and must accept the chunks real
 * providers send (else it would not be a fast path).
 */
import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import * as fc from "effect/FastCheck"
import { ChatCompletionChunk } from "../src/ChatCompletion.js"
import { decodeChunkFast, decodeJsonChunk } from "../src/internal/decodeChunk.js"

const schemaDecode = Schema.decodeUnknownEither(ChatCompletionChunk)

/**
 * Chunk-like JSON. Each field: a value of the right type, `null`, missing,
 * or (with `wrongTypes`) sometimes a wrong type. Without wrong types almost
 * every value is a valid chunk, so the rebuilding of objects with nulls and
 * defaults is exercised often; with them, most are rejected somewhere.
 */
const chunkArbitrary = (wrongTypes: boolean) => {
/** A value of the right type, `null`, missing, or (sometimes) a wrong type. */
const field = <A>(valid: fc.Arbitrary<A>, wrong: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: wrongTypes ? 1 : 0, arbitrary: wrong }
  )

/** A field the Schema requires: without wrong types, always valid. */
const required = <A>(valid: fc.Arbitrary<A>, wrong: fc.Arbitrary<unknown>) => wrongTypes ? field(valid, wrong) : valid

const wrongScalar = fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant([]), fc.constant({}))
const extras = fc.dictionary(
  fc.constantFrom("x_extra", "content_filter_results", "native_finish_reason", "obfuscation", "provider"),
  fc.oneof(fc.constant(null), fc.string(), fc.integer(), fc.object({ maxDepth: 1 }))
)

const withExtras = (record: fc.Arbitrary<Record<string, unknown>>) =>
  fc.tuple(record, extras).map(([known, extra]) => ({ ...extra, ...known }))

// Without wrong types, the keys that lead to nested objects are always there
// (their value may still be null), so that deep objects are common.
const containers = ["choices", "delta", "tool_calls", "function", "logprobs", "content", "top_logprobs", "token", "logprob"]
const optionalRecord = (model: Record<string, fc.Arbitrary<unknown>>) =>
  withExtras(
    fc.record(model, {
      requiredKeys: wrongTypes ? [] : Object.keys(model).filter((key) => containers.includes(key))
    }) as fc.Arbitrary<Record<string, unknown>>
  )

const topLogprob = optionalRecord({
  token: required(fc.string(), wrongScalar),
  logprob: required(fc.double({ noNaN: true }), wrongScalar),
  bytes: field(fc.array(fc.integer({ min: 0, max: 255 })), fc.constant(["a"]))
})
const tokenLogprob = optionalRecord({
  token: required(fc.string(), wrongScalar),
  logprob: required(fc.double({ noNaN: true }), wrongScalar),
  bytes: field(fc.array(fc.integer({ min: 0, max: 255 })), fc.constant(["a"])),
  top_logprobs: field(fc.array(topLogprob, { maxLength: 2 }), wrongScalar)
})
const toolCall = optionalRecord({
  index: field(fc.nat(5), fc.oneof(fc.constant(1.5), fc.constant("1"))),
  id: field(fc.string(), wrongScalar),
  type: field(fc.constant("function"), wrongScalar),
  function: field(
    optionalRecord({
      name: field(fc.string(), wrongScalar),
      arguments: field(fc.oneof(fc.string(), fc.object({ maxDepth: 1 })), fc.oneof(fc.integer(), fc.constant([1])))
    }),
    wrongScalar
  )
})
const delta = optionalRecord({
  role: field(fc.constant("assistant"), wrongScalar),
  content: field(fc.string(), wrongScalar),
  refusal: field(fc.string(), wrongScalar),
  reasoning_content: field(fc.string(), wrongScalar),
  reasoning: field(fc.string(), wrongScalar),
  reasoning_details: field(fc.array(fc.object({ maxDepth: 1 }), { maxLength: 2 }), wrongScalar),
  tool_calls: field(fc.array(toolCall, { maxLength: 3 }), wrongScalar)
})
const usage = optionalRecord({
  prompt_tokens: field(fc.nat(), wrongScalar),
  completion_tokens: field(fc.nat(), wrongScalar),
  total_tokens: field(fc.nat(), wrongScalar)
})
const choice = optionalRecord({
  index: field(fc.nat(3), fc.oneof(fc.constant(0.5), fc.constant("0"))),
  delta: field(delta, wrongScalar),
  finish_reason: field(fc.constantFrom("stop", "length", "tool_calls", ""), wrongScalar),
  logprobs: field(
    optionalRecord({
      content: field(fc.array(tokenLogprob, { maxLength: 2 }), wrongScalar),
      refusal: field(fc.array(tokenLogprob, { maxLength: 2 }), wrongScalar)
    }),
    wrongScalar
  ),
  usage: field(usage, wrongScalar)
})
const chunk = optionalRecord({
  id: field(fc.string(), wrongScalar),
  object: field(fc.constant("chat.completion.chunk"), wrongScalar),
  created: field(fc.nat(), wrongScalar),
  model: field(fc.string(), wrongScalar),
  choices: field(fc.array(choice, { maxLength: 3 }), wrongScalar),
  usage: field(usage, wrongScalar),
  system_fingerprint: field(fc.string(), wrongScalar),
  service_tier: field(fc.string(), wrongScalar)
})
return chunk
}

const chunk = chunkArbitrary(true)
const validChunk = chunkArbitrary(false)

describe("fast chunk decoding", () => {
  it.prop("gives exactly the Schema's result on every input it accepts", [chunk], ([json]) => {
    // Through JSON, as the pipeline sees it.
    const input = JSON.parse(JSON.stringify(json))
    const fast = decodeChunkFast(input)
    const schema = schemaDecode(JSON.parse(JSON.stringify(json)))
    if (fast === undefined) {
      return
    }
    expect(Either.isRight(schema)).toBe(true)
    expect(fast).toStrictEqual(Either.getOrThrow(schema))
  }, { fastCheck: { numRuns: 500 } })

  it.prop("accepts every chunk the Schema accepts (the fast path is the path)", [chunk], ([json]) => {
    const input = JSON.parse(JSON.stringify(json))
    const schema = schemaDecode(input)
    if (Either.isLeft(schema)) return
    expect(decodeChunkFast(JSON.parse(JSON.stringify(json)))).toStrictEqual(schema.right)
  }, { fastCheck: { numRuns: 500 } })

  it.prop("the JSON fast path gives exactly the Schema's result, and accepts what it accepts", [fc.oneof(chunk, validChunk)], ([json]) => {
    const input = JSON.parse(JSON.stringify(json))
    const schema = schemaDecode(JSON.parse(JSON.stringify(json)))
    const fast = decodeJsonChunk(input)
    if (Either.isLeft(schema)) {
      expect(fast).toBeUndefined()
      return
    }
    expect(fast).toStrictEqual(schema.right)
    // Unchanged objects are passed through, changed ones rebuilt: the input is never written.
    expect(input).toStrictEqual(JSON.parse(JSON.stringify(json)))
  }, { fastCheck: { numRuns: 1000 } })

  it("rejects what the Schema rejects, so the Schema words the error", () => {
    for (
      const json of [
        { choices: [{ index: "1" }] },
        { choices: [{ delta: { content: 5 } }] },
        { choices: {} },
        { choices: [{ delta: { tool_calls: [{ function: { arguments: [1] } }] } }] },
        { choices: [{ logprobs: { content: [{ token: null, logprob: 1 }] } }] },
        { created: "now" },
        // `Schema.Int` wants a safe integer
        { choices: [{ index: 9007199254740993, delta: { content: "Hi" } }] },
        { choices: [{ index: 1e20 }] },
        { choices: [{ delta: { tool_calls: [{ index: 1e300 }] } }] }
      ]
    ) {
      expect(decodeChunkFast(json)).toBeUndefined()
      expect(decodeJsonChunk(json)).toBeUndefined()
      expect(Either.isLeft(schemaDecode(json))).toBe(true)
    }
  })

  it("keeps a __proto__ key as data and never changes an object's prototype", () => {
    const json = JSON.parse("{\"__proto__\":{\"polluted\":true},\"choices\":[{\"delta\":{\"content\":null,\"__proto__\":{\"x\":1}}}]}")
    for (const decode of [decodeChunkFast, decodeJsonChunk]) {
      const decoded = decode(json) as unknown as Record<string, unknown>
      expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype)
      expect(Object.prototype.hasOwnProperty.call(decoded, "__proto__")).toBe(true)
      expect((decoded as { polluted?: unknown }).polluted).toBeUndefined()
      const delta = (decoded.choices as Array<{ delta: object }>)[0].delta
      expect(Object.getPrototypeOf(delta)).toBe(Object.prototype)
      expect(Object.prototype.hasOwnProperty.call(delta, "__proto__")).toBe(true)
    }
  })
})
