/**
 * The open token of the partial-JSON engine: the decoder of strings and keys,
 * and the scalar token (a literal, or a number read by the number automaton),
 * with the values partial-json gives them when the text ends inside them.
 * `Engine` extends it with the containers and the modes.
 *
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
 *
 * Not public API. (This comment carries no internal tag: it would strip the
 * import below it from the published declarations.)
 */

import { hexValue, isBlank, literalFor } from "./partialJsonSyntax.js"

// Constants of this module, not imported: see `partialJsonSyntax.ts`.
const QUOTE = 34 // "
const BACKSLASH = 92 // \
const LOWER_E = 101 // e

// Number automaton: a JSON number followed by JSON blanks, i.e. exactly the
// token texts `JSON.parse` accepts (the token never starts with a blank).
export const N_START = 0
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

/** "No value": the token failed, or there is no token. */
export const NONE: unique symbol = Symbol("PartialJson/NONE")
export type Result = unknown

/** The value of a number token: `JSON.parse` of it, else of its text before its last `e`, else NONE. */
export const numberTokenValue = (state: number, text: string, beforeE: string | undefined): Result =>
  isAccepting(state) ? JSON.parse(text) : beforeE === undefined ? NONE : JSON.parse(beforeE)


/** The token state of an engine: the string being decoded, or the scalar being read. */
export class TokenReader {
  /** Absolute index of the last `e` of the text, or -1. */
  protected lastE = -1
  /**
   * Whether a finished number token got its value from the last-`e` fallback:
   * any later `e` makes it fail, which only a rebuild can account for.
   */
  fragile = false

  // String decoder (value strings and keys).
  protected sValid = true
  /** 0: plain, 1: after an escaping backslash, 2..5: in `\u` after (sEsc - 2) hex digits. */
  protected sEsc = 0
  protected sHex = 0
  protected sDecoded = ""
  /** Decoded content before the last backslash, when `JSON.parse` would accept it. */
  protected sBeforeBackslash: string | undefined = undefined
  /** A bad key's scanner: whether the previous character escapes a quote. */
  protected badKeyEscape = false

  // Scalar token.
  protected tLit = ""
  protected tLitMatched = 0
  protected nState = N_START
  protected nText = ""
  /** The number text before the token's last `e`, when `JSON.parse` would accept it. */
  protected nBeforeE: string | undefined = undefined

  protected startString(): void {
    this.sValid = true
    this.sEsc = 0
    this.sDecoded = ""
    this.sBeforeBackslash = undefined
  }

  /** Starts a scalar token at `c`. Returns whether it may spell a literal (`tLit`). */
  protected startScalar(c: number): boolean {
    this.nState = N_START
    this.nText = ""
    this.nBeforeE = undefined
    this.tLit = literalFor(c)
    this.tLitMatched = 0
    return this.tLit !== ""
  }

  /**
   * Appends the run of plain characters of a string from `chunk[i]` (no
   * escape pending) at once. Returns the index after it.
   */
  protected plainRun(chunk: string, i: number): number {
    // Fast path: append the run of plain characters at once.
    const n = chunk.length
    let j = i
    while (j < n) {
      const d = chunk.charCodeAt(j)
      if (d === QUOTE || d === BACKSLASH || d < 32) break
      j++
    }
    if (j > i && this.sValid) this.sDecoded += chunk.slice(i, j)
    return j
  }

  /**
   * One string character that is a quote, a backslash, a control character,
   * or follows a backslash. Returns whether it is the closing quote.
   */
  protected stringChar(c: number): boolean {
    const esc = this.sEsc
    if (esc === 0) {
      if (c === QUOTE) return true
      else if (c === BACKSLASH) {
        this.sBeforeBackslash = this.sValid ? this.sDecoded : undefined
        this.sEsc = 1
      } else this.sValid = false // a raw control character
    } else if (esc === 1) {
      this.escapeChar(c)
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
        if (c === QUOTE) return true
        else if (c === BACKSLASH) {
          this.sBeforeBackslash = undefined
          this.sEsc = 1
        }
      }
    }
    return false
  }

  /** The character after an escaping backslash. */
  private escapeChar(c: number): void {
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
  }

  /** The value of an unterminated string at the end of the text, or NONE. */
  protected stringAtEnd(): Result {
    // First attempt: the content, a trailing escaping backslash dropped.
    if (this.sValid && this.sEsc <= 1) return this.sDecoded
    // Fallback: the content up to the last backslash.
    return this.sBeforeBackslash === undefined ? NONE : this.sBeforeBackslash
  }

  protected numberChar(c: number): void {
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
  protected numberValue(end: number): Result {
    if (isAccepting(this.nState)) return JSON.parse(this.nText)
    if (this.nBeforeE === undefined) return NONE
    if (end >= 0) {
      // The last `e` of the whole text must be inside the token.
      if (this.lastE >= end) return NONE
      this.fragile = true
    }
    return JSON.parse(this.nBeforeE)
  }
}
