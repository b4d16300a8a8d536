/**
 * The incremental engine behind `PartialJson`: a push-down automaton that
 * reproduces `partial-json`'s `parse(text)` (0.1.7, `Allow.ALL`) on every
 * prefix, fed one fragment at a time.
 *
 * ## How partial-json works, and what this engine mirrors
 *
 * partial-json trims the text (JavaScript `trim`, so every Unicode space)
 * and runs a recursive descent that never checks what follows the top-level
 * value. Its containers catch every error thrown inside them and return what
 * they hold so far, leaving the index where the error was thrown; the parent
 * then carries on parsing *from that index*. So an error deep inside does not
 * end the parse: it closes the innermost container early and the parent
 * re-reads the offending character. This engine keeps the descent as an
 * explicit stack of open containers plus one `mode` for the innermost context,
 * and "closes a frame without consuming the character" wherever partial-json
 * returns from a `catch`.
 *
 * Tokens (see the `mode` constants):
 * - strings: scanned to the next quote not preceded by an escaping backslash,
 *   then `JSON.parse`d. Unterminated (at the end of the text): `JSON.parse` of
 *   the content (a trailing lone backslash dropped) plus `"`, else of the
 *   content up to the last backslash of the text plus `"`, else it throws.
 *   The engine decodes the content as it arrives (appending decoded runs, so a
 *   long string is a V8 rope, never re-sliced) and keeps, at each escaping
 *   backslash, the decoded content before it for that fallback.
 * - scalars: `null`, `true`, `false`, `Infinity`, `-Infinity`, `NaN` when the
 *   next characters spell them (anything may follow), or when the rest of the
 *   text is a proper prefix of them (`-Infinity` needs two characters);
 *   otherwise a number token: inside a container everything up to the next
 *   `,`, `]` or `}` (spaces and garbage included), at top level the whole rest
 *   of the text. Its value is `JSON.parse(token)`, else `JSON.parse` of the
 *   text from the token start to the last `e` of the *whole text*. The latter
 *   only succeeds when that `e` lies in the token (`[1e` → `[1]`, `[1 e]` →
 *   `[1]`), so a later `e` anywhere in the text (a string, a `true`...)
 *   retroactively turns a finished token like `1e,` into an error. The engine
 *   records that such a "fragile" token exists; the `Parser` rebuilds the
 *   engine from the whole text when a fragment with an `e` arrives after it
 *   (a rebuild sees the whole text, so it decides right away).
 * - objects: after `{` blanks are skipped, then at each loop head a `}` closes
 *   the object; otherwise blanks are skipped and a key is read *from whatever
 *   character is there* (its first character is skipped as if it were a
 *   quote; a key not starting with `"` always fails to parse), blanks are
 *   skipped, one character is skipped as "the colon" (whatever it is), and a
 *   value is parsed; then blanks and an optional comma. No blank is skipped
 *   between a comma and the loop head, so `{"a":1, }` reads `}` as a key.
 * - arrays: at each loop head `]` closes (no blank skipped first: `[ ]` parses
 *   `]` as an empty number token, which fails and returns `[]` *without*
 *   consuming the `]`), otherwise a value, blanks and an optional comma.
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
 * Nothing here recurses on the input's depth.
 *
 * Not public API. (This comment carries no internal tag: it would strip the
 * import below it from the published declarations.)
 */

import * as Option from "effect/Option"
import { format, NodeInspectSymbol } from "effect/Inspectable"
import { type Pipeable, pipeArguments } from "effect/Pipeable"

// ---------------------------------------------------------------------------
// Character classes
// ---------------------------------------------------------------------------

const QUOTE = 34 // "
const BACKSLASH = 92 // \
const COMMA = 44 // ,
const LBRACKET = 91 // [
const RBRACKET = 93 // ]
const LBRACE = 123 // {
const RBRACE = 125 // }
const LOWER_E = 101 // e

/** partial-json's `skipBlank` set: space, \n, \r, \t. */
const isBlank = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9

/** Exactly the code units `String.prototype.trim` removes. */
const isTrimmed = (c: number): boolean =>
  c < 128
    ? c === 32 || (c >= 9 && c <= 13)
    : c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
      c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff

const hexValue = (c: number): number =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1

// ---------------------------------------------------------------------------
// Modes of the innermost context
// ---------------------------------------------------------------------------

/** Nothing but (trimmed) whitespace so far. */
const LEADING = 0
/** The top-level value is finished (or failed); the rest is ignored. */
const DONE = 1
/** A value is expected: skip blanks, then dispatch on the character. */
const ANY = 2
/** Inside a value string. */
const STR = 3
/** A scalar token that still spells a literal (`tLit`). */
const LIT = 4
/** A number token (anything up to `,` `]` `}`; at top level, to the end). */
const NUM = 5
/** Array loop head: `]` closes, anything else starts a value. */
const A_HEAD = 6
/** After an array element: skip blanks, an optional comma, then the loop head. */
const A_AFTER = 7
/** After `{`: skip blanks, then the loop head. */
const O_START = 8
/** Object loop head: `}` closes, anything else starts a key. */
const O_HEAD = 9
/** Skip blanks before a key. */
const O_KEY_WS = 10
/** Inside a key that began with `"`. */
const O_KEY = 11
/** Inside a "key" that began with something else: it fails at its closing quote. */
const O_BAD_KEY = 12
/** After a key: skip blanks, then skip one character (the colon, or not). */
const O_COLON = 13
/** After a member: skip blanks, an optional comma, then the loop head. */
const O_AFTER = 14

// Number automaton: a JSON number followed by JSON blanks, i.e. exactly the
// token texts `JSON.parse` accepts (the token never starts with a blank).
const N_START = 0
const N_MINUS = 1
const N_ZERO = 2
const N_INT = 3
const N_DOT = 4
const N_FRAC = 5
const N_EXP = 6
const N_EXP_SIGN = 7
const N_EXP_DIGITS = 8
const N_BLANKS = 9
const N_DEAD = 10

const isAccepting = (s: number): boolean =>
  s === N_ZERO || s === N_INT || s === N_FRAC || s === N_EXP_DIGITS || s === N_BLANKS

/** The literal a scalar token may spell, by its first character. */
const literalFor = (c: number): string => {
  switch (c) {
    case 110: // n
      return "null"
    case 116: // t
      return "true"
    case 102: // f
      return "false"
    case 73: // I
      return "Infinity"
    case 45: // -
      return "-Infinity"
    case 78: // N
      return "NaN"
    default:
      return ""
  }
}

const literalValue = (literal: string): unknown => {
  switch (literal) {
    case "null":
      return null
    case "true":
      return true
    case "false":
      return false
    case "Infinity":
      return Infinity
    case "-Infinity":
      return -Infinity
    default:
      return NaN
  }
}

/** "No value": the token failed, or there is no token. */
const NONE: unique symbol = Symbol("PartialJson/NONE")
type Result = unknown

/**
 * Sets `key` as an own data property, as `JSON.parse` does: assignment would
 * run `Object.prototype`'s `__proto__` setter.
 */
const setKey = (obj: Record<string, unknown>, key: string, value: unknown): void => {
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
class Frame {
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
}

/**
 * A past state of an engine whose stack was not empty: the innermost open
 * frame with its count and key, and the value of the open token. O(1) to take;
 * {@link materialize} builds the plain value.
 */
class Capture {
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

/** The value of a number token: `JSON.parse` of it, else of its text before its last `e`, else NONE. */
const numberTokenValue = (state: number, text: string, beforeE: string | undefined): Result =>
  isAccepting(state) ? JSON.parse(text) : beforeE === undefined ? NONE : JSON.parse(beforeE)

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

class LazySome {
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

/**
 * The mutable parse state. `Parser` values share one engine along a linear
 * history and never expose it.
 */
export class Engine {
  /** Bumped on every in-place advance; a `Parser` is current iff it holds the engine's version. */
  version = 0
  /** Absolute count of characters consumed (all but trailing trimmed whitespace). */
  private pos = 0
  /** Trailing whitespace not consumed yet: trimmed away unless more text follows. */
  private pending = ""
  /** Absolute index of the last `e` of the text, or -1. */
  private lastE = -1
  /**
   * Whether a finished number token got its value from the last-`e` fallback:
   * any later `e` makes it fail, which only a rebuild can account for.
   */
  fragile = false

  private mode = LEADING
  private readonly stack: Array<Frame> = []
  private doneOk = false
  private doneValue: unknown = undefined
  /** Bumped whenever a container changes (a value delivered, a frame pushed or closed). */
  private structure = 0
  /** What the last capture compared, and gave: an unchanged state gives the same option again. */
  private capturedStructure = -1
  private capturedChild: Result = NONE
  private capturedKey = ""
  private capturedNumber = ""
  private capturedNumberState = N_START
  private capturedBeforeE: string | undefined = undefined
  private captured: Option.Option<unknown> = Option.none()

  // String decoder (value strings and keys).
  private sValid = true
  /** 0: plain, 1: after an escaping backslash, 2..5: in `\u` after (sEsc - 2) hex digits. */
  private sEsc = 0
  private sHex = 0
  private sDecoded = ""
  /** Decoded content before the last backslash, when `JSON.parse` would accept it. */
  private sBeforeBackslash: string | undefined = undefined
  /** A bad key's scanner: whether the previous character escapes a quote. */
  private badKeyEscape = false

  // Scalar token.
  private tLit = ""
  private tLitMatched = 0
  private nState = N_START
  private nText = ""
  /** The number text before the token's last `e`, when `JSON.parse` would accept it. */
  private nBeforeE: string | undefined = undefined

  /** An engine that has read `text`. */
  static fromText(text: string): Engine {
    const engine = new Engine()
    engine.advance(text, 0)
    return engine
  }

  /**
   * Reads `delta`, whose first character has absolute index `offset`. The
   * trailing trimmed whitespace is kept aside: partial-json trims the text, so
   * those characters only count once something else follows.
   */
  advance(delta: string, offset: number): void {
    const e = delta.lastIndexOf("e")
    if (e >= 0) this.lastE = offset + e
    let end = delta.length
    while (end > 0 && isTrimmed(delta.charCodeAt(end - 1))) end--
    if (end === 0) {
      this.pending += delta
      return
    }
    const head = end === delta.length ? delta : delta.slice(0, end)
    const chunk = this.pending.length === 0 ? head : this.pending + head
    this.pending = end === delta.length ? "" : delta.slice(end)
    const base = this.pos
    this.pos = offset + end
    if (this.mode !== DONE) this.run(chunk, base)
  }

  /** Runs the automaton over `chunk`, whose first character has absolute index `base`. */
  private run(chunk: string, base: number): void {
    const n = chunk.length
    let i = 0
    while (i < n) {
      const c = chunk.charCodeAt(i)
      // Each case consumes `c` (i++) or switches mode and lets the loop
      // re-read `c` in the new mode (where partial-json returns without
      // advancing its index). Every re-read either consumes or pops a frame.
      switch (this.mode) {
        case LEADING: {
          if (isTrimmed(c)) i++
          else if (this.startValue(c)) i++
          break
        }
        case DONE: {
          return
        }
        case ANY: {
          if (isBlank(c)) i++
          else if (this.startValue(c)) i++
          break
        }
        case STR:
        case O_KEY: {
          if (this.sEsc === 0) {
            // Fast path: append the run of plain characters at once.
            let j = i
            while (j < n) {
              const d = chunk.charCodeAt(j)
              if (d === QUOTE || d === BACKSLASH || d < 32) break
              j++
            }
            if (j > i) {
              if (this.sValid) this.sDecoded += chunk.slice(i, j)
              i = j
              break
            }
          }
          i++
          this.stringChar(c)
          break
        }
        case O_BAD_KEY: {
          i++
          if (c === QUOTE && !this.badKeyEscape) this.fail()
          else this.badKeyEscape = c === BACKSLASH ? !this.badKeyEscape : false
          break
        }
        case LIT: {
          if (c === this.tLit.charCodeAt(this.tLitMatched)) {
            i++
            this.numberChar(c)
            if (++this.tLitMatched === this.tLit.length) this.deliver(literalValue(this.tLit))
          } else {
            this.mode = NUM
          }
          break
        }
        case NUM: {
          if ((c === COMMA || c === RBRACKET || c === RBRACE) && this.stack.length > 0) {
            // The token ends here; the delimiter is read again by what follows.
            const v = this.numberValue(base + i)
            if (v === NONE) this.fail()
            else this.deliver(v)
          } else {
            i++
            this.numberChar(c)
          }
          break
        }
        case A_HEAD: {
          if (c === RBRACKET) {
            i++
            this.closeFrame()
          } else {
            this.mode = ANY
          }
          break
        }
        case A_AFTER: {
          if (isBlank(c)) i++
          else if (c === COMMA) {
            i++
            this.mode = A_HEAD
          } else this.mode = A_HEAD
          break
        }
        case O_START: {
          if (isBlank(c)) i++
          else this.mode = O_HEAD
          break
        }
        case O_HEAD: {
          if (c === RBRACE) {
            i++
            this.closeFrame()
          } else {
            this.mode = O_KEY_WS
          }
          break
        }
        case O_KEY_WS: {
          i++
          if (isBlank(c)) break
          if (c === QUOTE) {
            this.startString()
            this.mode = O_KEY
          } else {
            // partial-json skips the first character as if it were a quote.
            this.badKeyEscape = false
            this.mode = O_BAD_KEY
          }
          break
        }
        case O_COLON: {
          i++
          if (!isBlank(c)) this.mode = ANY
          break
        }
        case O_AFTER: {
          if (isBlank(c)) i++
          else if (c === COMMA) {
            i++
            this.mode = O_HEAD
          } else this.mode = O_HEAD
          break
        }
      }
    }
  }

  /** Starts a value at `c` (not blank). Returns whether `c` was consumed. */
  private startValue(c: number): boolean {
    if (c === QUOTE) {
      this.startString()
      this.mode = STR
      return true
    }
    if (c === LBRACE) {
      this.structure++
      this.pushFrame(false, {})
      this.mode = O_START
      return true
    }
    if (c === LBRACKET) {
      this.structure++
      this.pushFrame(true, [])
      this.mode = A_HEAD
      return true
    }
    this.nState = N_START
    this.nText = ""
    this.nBeforeE = undefined
    this.tLit = literalFor(c)
    this.tLitMatched = 0
    this.mode = this.tLit === "" ? NUM : LIT
    return false
  }

  private pushFrame(isArray: boolean, container: Array<unknown> | Record<string, unknown>): void {
    const stack = this.stack
    const parent = stack.length === 0 ? undefined : stack[stack.length - 1]
    stack.push(
      parent === undefined
        ? new Frame(isArray, container, undefined, 0, "")
        : new Frame(isArray, container, parent, parent.count, parent.key)
    )
  }

  private startString(): void {
    this.sValid = true
    this.sEsc = 0
    this.sDecoded = ""
    this.sBeforeBackslash = undefined
  }

  /** One string character that is a quote, a backslash, a control character, or follows a backslash. */
  private stringChar(c: number): void {
    const esc = this.sEsc
    if (esc === 0) {
      if (c === QUOTE) this.endString()
      else if (c === BACKSLASH) {
        this.sBeforeBackslash = this.sValid ? this.sDecoded : undefined
        this.sEsc = 1
      } else this.sValid = false // a raw control character
    } else if (esc === 1) {
      this.sEsc = 0
      let s: string
      switch (c) {
        case QUOTE:
          s = "\""
          break
        case BACKSLASH:
          // This backslash is now the text's last one; the content before it
          // ends with an escaping backslash, which JSON.parse rejects.
          this.sBeforeBackslash = undefined
          s = "\\"
          break
        case 47:
          s = "/"
          break
        case 98:
          s = "\b"
          break
        case 102:
          s = "\f"
          break
        case 110:
          s = "\n"
          break
        case 114:
          s = "\r"
          break
        case 116:
          s = "\t"
          break
        case 117: // u
          this.sEsc = 2
          this.sHex = 0
          return
        default:
          this.sValid = false
          return
      }
      if (this.sValid) this.sDecoded += s
    } else {
      const h = hexValue(c)
      if (h >= 0) {
        this.sHex = this.sHex * 16 + h
        if (esc === 5) {
          this.sEsc = 0
          if (this.sValid) this.sDecoded += String.fromCharCode(this.sHex)
        } else this.sEsc = esc + 1
      } else {
        // An incomplete `\u` escape: the string can no longer parse.
        this.sValid = false
        this.sEsc = 0
        if (c === QUOTE) this.endString()
        else if (c === BACKSLASH) {
          this.sBeforeBackslash = undefined
          this.sEsc = 1
        }
      }
    }
  }

  /** The closing quote of a string or key. */
  private endString(): void {
    if (!this.sValid) this.fail()
    else if (this.mode === STR) this.deliver(this.sDecoded)
    else {
      this.stack[this.stack.length - 1].key = this.sDecoded
      this.mode = O_COLON
    }
  }

  /** The value of an unterminated string at the end of the text, or NONE. */
  private stringAtEnd(): Result {
    // First attempt: the content, a trailing escaping backslash dropped.
    if (this.sValid && this.sEsc <= 1) return this.sDecoded
    // Fallback: the content up to the last backslash.
    return this.sBeforeBackslash === undefined ? NONE : this.sBeforeBackslash
  }

  private numberChar(c: number): void {
    const s = this.nState
    if (c === LOWER_E) this.nBeforeE = isAccepting(s) ? this.nText : undefined
    let next = N_DEAD
    const digit = c >= 48 && c <= 57
    switch (s) {
      case N_START:
        next = c === 45 ? N_MINUS : c === 48 ? N_ZERO : digit ? N_INT : N_DEAD
        break
      case N_MINUS:
        next = c === 48 ? N_ZERO : digit ? N_INT : N_DEAD
        break
      case N_ZERO:
      case N_INT:
        next = digit && s === N_INT
          ? N_INT
          : c === 46
          ? N_DOT
          : c === LOWER_E || c === 69
          ? N_EXP
          : isBlank(c)
          ? N_BLANKS
          : N_DEAD
        break
      case N_DOT:
        next = digit ? N_FRAC : N_DEAD
        break
      case N_FRAC:
        next = digit ? N_FRAC : c === LOWER_E || c === 69 ? N_EXP : isBlank(c) ? N_BLANKS : N_DEAD
        break
      case N_EXP:
        next = c === 43 || c === 45 ? N_EXP_SIGN : digit ? N_EXP_DIGITS : N_DEAD
        break
      case N_EXP_SIGN:
      case N_EXP_DIGITS:
        next = digit ? N_EXP_DIGITS : s === N_EXP_DIGITS && isBlank(c) ? N_BLANKS : N_DEAD
        break
      case N_BLANKS:
        next = isBlank(c) ? N_BLANKS : N_DEAD
        break
      default:
        return
    }
    this.nState = next
    if (next !== N_DEAD && next !== N_BLANKS) this.nText += String.fromCharCode(c)
  }

  /**
   * The value of the number token, or NONE. `end` is the absolute index of
   * the delimiter that ends it, or -1 at the end of the text.
   */
  private numberValue(end: number): Result {
    if (isAccepting(this.nState)) return JSON.parse(this.nText)
    if (this.nBeforeE === undefined) return NONE
    if (end >= 0) {
      // The last `e` of the whole text must be inside the token.
      if (this.lastE >= end) return NONE
      this.fragile = true
    }
    return JSON.parse(this.nBeforeE)
  }

  /** A value is complete: hand it to the innermost container (or finish). */
  private deliver(value: unknown): void {
    this.structure++
    const stack = this.stack
    if (stack.length === 0) {
      this.mode = DONE
      this.doneOk = true
      this.doneValue = value
      return
    }
    const frame = stack[stack.length - 1]
    frame.count++
    if (frame.isArray) {
      ;(frame.container as Array<unknown>).push(value)
      this.mode = A_AFTER
    } else {
      setKey(frame.container as Record<string, unknown>, frame.key, value)
      frame.log!.push(frame.key, value)
      if (frame.key === "__proto__") frame.hasProtoKey = true
      this.mode = O_AFTER
    }
  }

  /** The innermost container returns (closed, or after an error inside it). */
  private closeFrame(): void {
    const frame = this.stack.pop()!
    this.deliver(Object.freeze(frame.container))
  }

  /** A token failed: the innermost container returns what it has; at top level, no value. */
  private fail(): void {
    if (this.stack.length > 0) this.closeFrame()
    else {
      this.mode = DONE
      this.doneOk = false
    }
  }

  /**
   * What partial-json returns for the text read so far, as an option:
   * `none` where it throws. O(1): with containers open, the value is a
   * {@link LazySome} over a {@link Capture}, built on first read. When
   * neither the containers nor the open token changed since the previous
   * capture, that capture's option is returned again.
   */
  capture(): Option.Option<unknown> {
    let child: Result = NONE
    let numberText = ""
    switch (this.mode) {
      case LEADING:
        return Option.none()
      case DONE:
        if (!this.doneOk) return Option.none()
        if (this.capturedStructure !== this.structure) {
          this.capturedStructure = this.structure
          this.captured = Option.some(this.doneValue)
        }
        return this.captured
      case STR:
        child = this.stringAtEnd()
        break
      case LIT:
        // A lone "-" is not a partial -Infinity but a failing number token.
        if (this.tLit === "-Infinity" && this.tLitMatched < 2) numberText = this.nText
        else child = literalValue(this.tLit)
        break
      case NUM:
        numberText = this.nText
        break
    }
    const stack = this.stack
    if (stack.length === 0) {
      // A top-level token: its value is cheap to tell, and decides none or some.
      if (numberText !== "") child = numberTokenValue(this.nState, numberText, this.nBeforeE)
      return child === NONE ? Option.none() : Option.some(child)
    }
    // Containers only change through `deliver` and new frames (which bump
    // `structure`); the innermost key only changes between values; a number
    // token's value is a function of its text (its state and text before the
    // last `e` follow from the text).
    const frame = stack[stack.length - 1]
    if (
      this.capturedStructure === this.structure && Object.is(this.capturedChild, child) &&
      this.capturedKey === frame.key && this.capturedNumber === numberText &&
      (numberText === "" || (this.capturedNumberState === this.nState && this.capturedBeforeE === this.nBeforeE))
    ) {
      return this.captured
    }
    this.capturedStructure = this.structure
    this.capturedChild = child
    this.capturedKey = frame.key
    this.capturedNumber = numberText
    this.capturedNumberState = this.nState
    this.capturedBeforeE = this.nBeforeE
    return this.captured = new LazySome(
      new Capture(frame, frame.count, frame.key, child, this.nState, numberText, this.nBeforeE)
    ) as unknown as Option.Option<unknown>
  }
}

// ---------------------------------------------------------------------------
// Parser values
// ---------------------------------------------------------------------------

/** The parsers' type id (`PartialJson.TypeId` re-exports it; not tagged internal, so its type stays in the published declarations). */
export const TypeId: unique symbol = Symbol.for("effect-chat-stream/PartialJson/Parser")

/** The type of `TypeId`. */
export type TypeId = typeof TypeId

/**
 * An immutable parser value: the text read so far, its value (captured when
 * it was made, built on first read), plus (internally) the engine that has
 * read exactly that text when `version` is the engine's.
 */
export class ParserImpl implements Pipeable {
  readonly [TypeId]: TypeId = TypeId
  readonly #engine: Engine | undefined
  readonly #version: number
  readonly #value: Option.Option<unknown>

  constructor(readonly text: string, engine: Engine | undefined, version: number, value: Option.Option<unknown>) {
    this.#engine = engine
    this.#version = version
    this.#value = value
  }

  feed(delta: string, whole?: string): ParserImpl {
    if (delta.length === 0) return this
    // `whole`: the caller's own copy of `this.text + delta`, shared instead
    // of building another (a long text built by appending is a V8 rope, one
    // node per fragment that lives as long as the text).
    const text = whole !== undefined && whole.length === this.text.length + delta.length ? whole : this.text + delta
    let engine = this.#engine
    if (
      engine !== undefined && engine.version === this.#version &&
      // A finished number that only parsed through the last-`e` fallback
      // fails once any later `e` exists: read everything again in that case.
      !(engine.fragile && delta.includes("e"))
    ) {
      engine.advance(delta, this.text.length)
    } else {
      // A fork (this parser was fed before), the first fragment, or a
      // fragile number: read the whole text.
      engine = Engine.fromText(text)
    }
    return new ParserImpl(text, engine, ++engine.version, engine.capture())
  }

  value(): Option.Option<unknown> {
    return this.#value
  }

  pipe() {
    return pipeArguments(this, arguments)
  }

  toJSON(): unknown {
    return { _id: "PartialJson.Parser", text: this.text }
  }

  toString(): string {
    return format(this.toJSON())
  }

  [NodeInspectSymbol](): unknown {
    return this.toJSON()
  }
}

/** The parser that has read nothing. */
export const empty: ParserImpl = new ParserImpl("", undefined, 0, Option.none())
