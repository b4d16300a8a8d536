/**
 * Incremental partial-JSON parsing: what the `partial-json` package
 * (0.1.7, `parse(text)` with the default `Allow.ALL`) returns for a JSON text
 * received in fragments, after every fragment, in linear total time.
 *
 * Re-parsing the accumulated text after each fragment is quadratic; a
 * {@link Parser} reads each fragment once and keeps its state. It agrees with
 * `partial-json` on every prefix of every text, quirks included:
 *
 * - the text is trimmed (`String.prototype.trim`), so an unterminated string
 *   loses its trailing spaces, and `none` is returned for blank text;
 * - partial literals (`tr` → `true`, `nu` → `null`, `-I` → `-Infinity`,
 *   `Na` → `NaN`) and partial numbers (`1e` → `1`, `[1.` → `[]`, `-` → none);
 * - unterminated strings are cut before an unfinished escape (`"ab\u00` →
 *   `"ab"`, `"ab\x` → `"ab"`);
 * - anything after the top-level value is ignored (`[1] x` → `[1]`), and an
 *   error inside a container closes it with what it holds and lets the parent
 *   carry on from there (`{"a" 1}` → `{}`, `[1 2]` → `[]`, `[[ ], 1]` →
 *   `[[]]`);
 * - a number that only parses up to its last `e` (`[1e, 2]` → `[1, 2]`)
 *   stops parsing once an `e` appears anywhere later in the text
 *   (`[1e, 2, "e"]` → `[]`), so such a value can change retroactively.
 *
 * One deliberate difference: partial-json assigns members with
 * `obj[key] = value`, so a `"__proto__"` key replaces the object's prototype
 * (when its value is an object or `null`) instead of creating a member. Here,
 * as in `JSON.parse`, it is an own property and prototypes never change.
 *
 * Values handed out are frozen and never change afterwards; finished parts
 * are shared between successive values, and a value is only built when it
 * is first read (see {@link value}).
 *
 * The parser uses no recursion, so any nesting depth works: 100,000 nested
 * arrays give 100,000 nested arrays. There it differs from partial-json, whose
 * recursion overflows the call stack past a few thousand levels (about 4,800
 * with Node's default stack); its containers catch that `RangeError` like any
 * other error, so it silently returns a truncated value.
 *
 * Costs: along a linear history (each parser fed once) `feed` costs the
 * length of the fragment and O(1) more: it records where the value stands
 * (the innermost open container, how many children it has, the open token)
 * without copying anything. The value is built on its first read, whenever
 * that is (before or after later feeds, after the stream ended): the
 * open containers from the root to the innermost are copied (their direct
 * children; finished containers are shared), plus the unfinished number at
 * the end, if any; later reads give the same object. A value nobody reads
 * costs nothing, so a consumer that only wants the finished document pays
 * the parse alone. One that reads the value after every fragment of an array
 * that grows to n items pays for n fresh arrays of up to n items: that is
 * the price of a plain immutable array per value; to read such an array as
 * it grows in linear time, append the items yourself (for tool calls, from
 * `argumentsDelta`), or ask a value only now and then. Two cases read the
 * whole text again: feeding a parser that is not the latest of its line (a
 * fork), and, once per such number, the `e` that invalidates a number parsed
 * up to its last `e` (see above).
 *
 * @since 0.1.0
 */
import type * as Option from "effect/Option"
import { dual } from "effect/Function"
import type { Pipeable } from "effect/Pipeable"
import * as internal from "./internal/partialJson.js"

/**
 * @example
 * ```ts
 * import { PartialJson } from "effect-chat-stream"
 *
 * PartialJson.TypeId in PartialJson.empty // true
 * ```
 *
 * @since 0.1.0
 * @category symbols
 */
export const TypeId: typeof internal.TypeId = internal.TypeId

/**
 * The type of `TypeId`.
 *
 * @example
 * ```ts
 * import { PartialJson } from "effect-chat-stream"
 *
 * const hasTypeId = (u: object): u is { readonly [PartialJson.TypeId]: PartialJson.TypeId } => PartialJson.TypeId in u
 * ```
 *
 * @since 0.1.0
 * @category symbols
 */
export type TypeId = typeof TypeId

/**
 * An immutable, opaque parser state: the text read so far. Feeding it returns
 * a new `Parser` and leaves this one valid, so a parser can be fed two
 * different continuations.
 *
 * @example
 * ```ts
 * import { PartialJson } from "effect-chat-stream"
 *
 * const parser = PartialJson.feed(PartialJson.empty, "[1, 2")
 * console.log(parser.text) // "[1, 2"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Parser extends Pipeable {
  readonly [TypeId]: TypeId
  /** Everything fed so far. */
  readonly text: string
}

/**
 * Whether a value is a {@link Parser}.
 *
 * @example
 * ```ts
 * import { PartialJson } from "effect-chat-stream"
 *
 * console.log(PartialJson.isParser(PartialJson.empty)) // true
 * console.log(PartialJson.isParser({ text: "" })) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isParser = (u: unknown): u is Parser => u instanceof internal.ParserImpl

/**
 * The parser that has read nothing.
 *
 * @example
 * ```ts
 * import { Option } from "effect"
 * import { PartialJson } from "effect-chat-stream"
 *
 * console.log(Option.isNone(PartialJson.value(PartialJson.empty))) // true
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: Parser = internal.empty

/**
 * Reads one more fragment. Returns a new parser; `self` stays valid.
 *
 * Along a linear history (each parser fed at most once) the work is
 * proportional to the fragment. Feeding a parser a second time (a fork) reads
 * its text again, once.
 *
 * @example
 * ```ts
 * import { pipe } from "effect"
 * import { PartialJson } from "effect-chat-stream"
 *
 * const a = PartialJson.feed(PartialJson.empty, '{"city": "Par')
 * const b = pipe(a, PartialJson.feed('is", "days": 3}'))
 * console.log(PartialJson.value(a)) // { _id: 'Option', _tag: 'Some', value: { city: 'Par' } }
 * console.log(PartialJson.value(b)) // { _id: 'Option', _tag: 'Some', value: { city: 'Paris', days: 3 } }
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const feed: {
  (delta: string): (self: Parser) => Parser
  (self: Parser, delta: string): Parser
} = dual(2, (self: Parser, delta: string): Parser => (self as internal.ParserImpl).feed(delta))

/**
 * What `partial-json`'s `parse(self.text)` returns, or `none` where it
 * throws.
 *
 * The value (arrays and plain objects, frozen) never changes afterwards.
 * Containers that were already finished are shared with earlier and later
 * values; only the open containers, from the root to the innermost one, are
 * fresh shallow copies, made when the option's `value` is first read (the
 * option itself, and whether it is `some`, is known at once), and the same
 * object on every read after. It does not matter when it is read: a parser
 * that has been fed since still gives its own value, without reading its
 * text again.
 *
 * @example
 * ```ts
 * import { PartialJson } from "effect-chat-stream"
 *
 * const parser = PartialJson.feed(PartialJson.empty, '{"items": [1, tr')
 * console.log(PartialJson.value(parser)) // { _id: 'Option', _tag: 'Some', value: { items: [ 1, true ] } }
 * ```
 *
 * @since 0.1.0
 * @category getters
 */
export const value = (self: Parser): Option.Option<unknown> => (self as internal.ParserImpl).value()

/**
 * Parses a whole text at once: `Option.some` of what `partial-json`'s
 * `parse(text)` returns, `Option.none()` where it throws.
 *
 * @example
 * ```ts
 * import { PartialJson } from "effect-chat-stream"
 *
 * console.log(PartialJson.parse('{"a": [1, 2], "b": "hel')) // { _id: 'Option', _tag: 'Some', value: { a: [ 1, 2 ], b: 'hel' } }
 * console.log(PartialJson.parse('{"a" 1}')) // { _id: 'Option', _tag: 'Some', value: {} }
 * console.log(PartialJson.parse("-")) // { _id: 'Option', _tag: 'None' }
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (text: string): Option.Option<unknown> => value(feed(empty, text))
