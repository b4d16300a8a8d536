/**
 * JSON text for values nested deeper than `JSON.stringify`'s recursion allows.
 *
 * @internal
 */

/** A container being written: its keys (none for an array) and the next position. */
interface Open {
  readonly value: object
  readonly keys: ReadonlyArray<string> | undefined
  next: number
  /** Whether a member was written (for the comma). */
  written: boolean
}

/** The value `JSON.stringify` writes for `value`: its `toJSON(key)` if any, then boxed primitives unboxed. */
const toJsonOf = (value: unknown, key: string): unknown => {
  const own = typeof value === "object" && value !== null && typeof (value as { toJSON?: unknown }).toJSON === "function"
    ? (value as { toJSON: (key: string) => unknown }).toJSON(key)
    : value
  if (own instanceof Number) return Number(own)
  if (own instanceof String) return String(own)
  if (own instanceof Boolean) return own.valueOf()
  return own
}

/** What `JSON.stringify` writes for a value that is not an object or array; `undefined` when it omits it. */
const scalarText = (value: unknown): string | undefined => {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value)
    case "number":
      return Number.isFinite(value) ? String(value) : "null"
    case "boolean":
      return value ? "true" : "false"
    case "bigint":
      throw new TypeError("Do not know how to serialize a BigInt")
    case "undefined":
    case "function":
    case "symbol":
      return undefined
    default:
      return value === null ? "null" : undefined
  }
}

/**
 * What `JSON.stringify(root)` returns for JSON-like data (`toJSON` honoured,
 * `undefined`, functions and symbols omitted or written as `null` in
 * arrays, non-finite numbers as `null`), written by a loop with an explicit
 * stack, so any depth works. `root` must be an object or array.
 *
 * @internal
 */
export const stringifyIteratively = (root: unknown): string => {
  const out: Array<string> = []
  const stack: Array<Open> = []
  const inProgress = new Set<object>()
  /** Writes a scalar, or opens a container; false when the value is omitted. */
  const begin = (value: unknown): boolean => {
    if (typeof value !== "object" || value === null) {
      const text = scalarText(value)
      if (text === undefined) return false
      out.push(text)
      return true
    }
    if (inProgress.has(value)) throw new TypeError("Converting circular structure to JSON")
    inProgress.add(value)
    const isArray = Array.isArray(value)
    out.push(isArray ? "[" : "{")
    stack.push({ value, keys: isArray ? undefined : Object.keys(value), next: 0, written: false })
    return true
  }
  // Only reached after JSON.stringify overflowed, so the root is a container.
  begin(toJsonOf(root, ""))
  while (stack.length > 0) {
    const top = stack[stack.length - 1]
    if (top.keys === undefined) {
      const array = top.value as ReadonlyArray<unknown>
      if (top.next >= array.length) {
        out.push("]")
        inProgress.delete(top.value)
        stack.pop()
        continue
      }
      const i = top.next++
      if (top.written) out.push(",")
      top.written = true
      // An omitted array element is written as null.
      if (!begin(toJsonOf(array[i], String(i)))) out.push("null")
    } else {
      if (top.next >= top.keys.length) {
        out.push("}")
        inProgress.delete(top.value)
        stack.pop()
        continue
      }
      const key = top.keys[top.next++]
      const member = toJsonOf((top.value as Record<string, unknown>)[key], key)
      // An omitted member (undefined, a function, a symbol) leaves no trace, comma included.
      if (typeof member === "undefined" || typeof member === "function" || typeof member === "symbol") continue
      out.push(top.written ? "," : "", JSON.stringify(key), ":")
      top.written = true
      begin(member)
    }
  }
  return out.join("")
}
