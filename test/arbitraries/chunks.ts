/**
 * Generated sequences of decoded chunks (`ChatCompletionChunk` values as the
 * wire Schema gives them: defaults applied, no `null` for a known field,
 * unknown fields kept), shared by the reference tests of the snapshot fold
 * (`foldReference.test.ts`) and of the events (`eventsReference.test.ts`).
 *
 * `chunksArb` is the generator of the fold's reference test. `makeChunksArb`
 * builds variants of it: the events' test sends more JSON-like text and
 * rarer finish reasons through the same shapes.
 *
 * Not a test file: importing it registers no test.
 */
import * as fc from "effect/FastCheck"
import type { ChatCompletionChunk, CompletionUsage, TokenLogprob } from "../../src/ChatCompletion.js"

type Json = Record<string, unknown>

/** Builds an object from optional parts, leaving out the absent ones (no `undefined` values). */
export const merge = (...parts: ReadonlyArray<object>): Json => {
  const out: Json = {}
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) if (value !== undefined) out[key] = value
  }
  return out
}

/** A record whose keys are each sometimes present. */
export const some = <T extends Record<string, unknown>>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }) =>
  fc.record(model, { requiredKeys: [] })

/** Short texts of JSON punctuation, spaces, multi-byte characters and newlines. */
export const textArb = fc.string({
  unit: fc.constantFrom("a", "b", " ", "é", "😀", "{", "}", "\"", ":", "1", "\n"),
  maxLength: 4
})

/** Values of unknown fields: `null` (must never remove a value), empty and non-empty, scalar and structured. */
const unknownValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constantFrom("", "x", "y", 0, 1, true, false),
  fc.constantFrom({ a: 1 }, { b: [1, 2] }, [], [{ filtered: false }], {})
)

const unknownFieldsArb = (keys: ReadonlyArray<string>): fc.Arbitrary<Json> =>
  some(Object.fromEntries(keys.map((key) => [key, unknownValueArb])) as Record<string, fc.Arbitrary<unknown>>)

const usageArb: fc.Arbitrary<CompletionUsage> = some({
  prompt_tokens: fc.nat(50),
  completion_tokens: fc.nat(50),
  total_tokens: fc.nat(100),
  completion_tokens_details: fc.constantFrom({ reasoning_tokens: 3 }, { reasoning_tokens: 0 })
}).map((u) => u as CompletionUsage)

const topLogprobArb = some({ bytes: fc.array(fc.nat(255), { maxLength: 2 }) }).chain((rest) =>
  fc.record({ token: textArb, logprob: fc.constantFrom(-0.25, -1.5, 0) }).map((head) => ({ ...head, ...rest }))
)

const tokenLogprobArb: fc.Arbitrary<TokenLogprob> = fc.tuple(
  fc.record({ token: textArb, logprob: fc.constantFrom(-0.5, -2, 0) }),
  some({
    bytes: fc.array(fc.nat(255), { maxLength: 3 }),
    top_logprobs: fc.array(topLogprobArb, { maxLength: 2 })
  })
).map(([head, rest]) => merge(head, rest) as TokenLogprob)

const logprobsArb = fc.tuple(
  some({
    content: fc.array(tokenLogprobArb, { maxLength: 2 }),
    refusal: fc.array(tokenLogprobArb, { maxLength: 2 })
  }),
  unknownFieldsArb(["text_offset", "x_extra"])
).map(([known, extra]) => merge(extra, known))

const xGroqArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant({ id: "req_1" }),
  usageArb.map((usage) => ({ id: "req_2", usage }))
)

/** What a variant of the generator changes. */
export interface ChunksOptions {
  /** The text of `content`, `refusal`, `reasoning_content`, `reasoning` and string `arguments` fragments. */
  readonly text?: fc.Arbitrary<string>
  /** A choice's `finish_reason` when the field is present (it is present about half the time). */
  readonly finishReason?: fc.Arbitrary<string>
}

/** 1–10 decoded chunks over 1–3 choices with sparse indexes. */
export const makeChunksArb = (options: ChunksOptions = {}): fc.Arbitrary<ReadonlyArray<ChatCompletionChunk>> => {
  const text = options.text ?? textArb
  const finishReason = options.finishReason ?? fc.constantFrom("", "stop", "length", "tool_calls", "eos")

  const argumentsArb: fc.Arbitrary<string | Json> = fc.oneof(
    { arbitrary: text, weight: 4 },
    { arbitrary: fc.constantFrom<Json>({ city: "Oslo" }, {}, { n: 1, nested: { a: [1, "é"] } }), weight: 1 }
  )

  const functionArb = fc.tuple(
    some({ name: fc.constantFrom("", "f", "g"), arguments: argumentsArb }),
    unknownFieldsArb(["x_extra", "thought_signature"])
  ).map(([known, extra]) => merge(extra, known))

  const toolCallArb = fc.tuple(
    some({
      index: fc.constantFrom(0, 1, 3),
      id: fc.constantFrom("", "call_a", "call_b", "call_c"),
      type: fc.constantFrom("", "function", "custom"),
      function: functionArb
    }),
    unknownFieldsArb(["extra_content", "x_extra"])
  ).map(([known, extra]) => merge(extra, known))

  const deltaArb = fc.tuple(
    some({
      role: fc.constantFrom("", "assistant", "tool"),
      content: text,
      refusal: text,
      reasoning_content: text,
      reasoning: text,
      reasoning_details: fc.array(
        fc.record({ type: fc.constant("reasoning.text"), text: textArb, index: fc.nat(2) }),
        { maxLength: 2 }
      ),
      tool_calls: fc.array(toolCallArb, { maxLength: 3 })
    }),
    unknownFieldsArb(["x_extra", "annotations", "audio", "provider"])
  ).map(([known, extra]) => merge(extra, known))

  const choiceArb = (indexes: ReadonlyArray<number>) =>
    fc.tuple(
      fc.record({ index: fc.constantFrom(...indexes), delta: deltaArb }),
      some({
        finish_reason: finishReason,
        logprobs: logprobsArb,
        usage: usageArb
      }),
      unknownFieldsArb(["native_finish_reason", "content_filter_results", "x_extra", "provider"])
    ).map(([head, known, extra]) => merge(extra, head, known))

  const chunkArb = (indexes: ReadonlyArray<number>): fc.Arbitrary<ChatCompletionChunk> =>
    fc.tuple(
      fc.record({
        id: fc.constantFrom("", "chatcmpl-1", "chatcmpl-2"),
        created: fc.constantFrom(0, 1764100000, 1764100001),
        model: fc.constantFrom("", "m1", "m2"),
        choices: fc.array(choiceArb(indexes), { maxLength: 3 })
      }),
      some({
        object: fc.constantFrom("chat.completion.chunk", ""),
        usage: usageArb,
        system_fingerprint: fc.constantFrom("", "fp_a", "fp_b"),
        service_tier: fc.constantFrom("", "default", "flex")
      }),
      unknownFieldsArb(["x_extra", "provider", "prompt_filter_results", "timings", "obfuscation"]),
      some({ x_groq: xGroqArb })
    ).map(([head, known, extra, groq]) => merge(extra, groq, head, known) as ChatCompletionChunk)

  return fc
    .uniqueArray(fc.constantFrom(0, 1, 2, 4, 7), { minLength: 1, maxLength: 3 })
    .chain((indexes) => fc.array(chunkArb(indexes), { minLength: 1, maxLength: 10 }))
}

/** The fold's generator: 1–10 decoded chunks over 1–3 choices with sparse indexes. */
export const chunksArb: fc.Arbitrary<ReadonlyArray<ChatCompletionChunk>> = makeChunksArb()
