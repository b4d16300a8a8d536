/**
 * The fields each level of a snapshot knows, how the unknown ones of a chunk
 * are carried over, and which snapshot objects hold more than their known
 * fields (`irregular`): shared by the choice, tool-call and header folds.
 *
 * Not public API.
 */
import { setOwn } from "./indexed.js"

// The fields each level knows; every other non-null field is carried over.
// Switches rather than `Set`s: the fold asks for every key of every chunk,
// and comparing interned strings is several times faster than hashing them.
/** @internal */
export type KnownKey = (key: string) => boolean

/** @internal */
export const KNOWN_CHUNK_KEY: KnownKey = (key) => {
  switch (key) {
    case "id":
    case "object":
    case "created":
    case "model":
    case "choices":
    case "usage":
    case "system_fingerprint":
    case "service_tier":
    case "obfuscation":
      return true
    default:
      return false
  }
}
// `message` is the snapshot's own: a chunk that sends one is not let replace it.
/** @internal */
export const KNOWN_CHOICE_KEY: KnownKey = (key) => {
  switch (key) {
    case "index":
    case "delta":
    case "finish_reason":
    case "logprobs":
    case "usage":
    case "message":
      return true
    default:
      return false
  }
}
/** @internal */
export const KNOWN_DELTA_KEY: KnownKey = (key) => {
  switch (key) {
    case "role":
    case "content":
    case "refusal":
    case "reasoning_content":
    case "reasoning":
    case "reasoning_details":
    case "tool_calls":
      return true
    default:
      return false
  }
}
/** @internal */
export const KNOWN_TOOL_CALL_KEY: KnownKey = (key) => key === "index" || key === "id" || key === "type" || key === "function"
/** @internal */
export const KNOWN_FUNCTION_KEY: KnownKey = (key) => key === "name" || key === "arguments"

/** @internal */
export const nonEmpty = (s: string | undefined): s is string => s !== undefined && s !== ""

/**
 * Copies the unknown, non-null fields of `from` onto `target` (last non-null
 * value wins).
 *
 * @internal
 */
export const mergeExtras = (
  target: Record<string, unknown>,
  from: Record<string, unknown>,
  known: KnownKey
): boolean => {
  let merged = false
  for (const key in from) {
    if (known(key)) continue
    const value = from[key]
    if (value !== null && value !== undefined) {
      setOwn(target, key, value)
      merged = true
    }
  }
  return merged
}

/**
 * The snapshot objects (header, choice, message, tool call) that hold more
 * than their known fields: unknown fields or lazy properties. Every other
 * snapshot object is copied with an object literal of its known fields, which
 * V8 runs an order of magnitude faster than a spread; these take the generic
 * copy, and so does every copy made from them.
 *
 * @internal
 */
export const irregular = new WeakSet<object>()

/** @internal */
export const markIrregular = <A extends object>(value: A): A => {
  irregular.add(value)
  return value
}

/** @internal */
export const hasExtras = (from: Record<string, unknown>, known: KnownKey): boolean => {
  for (const key in from) {
    if (!known(key) && from[key] !== null && from[key] !== undefined) return true
  }
  return false
}
