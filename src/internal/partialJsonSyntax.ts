/**
 * The character classes of the partial-JSON engine (blanks, the trimmed
 * whitespace, hex digits) and the literals a scalar token may spell.
 *
 * The character codes and states the engine compares against in its loop
 * (`QUOTE`, the modes, the number automaton's states) are constants of the
 * modules that use them: an imported binding is not constant-folded there,
 * which cost 10–20% on the benchmarks.
 *
 * Not public API.
 */

// ---------------------------------------------------------------------------
// Character classes
// ---------------------------------------------------------------------------

/** partial-json's `skipBlank` set: space, \n, \r, \t. */
export const isBlank = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9

/** Exactly the code units `String.prototype.trim` removes. */
export const isTrimmed = (c: number): boolean =>
  c < 128
    ? c === 32 || (c >= 9 && c <= 13)
    : c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
      c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff

export const hexValue = (c: number): number =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1

// ---------------------------------------------------------------------------
// Literals
// ---------------------------------------------------------------------------

/** The literal a scalar token may spell, by its first character. */
export const literalFor = (c: number): string => {
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

export const literalValue = (literal: string): unknown => {
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
