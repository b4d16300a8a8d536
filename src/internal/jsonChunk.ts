/**
 * The fast path of `decodeJsonChunk` (see `internal/decodeChunk.ts`).
 *
 * The hot objects of a chunk (the chunk, its choices, deltas, tool calls and
 * functions) checked with a hand-written function each: named property reads,
 * which V8 serves from the objects' shapes, instead of the generic checker's
 * reads by computed key. Only for values that come from `JSON.parse`, which
 * never holds `undefined`: a known field that reads `undefined` is missing.
 * A changed object is rebuilt in its own key order, like the generic checker.
 *
 * Not public API.
 */
import { arrayOf, numberArray, REJECT, usage } from "./chunkCheck.js"
import { setOwn } from "./indexed.js"

type Json = Record<string, unknown>

/** A JSON object: not null, not an array. */
const isJsonObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

/** An optional string field: whether it is acceptable (missing, null or a string). */
const okString = (v: unknown): boolean => v === undefined || v === null || typeof v === "string"

const jsonFunction = (v: unknown): unknown => {
  if (!isJsonObject(v)) return REJECT
  const name = v.name
  const args = v.arguments
  if (!okString(name)) return REJECT
  if (args !== undefined && args !== null && typeof args !== "string" && !isJsonObject(args)) return REJECT
  if (name !== null && args !== null) return v
  const out: Json = {}
  for (const key in v) {
    const value = v[key]
    if (key === "name" || key === "arguments") {
      if (value !== null) out[key] = value
    } else setOwn(out, key, value)
  }
  return out
}

const jsonToolCall = (v: unknown): unknown => {
  if (!isJsonObject(v)) return REJECT
  const index = v.index
  const id = v.id
  const type = v.type
  const fn = v.function
  if (index !== undefined && index !== null && !(typeof index === "number" && Number.isSafeInteger(index))) return REJECT
  if (!okString(id) || !okString(type)) return REJECT
  let decodedFn = fn
  if (fn !== undefined && fn !== null) {
    decodedFn = jsonFunction(fn)
    if (decodedFn === REJECT) return REJECT
  }
  if (index !== null && id !== null && type !== null && fn !== null && decodedFn === fn) return v
  const out: Json = {}
  for (const key in v) {
    const value = v[key]
    switch (key) {
      case "index":
      case "id":
      case "type":
        if (value !== null) out[key] = value
        break
      case "function":
        if (value !== null) out.function = decodedFn
        break
      default:
        setOwn(out, key, value)
    }
  }
  return out
}

const jsonToolCalls = arrayOf(jsonToolCall)

/** `bytes`: missing, null, or an array of numbers. */
const okBytes = (v: unknown): boolean => v === undefined || v === null || numberArray(v) !== REJECT

const jsonTopLogprob = (v: unknown): unknown => {
  if (!isJsonObject(v)) return REJECT
  const bytes = v.bytes
  if (typeof v.token !== "string" || typeof v.logprob !== "number" || !okBytes(bytes)) return REJECT
  if (bytes !== null) return v
  const out: Json = {}
  for (const key in v) {
    if (key !== "bytes") setOwn(out, key, v[key])
  }
  return out
}

const jsonTopLogprobs = arrayOf(jsonTopLogprob)

const jsonTokenLogprob = (v: unknown): unknown => {
  if (!isJsonObject(v)) return REJECT
  const bytes = v.bytes
  const top = v.top_logprobs
  if (typeof v.token !== "string" || typeof v.logprob !== "number" || !okBytes(bytes)) return REJECT
  let decodedTop = top
  if (top !== undefined && top !== null) {
    decodedTop = jsonTopLogprobs(top)
    if (decodedTop === REJECT) return REJECT
  }
  if (bytes !== null && top !== null && decodedTop === top) return v
  const out: Json = {}
  for (const key in v) {
    const value = v[key]
    if (key === "bytes") {
      if (value !== null) out.bytes = value
    } else if (key === "top_logprobs") {
      if (value !== null) out.top_logprobs = decodedTop
    } else setOwn(out, key, value)
  }
  return out
}

const jsonTokenLogprobs = arrayOf(jsonTokenLogprob)

const jsonLogprobs = (v: unknown): unknown => {
  if (!isJsonObject(v)) return REJECT
  const content = v.content
  const refusal = v.refusal
  let decodedContent = content
  if (content !== undefined && content !== null) {
    decodedContent = jsonTokenLogprobs(content)
    if (decodedContent === REJECT) return REJECT
  }
  let decodedRefusal = refusal
  if (refusal !== undefined && refusal !== null) {
    decodedRefusal = jsonTokenLogprobs(refusal)
    if (decodedRefusal === REJECT) return REJECT
  }
  if (content !== null && refusal !== null && decodedContent === content && decodedRefusal === refusal) return v
  const out: Json = {}
  for (const key in v) {
    const value = v[key]
    if (key === "content") {
      if (value !== null) out.content = decodedContent
    } else if (key === "refusal") {
      if (value !== null) out.refusal = decodedRefusal
    } else setOwn(out, key, value)
  }
  return out
}

const jsonDelta = (v: unknown): unknown => {
  if (!isJsonObject(v)) return REJECT
  const role = v.role
  const content = v.content
  const refusal = v.refusal
  const reasoningContent = v.reasoning_content
  const reasoning = v.reasoning
  const details = v.reasoning_details
  const calls = v.tool_calls
  if (!okString(role) || !okString(content) || !okString(refusal) || !okString(reasoningContent) || !okString(reasoning)) {
    return REJECT
  }
  if (details !== undefined && details !== null && !Array.isArray(details)) return REJECT
  let decodedCalls = calls
  if (calls !== undefined && calls !== null) {
    decodedCalls = jsonToolCalls(calls)
    if (decodedCalls === REJECT) return REJECT
  }
  if (
    role !== null && content !== null && refusal !== null && reasoningContent !== null && reasoning !== null &&
    details !== null && calls !== null && decodedCalls === calls
  ) return v
  const out: Json = {}
  for (const key in v) {
    const value = v[key]
    switch (key) {
      case "role":
      case "content":
      case "refusal":
      case "reasoning_content":
      case "reasoning":
      case "reasoning_details":
        if (value !== null) out[key] = value
        break
      case "tool_calls":
        if (value !== null) out.tool_calls = decodedCalls
        break
      default:
        setOwn(out, key, value)
    }
  }
  return out
}

const jsonChoice = (v: unknown): unknown => {
  if (!isJsonObject(v)) return REJECT
  const index = v.index
  const delta = v.delta
  const finishReason = v.finish_reason
  const lp = v.logprobs
  const u = v.usage
  if (index !== undefined && index !== null && !(typeof index === "number" && Number.isSafeInteger(index))) return REJECT
  if (!okString(finishReason)) return REJECT
  let decodedDelta = delta
  if (delta !== undefined && delta !== null) {
    decodedDelta = jsonDelta(delta)
    if (decodedDelta === REJECT) return REJECT
  }
  let decodedLogprobs = lp
  if (lp !== undefined && lp !== null) {
    decodedLogprobs = jsonLogprobs(lp)
    if (decodedLogprobs === REJECT) return REJECT
  }
  let decodedUsage = u
  if (u !== undefined && u !== null) {
    decodedUsage = usage(u)
    if (decodedUsage === REJECT) return REJECT
  }
  if (
    index !== undefined && index !== null && delta !== undefined && delta !== null && decodedDelta === delta &&
    finishReason !== null && lp !== null && decodedLogprobs === lp && u !== null && decodedUsage === u
  ) return v
  const out: Json = {}
  for (const key in v) {
    const value = v[key]
    switch (key) {
      case "index":
        out.index = value ?? 0
        break
      case "delta":
        out.delta = value === null ? {} : decodedDelta
        break
      case "finish_reason":
        if (value !== null) out.finish_reason = value
        break
      case "logprobs":
        if (value !== null) out.logprobs = decodedLogprobs
        break
      case "usage":
        if (value !== null) out.usage = decodedUsage
        break
      default:
        setOwn(out, key, value)
    }
  }
  if (index === undefined) out.index = 0
  if (delta === undefined) out.delta = {}
  return out
}

const jsonChoices = arrayOf(jsonChoice)

/** The check of a chunk straight from `JSON.parse`. */
export const jsonChunk = (v: unknown): unknown => {
  if (!isJsonObject(v)) return REJECT
  const id = v.id
  const object = v.object
  const created = v.created
  const model = v.model
  const choices = v.choices
  const u = v.usage
  const fingerprint = v.system_fingerprint
  const tier = v.service_tier
  if (!okString(id) || !okString(object) || !okString(model) || !okString(fingerprint) || !okString(tier)) {
    return REJECT
  }
  if (created !== undefined && created !== null && typeof created !== "number") return REJECT
  let decodedChoices = choices
  if (choices !== undefined && choices !== null) {
    decodedChoices = jsonChoices(choices)
    if (decodedChoices === REJECT) return REJECT
  }
  let decodedUsage = u
  if (u !== undefined && u !== null) {
    decodedUsage = usage(u)
    if (decodedUsage === REJECT) return REJECT
  }
  if (
    id !== undefined && id !== null && object !== null && created !== undefined && created !== null &&
    model !== undefined && model !== null && choices !== undefined && choices !== null &&
    decodedChoices === choices && u !== null && decodedUsage === u && fingerprint !== null && tier !== null
  ) return v
  const out: Json = {}
  for (const key in v) {
    const value = v[key]
    switch (key) {
      case "id":
      case "model":
        out[key] = value ?? ""
        break
      case "created":
        out.created = value ?? 0
        break
      case "choices":
        out.choices = value === null ? [] : decodedChoices
        break
      case "usage":
        if (value !== null) out.usage = decodedUsage
        break
      case "object":
      case "system_fingerprint":
      case "service_tier":
        if (value !== null) out[key] = value
        break
      default:
        setOwn(out, key, value)
    }
  }
  if (id === undefined) out.id = ""
  if (created === undefined) out.created = 0
  if (model === undefined) out.model = ""
  if (choices === undefined) out.choices = []
  return out
}
