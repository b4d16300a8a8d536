/**
 * The start of a 2xx response's body: whether it is an event stream, JSON,
 * empty or something else (an HTML page), judged by its first bytes.
 *
 * Not public API.
 */

/**
 * What a 2xx body is, judged from its start (after an optional byte order
 * mark and whitespace): `Sse` when it starts with a field line (`data`,
 * `event`, `id`, `retry` followed by `:` or a line end, or a `:` comment),
 * `Json` when it starts with `{` or `[`, `Empty` when it ended with nothing
 * else, `Other` for anything else (`<!doctype html>`), and `Undecided` while
 * more bytes are needed (`ended` false).
 */
export type BodyKind = "Sse" | "Json" | "Empty" | "Other" | "Undecided"

const FIELDS = ["data", "event", "id", "retry"].map((name) => Array.from(name, (c) => c.charCodeAt(0)))
const BOM = [0xef, 0xbb, 0xbf]

const isBlank = (byte: number): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d

/**
 * How many leading bytes `sniffBody` skips: a whole byte order mark (when
 * `atStart`, the body's first bytes) and whitespace. A caller that reads a
 * body in pieces can drop them and go on with `atStart` false, so that no
 * byte is looked at twice.
 */
export const blankLength = (bytes: Uint8Array, atStart: boolean): number => {
  let at = atStart && BOM.every((b, i) => bytes[i] === b) ? BOM.length : 0
  while (at < bytes.length && isBlank(bytes[at])) at++
  return at
}

export const sniffBody = (bytes: Uint8Array, ended: boolean, atStart = true): BodyKind => {
  if (atStart && bytes.length < BOM.length && !ended && bytes.every((b, i) => b === BOM[i])) return "Undecided"
  const at = blankLength(bytes, atStart)
  if (at >= bytes.length) return ended ? "Empty" : "Undecided"
  const first = bytes[at]
  if (first === 0x7b || first === 0x5b) return "Json" // { [
  if (first === 0x3a) return "Sse" // :
  for (const field of FIELDS) {
    const available = Math.min(field.length, bytes.length - at)
    let matches = true
    for (let i = 0; i < available && matches; i++) matches = bytes[at + i] === field[i]
    if (!matches) continue
    if (available < field.length) return ended ? "Other" : "Undecided"
    const next = bytes[at + field.length]
    if (next === undefined) return ended ? "Sse" : "Undecided"
    return next === 0x3a || next === 0x0a || next === 0x0d ? "Sse" : "Other"
  }
  return "Other"
}

/** The pieces joined into one array of `size` bytes (their total length). */
export const concat = (parts: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  const out = new Uint8Array(size)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/**
 * `sniffBody` over a body read in pieces: each piece is judged with the few
 * bytes before it that are still undecided (a partial byte order mark or
 * field name); a byte order mark and whitespace already judged are dropped,
 * so a long blank start read in small pieces costs linear time.
 */
export class BodySniffer {
  private unjudged: Uint8Array = new Uint8Array(0)
  private atStart = true
  /** How many bytes were copied so far (linear in the body: see the tests). */
  copied = 0

  /** The kind of the body read so far, `pieces` being what arrived since the last call. */
  push(pieces: ReadonlyArray<Uint8Array>, ended: boolean): BodyKind {
    let size = this.unjudged.length
    for (const piece of pieces) size += piece.length
    if (size !== this.unjudged.length) {
      this.copied += size
      this.unjudged = concat([this.unjudged, ...pieces], size)
    }
    const kind = sniffBody(this.unjudged, ended, this.atStart)
    if (kind === "Undecided") {
      const blank = blankLength(this.unjudged, this.atStart)
      if (blank > 0) {
        this.unjudged = this.unjudged.subarray(blank)
        this.atStart = false
      }
    }
    return kind
  }
}
