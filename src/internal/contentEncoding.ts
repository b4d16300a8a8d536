/**
 * Response bodies that arrive compressed. The client asks for no compression,
 * but proxies compress event streams anyway (`content-encoding: gzip` or
 * `br`); undici hands the body over as it came, `fetch` already decoded. So a
 * body is decompressed only when its header names a coding and its first
 * bytes are not already text: a gzip body starts with the bytes 1f 8b, a
 * deflate body with a zlib header; a brotli body (and deflate without the
 * header) is taken as compressed unless it starts like an
 * event stream or JSON (a field name, a comment, `{`, `[`, a byte order
 * mark, whitespace), which compressed data practically never does.
 *
 * The decompressor is node's `zlib`, run as a stream: each piece is
 * decompressed as it arrives. A corrupt body fails with the error `onError`
 * makes of zlib's.
 *
 * Not public API.
 */
import * as NodeStream from "@effect/platform-node/NodeStream"
import * as Effect from "effect/Effect"
import * as Sink from "effect/Sink"
import * as Stream from "effect/Stream"
import * as zlib from "node:zlib"

/** The codings undone, by their `content-encoding` token. */
const decompressors: Record<string, () => zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress> = {
  gzip: () => zlib.createGunzip(),
  "x-gzip": () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress()
}

/** The coding a `content-encoding` header names, when it is one undone here. */
export const codingOf = (header: string | undefined): string | undefined => {
  if (header === undefined) return undefined
  const coding = header.trim().toLowerCase()
  return coding in decompressors ? coding : undefined
}

/** Whether a body's first bytes read as text already (an event stream, JSON, a BOM or whitespace). */
export const looksDecoded = (coding: string, first: Uint8Array): boolean => {
  if (first.length === 0) return true
  if (coding === "gzip" || coding === "x-gzip") return !(first[0] === 0x1f && (first.length < 2 || first[1] === 0x8b))
  // a zlib header (deflate's usual form): compression method 8, and the two
  // bytes a multiple of 31 (its first byte is often 0x78, an "x")
  if (coding === "deflate" && first.length >= 2 && (first[0] & 0x0f) === 8 && ((first[0] << 8) | first[1]) % 31 === 0) {
    return false
  }
  const c = first[0]
  // letters of a field name (data, event, id, retry), ':', '{', '[', whitespace, a UTF-8 BOM
  return (c >= 0x61 && c <= 0x7a) || c === 0x3a || c === 0x7b || c === 0x5b || c === 0x20 || c === 0x0a ||
    c === 0x0d || c === 0x09 || c === 0xef
}

const lengthOf = (pieces: ReadonlyArray<Uint8Array>): number => pieces.reduce((n, piece) => n + piece.length, 0)

/** The pieces of a body up to its first two bytes (or all of it, when shorter). */
const start = Sink.fold<Array<Uint8Array>, Uint8Array>(
  [],
  (pieces) => lengthOf(pieces) < 2,
  (pieces, piece) => [...pieces, piece]
)

/**
 * The body decompressed when `coding` names a coding and its start is not
 * text already; else the body as it is.
 */
export const decode = <E, R, E2>(
  body: Stream.Stream<Uint8Array, E, R>,
  coding: string | undefined,
  onError: (error: unknown) => E2
): Stream.Stream<Uint8Array, E | E2, R> => {
  if (coding === undefined) return body
  const make = decompressors[coding]
  return Stream.unwrapScoped(Effect.map(Stream.peel(body, start), ([first, rest]) => {
    const whole = Stream.concat(Stream.fromIterable(first), rest)
    const bytes = new Uint8Array(Math.min(2, lengthOf(first)))
    let at = 0
    for (const piece of first) {
      for (let i = 0; i < piece.length && at < bytes.length; i++) bytes[at++] = piece[i]
    }
    return looksDecoded(coding, bytes) ? whole : NodeStream.pipeThroughDuplex(whole, make, onError)
  }))
}
