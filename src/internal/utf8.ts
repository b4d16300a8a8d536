/**
 * UTF-8 for the server-sent-events decoder: the UTF-8 size of a string, and
 * a streaming UTF-8 decoder over Node's fast non-streaming `TextDecoder`.
 * Plain mutable state, no Effect.
 *
 * Not public API.
 */

/**
 * Node's `Buffer.byteLength`, about 30 times faster than a loop over the
 * code units; absent outside Node.
 */
const nativeByteLength: ((text: string) => number) | undefined = typeof globalThis.Buffer === "function"
  ? (text) => globalThis.Buffer.byteLength(text, "utf8")
  : undefined

/**
 * The number of bytes of `text[start, end)` in UTF-8: 1 to 3 a UTF-16 code
 * unit, 4 a surrogate pair; a lone surrogate (which `Utf8Decoder` never
 * produces) counts 3, as the U+FFFD it would be encoded as. So it is at
 * least the number of code units and at most three times that.
 *
 * @internal
 */
export const utf8Length = (text: string, start = 0, end = text.length): number => {
  if (nativeByteLength !== undefined) {
    return nativeByteLength(start === 0 && end === text.length ? text : text.slice(start, end))
  }
  return utf8LengthPortable(text, start, end)
}

/**
 * `utf8Length` without Node's help.
 *
 * @internal
 */
export const utf8LengthPortable = (text: string, start = 0, end = text.length): number => {
  let bytes = end - start
  for (let i = start; i < end; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) continue
    if (unit < 0x800) {
      bytes += 1
    } else if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < end && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2 // the pair: 2 units, 4 bytes
      i++
    } else {
      bytes += 2
    }
  }
  return bytes
}

/**
 * One shared, stateless decoder: it is only ever called without `stream`, so
 * no state survives a call. `ignoreBOM: true` because a non-streaming decode
 * would otherwise strip a U+FEFF at the start of *every* read; the BOM at the
 * start of the stream is stripped by hand instead.
 */
const utf8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true })

/**
 * How many bytes at the end of `bytes` are the start of a UTF-8 sequence that
 * is valid so far but not complete (0 to 3): the bytes a streaming decoder
 * would hold back. Follows the WHATWG UTF-8 decoder, including its narrower
 * ranges for the second byte after E0, ED, F0 and F4.
 *
 * Cutting there is exact: everything before the cut decodes the same alone
 * as in a streaming decoder (a lead byte always restarts the WHATWG decoder),
 * and anything that is not a valid prefix has already been turned into U+FFFD
 * by a streaming decoder too.
 */
const incompleteTail = (bytes: Uint8Array): number => {
  const length = bytes.length
  const stop = length < 3 ? length : 3
  for (let back = 1; back <= stop; back++) {
    const byte = bytes[length - back]
    if (byte < 0x80) return 0
    if (byte < 0xc0) continue // a continuation byte: look further back
    // A lead byte (or an invalid one, which needs nothing)
    const needs = byte < 0xc2 ? 0 : byte < 0xe0 ? 1 : byte < 0xf0 ? 2 : byte < 0xf5 ? 3 : 0
    if (needs < back) return 0 // complete, or invalid anyway
    if (back >= 2) {
      const second = bytes[length - back + 1]
      const low = byte === 0xe0 ? 0xa0 : byte === 0xf0 ? 0x90 : 0x80
      const high = byte === 0xed ? 0x9f : byte === 0xf4 ? 0x8f : 0xbf
      if (second < low || second > high) return 0
    }
    return back
  }
  return 0
}

/**
 * A streaming UTF-8 decoder with the semantics of `new TextDecoder("utf-8")`
 * used with `{ stream: true }` (invalid bytes become U+FFFD, a character cut
 * between reads arrives whole, a leading BOM is stripped), several times
 * faster on Node: the streaming mode of Node's `TextDecoder` goes through ICU,
 * while a plain `decode` takes the SIMD fast path. The 0-3 bytes of a cut
 * character are carried over to the next read by hand.
 *
 * @internal
 */
export class Utf8Decoder {
  private carry: Uint8Array | undefined = undefined
  private started = false

  decode(bytes: Uint8Array): string {
    let input = bytes
    if (this.carry !== undefined) {
      input = new Uint8Array(this.carry.length + bytes.length)
      input.set(this.carry, 0)
      input.set(bytes, this.carry.length)
      this.carry = undefined
    }
    const tail = incompleteTail(input)
    if (tail > 0) {
      this.carry = input.slice(input.length - tail)
      input = input.subarray(0, input.length - tail)
    }
    return input.length === 0 ? "" : this.bom(utf8.decode(input))
  }

  end(): string {
    const carry = this.carry
    if (carry === undefined) return ""
    this.carry = undefined
    return this.bom(utf8.decode(carry))
  }

  private bom(text: string): string {
    if (this.started || text.length === 0) return text
    this.started = true
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  }
}
