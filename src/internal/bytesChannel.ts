/**
 * The byte pipeline: bytes → events in one channel per read (the SSE
 * decoder, the decoding of each event, the engine step, one output chunk),
 * behind `ChatStream.events`, `chunks` and `snapshots`.
 *
 * Not public API. (This comment carries no internal tag:
 * it would strip the imports below it from the published declarations.)
 */
import * as Cause from "effect/Cause"
import * as Channel from "effect/Channel"
import type * as Chunk from "effect/Chunk"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { ChatStreamError } from "../ChatStreamError.js"
import type * as ChatStreamEvent from "../ChatStreamEvent.js"
import { decodeEvent } from "./decodeEvent.js"
import { engineStep, type EventChannel, initialEngine, pushOutputs, writeThen } from "./engine.js"
import { END, fault, type Signal } from "./signal.js"
import { invalidLimit, makeDecoder } from "./sse.js"
import type { Decoded } from "./sseTypes.js"

/** The options the byte pipeline reads: `ChatStream.ResolvedOptions`. */
export interface PipelineOptions {
  readonly maxEventBytes: number
  readonly partialJson: boolean
}

/**
 * Bytes → events in one channel: per read, the SSE decoder, the decoding of
 * each event, the engine step, and one output chunk. One channel instead of a
 * Stream stage per step (decode, catch, take-until, end marker, mapAccum,
 * flatten), which cost about a fifth of the pipeline. It stops reading at
 * `[DONE]` or at the first failure, so the body is released early.
 */
export const bytesChannel = <E>(options: PipelineOptions, derive: boolean): EventChannel<Uint8Array, E | ChatStreamError, E> =>
  Channel.suspend(() => {
    // an unusable limit fails before anything is read
    const invalid = invalidLimit(options.maxEventBytes)
    if (invalid !== undefined) return Channel.fail(invalid)
    const decoder = makeDecoder({ maxEventBytes: options.maxEventBytes })
    const run = engineStep(derive, false)<E | ChatStreamError>
    let state = initialEngine(options)
    let events: Array<ChatStreamEvent.ChatStreamEvent> = []
    let failure: Option.Option<E | ChatStreamError> = Option.none()

    /** Runs one signal; false once the stream has ended. */
    const feed = (signal: Signal<E | ChatStreamError>): boolean => {
      const [next, outputs] = run(state, signal)
      state = next
      const faulted = pushOutputs(outputs, events)
      if (faulted !== undefined) failure = Option.some(faulted.error)
      return !state.ended
    }
    const feedDecoded = (decoded: Decoded): boolean => {
      for (let i = 0; i < decoded.events.length; i++) {
        if (!feed(decodeEvent(decoded.events[i]))) return false
      }
      return Option.isNone(decoded.error) || feed(fault(decoded.error.value))
    }
    /** Writes what was made so far, then goes on with `next`. */
    const flush = (next: EventChannel<Uint8Array, E | ChatStreamError, E>) => {
      const written = events
      events = []
      return writeThen(written, next)
    }
    const end = () => flush(Option.isSome(failure) ? Channel.fail(failure.value) : Channel.void)

    const loop: EventChannel<Uint8Array, E | ChatStreamError, E> = Channel.readWithCause({
      onInput: (reads: Chunk.Chunk<Uint8Array>) => {
        for (const read of reads) {
          if (!feedDecoded(decoder.push(read))) return end()
        }
        return flush(loop)
      },
      onFailure: (cause) => {
        // As `Stream.catchAll`: a failure of the byte stream ends the events
        // (with the snapshot when it is one of ours); defects and
        // interruptions pass through.
        const error = Cause.failureOrCause(cause)
        if (Either.isRight(error)) return Channel.failCause(error.right)
        feed(fault(error.left))
        return end()
      },
      onDone: () => {
        if (feedDecoded(decoder.end())) feed(END)
        return end()
      }
    })
    return loop
  })

export const eventsOf = <E, R>(
  bytes: Stream.Stream<Uint8Array, E, R>,
  options: PipelineOptions,
  derive: boolean
): Stream.Stream<ChatStreamEvent.ChatStreamEvent, E | ChatStreamError, R> =>
  Stream.pipeThroughChannel(bytes, bytesChannel<E>(options, derive))
