/**
 * The incremental engine behind `PartialJson`: a push-down automaton that
 * reproduces `partial-json`'s `parse(text)` (0.1.7, `Allow.ALL`) on every
 * prefix, fed one fragment at a time. The token it is in (string, literal,
 * number) is read by `TokenReader` (`partialJsonToken.ts`); the values it
 * hands out are built in `partialJsonValues.ts`.
 *
 * How it reads containers (see the `mode` constants; how partial-json works
 * is told in `partialJson.ts`, its tokens in `partialJsonToken.ts`):
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
 * Nothing here recurses on the input's depth.
 *
 * Not public API. (This comment carries no internal tag: it would strip the
 * import below it from the published declarations.)
 */

import * as Option from "effect/Option"
import { isBlank, isTrimmed, literalValue } from "./partialJsonSyntax.js"
import { N_START, NONE, numberTokenValue, type Result, TokenReader } from "./partialJsonToken.js"
import { Capture, Frame, LazySome, setKey } from "./partialJsonValues.js"

// Constants of this module, not imported: see `partialJsonSyntax.ts`.
const QUOTE = 34 // "
const BACKSLASH = 92 // \
const COMMA = 44 // ,
const LBRACKET = 91 // [
const RBRACKET = 93 // ]
const LBRACE = 123 // {
const RBRACE = 125 // }

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


/**
 * The mutable parse state. `Parser` values share one engine along a linear
 * history and never expose it.
 */
export class Engine extends TokenReader {
  /** Bumped on every in-place advance; a `Parser` is current iff it holds the engine's version. */
  version = 0
  /** Absolute count of characters consumed (all but trailing trimmed whitespace). */
  private pos = 0
  /** Trailing whitespace not consumed yet: trimmed away unless more text follows. */
  private pending = ""

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
          i = this.stringRun(chunk, i, c)
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
        default: {
          if (this.containerChar(c)) i++
        }
      }
    }
  }

  /**
   * In a string or key at `chunk[i]` (`c`): reads the run of plain
   * characters at once, or one other character. Returns the index after.
   */
  private stringRun(chunk: string, i: number, c: number): number {
    if (this.sEsc === 0) {
      const j = this.plainRun(chunk, i)
      if (j > i) return j
    }
    if (this.stringChar(c)) this.endString()
    return i + 1
  }

  /** `c` at an array's or an object's loop head, or between its members. Returns whether it was consumed. */
  private containerChar(c: number): boolean {
    switch (this.mode) {
      case A_HEAD: {
        if (c === RBRACKET) {
          this.closeFrame()
          return true
        }
        this.mode = ANY
        return false
      }
      case A_AFTER: {
        if (isBlank(c)) return true
        this.mode = A_HEAD
        return c === COMMA
      }
      case O_START: {
        if (isBlank(c)) return true
        this.mode = O_HEAD
        return false
      }
      case O_HEAD: {
        if (c === RBRACE) {
          this.closeFrame()
          return true
        }
        this.mode = O_KEY_WS
        return false
      }
      case O_KEY_WS: {
        if (isBlank(c)) return true
        if (c === QUOTE) {
          this.startString()
          this.mode = O_KEY
        } else {
          // partial-json skips the first character as if it were a quote.
          this.badKeyEscape = false
          this.mode = O_BAD_KEY
        }
        return true
      }
      case O_COLON: {
        if (!isBlank(c)) this.mode = ANY
        return true
      }
      case O_AFTER: {
        if (isBlank(c)) return true
        this.mode = O_HEAD
        return c === COMMA
      }
    }
    return false
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
    this.mode = this.startScalar(c) ? LIT : NUM
    return false
  }

  private pushFrame(isArray: boolean, container: Array<unknown> | Record<string, unknown>): void {
    const stack = this.stack
    stack.push(Frame.open(stack.length === 0 ? undefined : stack[stack.length - 1], isArray, container))
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
