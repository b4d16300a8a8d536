/**
 * The generic checker behind `decodeChunkFast` (see `internal/decodeChunk.ts`):
 * check combinators (`struct`, `arrayOf`, the primitives) that accept exactly
 * what a Schema of that shape accepts and build the same value, and the
 * checks of a chunk's objects built with them, field for field as the
 * `ChatCompletionChunk` Schema.
 *
 * Not public API.
 */
import { setOwn } from "./indexed.js"

type Obj = Record<string, unknown>

const isObject = (u: unknown): u is Obj => typeof u === "object" && u !== null && !Array.isArray(u)

/** Marks a value the fast path does not accept. */
export const REJECT: unique symbol = Symbol("reject")
export type Reject = typeof REJECT

export type Check = (value: unknown) => unknown | Reject

const string: Check = (v) => (typeof v === "string" ? v : REJECT)
const number: Check = (v) => (typeof v === "number" ? v : REJECT)
// `Schema.Int` is a safe integer: 2^53 + 1 or 1e20 is not one.
const int: Check = (v) => (typeof v === "number" && Number.isSafeInteger(v) ? v : REJECT)
const unknownArray: Check = (v) => (Array.isArray(v) ? v : REJECT)
export const numberArray: Check = (v) => {
  if (!Array.isArray(v)) return REJECT
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== "number") return REJECT
  return v
}
export const arrayOf = (item: Check): Check => (v) => {
  if (!Array.isArray(v)) return REJECT
  let out: Array<unknown> | undefined
  for (let i = 0; i < v.length; i++) {
    const decoded = item(v[i])
    if (decoded === REJECT) return REJECT
    if (decoded !== v[i]) {
      out ??= v.slice(0, i)
    }
    if (out !== undefined) out.push(decoded)
  }
  return out ?? v
}

interface Field {
  readonly check: Check
  /** The value a missing or null field decodes to; none: the key is left out. */
  readonly fallback?: () => unknown
  /** A required field: missing or null is rejected. */
  readonly required?: boolean
}


/** Marks, in a struct's list of changes, a known field to leave out. */
const ABSENT: unique symbol = Symbol("absent")

const hasOwn = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key)

/**
 * A struct with optional nullable known fields and an index signature of
 * unknown values. Returns the input itself when nothing changes; otherwise a
 * copy with the known fields decoded (nulls left out, defaults filled in) and
 * the unknown ones as they were.
 */
const struct = (fields: Record<string, Field>): Check => {
  const keys = Object.keys(fields)
  const list = keys.map((key) => fields[key])
  const position = new Map(keys.map((key, i) => [key, i]))
  const n = keys.length
  return (v) => {
    if (!isObject(v)) return REJECT
    // Only allocated when a field changes: most objects pass through as they are.
    let changes: Array<unknown> | undefined
    for (let k = 0; k < n; k++) {
      const key = keys[k]
      const field = list[k]
      const value = v[key]
      let result: unknown
      if (value === null || value === undefined) {
        if (field.required === true) return REJECT
        if (field.fallback !== undefined) result = field.fallback()
        else if (value === null || hasOwn(v, key)) result = ABSENT
        else continue
      } else {
        result = field.check(value)
        if (result === REJECT) return REJECT
        if (result === value) continue
      }
      if (changes === undefined) changes = new Array(n)
      changes[k] = result
    }
    if (changes === undefined) return v
    const out: Obj = {}
    for (const key in v) {
      const k = position.get(key)
      if (k === undefined) setOwn(out, key, v[key])
      else if (!(k in changes)) out[key] = v[key]
      else if (changes[k] !== ABSENT) out[key] = changes[k]
    }
    for (let k = 0; k < n; k++) {
      if (k in changes && changes[k] !== ABSENT && !hasOwn(out, keys[k])) out[keys[k]] = changes[k]
    }
    return out
  }
}

const optional = (check: Check): Field => ({ check })
const withDefault = (check: Check, fallback: () => unknown): Field => ({ check, fallback })

export const usage = struct({
  prompt_tokens: optional(number),
  completion_tokens: optional(number),
  total_tokens: optional(number)
})

const requiredField = (check: Check): Field => ({ check, required: true })
const topLogprob = struct({
  token: requiredField(string),
  logprob: requiredField(number),
  bytes: optional(numberArray)
})
const tokenLogprob = struct({
  token: requiredField(string),
  logprob: requiredField(number),
  bytes: optional(numberArray),
  top_logprobs: optional(arrayOf(topLogprob))
})
const logprobs = struct({
  content: optional(arrayOf(tokenLogprob)),
  refusal: optional(arrayOf(tokenLogprob))
})

const argumentsCheck: Check = (v) => (typeof v === "string" || isObject(v) ? v : REJECT)
const toolCallFunction = struct({ name: optional(string), arguments: optional(argumentsCheck) })
const toolCall = struct({
  index: optional(int),
  id: optional(string),
  type: optional(string),
  function: optional(toolCallFunction)
})
const delta = struct({
  role: optional(string),
  content: optional(string),
  refusal: optional(string),
  reasoning_content: optional(string),
  reasoning: optional(string),
  reasoning_details: optional(unknownArray),
  tool_calls: optional(arrayOf(toolCall))
})
const emptyObject = () => ({})
const zero = () => 0
const emptyString = () => ""
const emptyArray = () => []
const choice = struct({
  index: withDefault(int, zero),
  delta: withDefault(delta, emptyObject),
  finish_reason: optional(string),
  logprobs: optional(logprobs),
  usage: optional(usage)
})
export const chunk = struct({
  id: withDefault(string, emptyString),
  object: optional(string),
  created: withDefault(number, zero),
  model: withDefault(string, emptyString),
  choices: withDefault(arrayOf(choice), emptyArray),
  usage: optional(usage),
  system_fingerprint: optional(string),
  service_tier: optional(string)
})
