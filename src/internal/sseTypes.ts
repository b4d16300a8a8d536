/**
 * The types of the server-sent-events decoder, shared by `Sse.ts` (which
 * re-exports them under the same names, with their documentation) and its
 * implementation, `internal/sse.ts`, so that neither imports the other.
 *
 * Not public API: use them as `Sse.Event`, `Sse.Options`, `Sse.Decoded` and
 * `Sse.Decoder`. (This comment carries no internal tag: it would strip the
 * imports below it from the published declarations.)
 */
import type * as Option from "effect/Option"
import type { SseError } from "../ChatStreamError.js"

/** One server-sent event: see `Sse.Event`. */
export interface Event {
  readonly event: string
  readonly data: string
  readonly terminated: boolean
}

/** Options of `Sse.decode` and `Sse.makeDecoder`: see `Sse.Options`. */
export interface Options {
  readonly maxEventBytes?: number | undefined
}

/** What one call of `Decoder.push` or `Decoder.end` gives: see `Sse.Decoded`. */
export interface Decoded {
  readonly events: ReadonlyArray<Event>
  readonly error: Option.Option<SseError>
}

/** A stateful, incremental decoder: see `Sse.Decoder`. */
export interface Decoder {
  push(bytes: Uint8Array): Decoded
  end(): Decoded
}
