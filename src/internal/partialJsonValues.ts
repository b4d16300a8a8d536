/**
 * The values the partial-JSON engine hands out: its open containers
 * (`Frame`), the O(1) past states of an engine (`Capture`), the plain value a
 * capture stands for (`materialize`, fresh frozen shallow copies of the open
 * containers) and the lazy `Option.some` that builds it on first read.
 *
 * ## Values handed out
 *
 * Finished containers are frozen once, when they close, and shared from then
 * on. Open containers only grow while open, so a past state of one is its
 * member count. After every fragment the engine takes a `Capture` in O(1):
 * the innermost open frame (frames are linked to their parents, each with the
 * parent's count when it opened), its count and key, and the open token. The
 * value is built from the capture when first read (`materialize`): a fresh,
 * frozen shallow copy of each open container, innermost first, cut to its
 * count and given the value of its open child; nothing finished is walked
 * again. So feeding costs the fragment, a value nobody reads costs nothing,
 * and one that is read costs the direct children of its open containers,
 * whenever it is read; an unchanged state gives the same capture (and value)
 * again.
 *
 * Keys are set as own data properties: a `"__proto__"` key becomes an own
 * property (like `JSON.parse`) and never changes a prototype. (partial-json
 * assigns `obj[key] = value`, which for `"__proto__"` sets the prototype
 * instead; see the `PartialJson` module.)
 *
 * Not public API. (This comment carries no internal tag: it would strip the
 * import below it from the published declarations.)
 */

import * as Option from "effect/Option"
import { NONE, numberTokenValue, type Result } from "./partialJsonToken.js"

/**
 * Sets `key` as an own data property, as `JSON.parse` does: assignment would
 * run `Object.prototype`'s `__proto__` setter.
 */
export const setKey = (obj: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true })
  } else {
    obj[key] = value
  }
}

/**
 * A shallow copy of a plain object. `Object.assign` is much faster than a
 * spread that is then extended (V8 does not cache the spread's map
 * transitions), but it assigns, so an own `"__proto__"` needs the slow way.
 */
const copyObject = (obj: Record<string, unknown>, hasProtoKey: boolean): Record<string, unknown> => {
  if (!hasProtoKey) return Object.assign({}, obj)
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(obj)) setKey(copy, key, obj[key])
  return copy
}

/**
 * An open container. Its children only ever grow while it is open, so a
 * capture can name a past state of it by its member count: for an array the
 * first `count` items of `container`; for an object the first `count`
 * entries of `log` (duplicate keys make the live object differ from that
 * prefix, so objects keep their members in order as well).
 *
 * Frames are linked to their parent, and a frame records the parent's count
 * and key when it was opened: while a frame is open its parent does not
 * change, so the innermost frame, its count and key, and the open token
 * describe the whole partial value (see {@link Capture}).
 */
export class Frame {
  /** The member key whose value is being parsed (objects only). */
  key = ""
  /** Whether the object has an own `"__proto__"` member. */
  hasProtoKey = false
  /** Children delivered: the array's length, or the object's members (duplicates included). */
  count = 0
  /** Objects: `key0, value0, key1, value1, ...`, every member in delivery order. */
  readonly log: Array<unknown> | undefined
  constructor(
    readonly isArray: boolean,
    /** Finished children: an array, or a plain object. Frozen when the frame closes. */
    readonly container: Array<unknown> | Record<string, unknown>,
    readonly parent: Frame | undefined,
    /** The parent's `count` when this frame opened: where this frame's value goes. */
    readonly parentCount: number,
    /** The parent's `key` when this frame opened (objects). */
    readonly parentKey: string
  ) {
    this.log = isArray ? undefined : []
  }

  /** A new frame: the outermost one, or a child of `parent` at its current count and key. */
  static open(parent: Frame | undefined, isArray: boolean, container: Array<unknown> | Record<string, unknown>): Frame {
    return parent === undefined
      ? new Frame(isArray, container, undefined, 0, "")
      : new Frame(isArray, container, parent, parent.count, parent.key)
  }
}

/**
 * A past state of an engine whose stack was not empty: the innermost open
 * frame with its count and key, and the value of the open token. O(1) to take;
 * {@link materialize} builds the plain value.
 */
export class Capture {
  constructor(
    readonly frame: Frame,
    readonly count: number,
    readonly key: string,
    /** The open token's value (NONE for none), or NONE with `number` set. */
    readonly child: Result,
    /** An open number token, evaluated when materialised: `[state, text, textBeforeE]`. */
    readonly numberState: number,
    readonly numberText: string,
    readonly numberBeforeE: string | undefined
  ) {}
}

/**
 * Children copied into values handed out, counted for the tests that hold
 * the library to "a value nobody reads costs nothing, one that is read costs
 * its open containers' width". One addition per container copied.
 *
 * @internal
 */
export const work = { copied: 0 }

/** An array frame's value at `count` items, followed by `child` unless NONE: a fresh frozen array. */
const arrayAt = (items: Array<unknown>, count: number, child: Result): ReadonlyArray<unknown> => {
  // Each allocates the exact length, which keeps `freeze` cheap; `concat`
  // copies a long array fastest, but costs a fixed 100–150 ns more than a
  // spread on a short one.
  work.copied += child === NONE ? count : count + 1
  if (child === NONE) return Object.freeze(count === items.length ? items.slice() : items.slice(0, count))
  if (count === items.length) return Object.freeze(count < 64 ? [...items, child] : items.concat([child]))
  const copy = items.slice(0, count + 1)
  copy[count] = child
  return Object.freeze(copy)
}

/** An object frame's value at `count` members, with `child` under `key` unless NONE: a fresh frozen object. */
const objectAt = (frame: Frame, count: number, key: string, child: Result): Readonly<Record<string, unknown>> => {
  let copy: Record<string, unknown>
  work.copied += child === NONE ? count : count + 1
  if (count === frame.count) {
    copy = copyObject(frame.container as Record<string, unknown>, frame.hasProtoKey)
  } else {
    // Members came since: replay the first `count` of them.
    copy = {}
    const log = frame.log!
    for (let i = 0; i < 2 * count; i += 2) setKey(copy, log[i] as string, log[i + 1])
  }
  if (child !== NONE) setKey(copy, key, child)
  return Object.freeze(copy)
}

/**
 * The plain value a capture stands for: the open containers copied, innermost
 * first, each with the value of its open child. A loop over the parent links:
 * no recursion on the depth.
 */
const materialize = (capture: Capture): unknown => {
  let child = capture.child
  if (child === NONE && capture.numberText !== "") {
    child = numberTokenValue(capture.numberState, capture.numberText, capture.numberBeforeE)
  }
  let frame: Frame | undefined = capture.frame
  let count = capture.count
  let key = capture.key
  while (frame !== undefined) {
    child = frame.isArray
      ? arrayAt(frame.container as Array<unknown>, count, child)
      : objectAt(frame, count, key, child)
    count = frame.parentCount
    key = frame.parentKey
    frame = frame.parent
  }
  return child
}

/**
 * `Option.some` of a capture's value, built on the first read of `value` and
 * the same object after. `value` is an own enumerable accessor, so the
 * option reads like any `Option.some` to `Equal`, `toJSON`, Schema encoding,
 * `JSON.stringify`, spreads and test matchers that compare own properties.
 */
const lazyValue: PropertyDescriptor = { enumerable: true, configurable: false }

export class LazySome {
  #capture: Capture | undefined
  #value: unknown = undefined
  constructor(capture: Capture) {
    this.#capture = capture
    Object.defineProperty(this, "value", lazyValue)
  }
  static {
    lazyValue.get = function(this: LazySome) {
      const capture = this.#capture
      if (capture !== undefined) {
        this.#value = materialize(capture)
        this.#capture = undefined // the frames it held can go
      }
      return this.#value
    }
  }
}
const SomeProto = Object.getPrototypeOf(Option.some(undefined))
Object.setPrototypeOf(LazySome.prototype, SomeProto)
// Matchers that compare iterables (an `Option` is one) compare constructors too.
Object.defineProperty(LazySome.prototype, "constructor", { value: SomeProto.constructor, writable: true, configurable: true })
