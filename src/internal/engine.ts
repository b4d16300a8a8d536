/**
 * The engine of the pipeline: the step that folds each chunk into the
 * snapshot and derives its events (`ChatStreamEvent.step`), or ends the
 * stream, complete or not; faults travelling in the stream until the last
 * stage raises them; and the stream of chunks run through it
 * (`ChatStream.eventsFromChunks`).
 *
 * Not public API. (This comment carries no internal tag:
 * it would strip the imports below it from the published declarations.)
 */
import * as Channel from "effect/Channel"
import * as Chunk from "effect/Chunk"
import type * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { ChatCompletion, ChatCompletionChunk } from "../ChatCompletion.js"
import { type ChunkDecodeError, IncompleteStreamError, isChatStreamError, withSnapshot } from "../ChatStreamError.js"
import * as ChatStreamEvent from "../ChatStreamEvent.js"
import * as Snapshot from "../Snapshot.js"
import { tooDeep } from "./decodeEvent.js"
import { END, fault, type Signal } from "./signal.js"

/** A failure travelling in the stream until the last stage raises it. */
export class Fault<E> {
  constructor(readonly error: E) {}
}

export type Output<E> = ChatStreamEvent.ChatStreamEvent | Fault<E>

export interface EngineState {
  readonly events: ChatStreamEvent.State
  readonly ended: boolean
}

export const initialEngine = (options: { readonly partialJson?: boolean | undefined }): EngineState => ({
  events: ChatStreamEvent.initialWith(options),
  ended: false
})

const attach = <E>(error: E, state: EngineState): E =>
  isChatStreamError(error) ? withSnapshot(error, state.events.accumulator.snapshot) as E : error

/**
 * The step of the byte channel and of the chunk streams' `Stream.mapAccum`:
 * folds a chunk and derives its events, or
 * ends the stream. With `derive: false` only `Chunk` events are made (for
 * the chunk and snapshot streams, which need no partial JSON).
 */
export const engineStep = (derive: boolean, endIsComplete: boolean) =>
<E>(state: EngineState, signal: Signal<E>): readonly [EngineState, ReadonlyArray<Output<E>>] => {
  if (state.ended) return [state, []]
  switch (signal._tag) {
    case "Chunk": {
      try {
        if (derive) {
          const [events, out] = ChatStreamEvent.step(state.events, signal.chunk)
          return [{ events, ended: false }, out]
        }
        const accumulator = Snapshot.fold(state.events.accumulator, signal.chunk)
        const snapshot = (accumulator.snapshot as Option.Some<ChatCompletion>).value
        return [
          { events: { accumulator, choices: state.events.choices, partialJson: state.events.partialJson }, ended: false },
          [ChatStreamEvent.make(ChatStreamEvent.Chunk, { chunk: signal.chunk, snapshot })]
        ]
      } catch (cause) {
        // The chunk is not folded in: the error carries the snapshot before it.
        const error = tooDeep(cause, signal.text ?? "", state.events.accumulator.snapshot)
        return [{ ...state, ended: true }, [new Fault(error as E | ChunkDecodeError)] as never]
      }
    }
    case "Fault":
      return [{ ...state, ended: true }, [new Fault(attach(signal.error, state))]]
    case "Done":
    case "End": {
      const complete = signal._tag === "Done" || endIsComplete || ChatStreamEvent.isFinished(state.events)
      if (!complete) {
        const error = new IncompleteStreamError({
          reason: "NoFinishReason",
          snapshot: state.events.accumulator.snapshot
        })
        return [{ ...state, ended: true }, [new Fault(error as E | IncompleteStreamError)] as never]
      }
      if (!derive) return [{ ...state, ended: true }, []]
      const [events, out] = ChatStreamEvent.finish(state.events)
      return [{ events, ended: true }, out]
    }
  }
}

/** A channel that writes events and reads `In`. */
export type EventChannel<In, E, InErr> = Channel.Channel<
  Chunk.Chunk<ChatStreamEvent.ChatStreamEvent>,
  Chunk.Chunk<In>,
  E,
  InErr,
  unknown,
  unknown
>

/** Appends the engine's outputs to `events` up to the first fault, which it returns. */
export const pushOutputs = <E>(
  outputs: ReadonlyArray<Output<E>>,
  events: Array<ChatStreamEvent.ChatStreamEvent>
): Fault<E> | undefined => {
  for (let i = 0; i < outputs.length; i++) {
    const output = outputs[i]
    if (output instanceof Fault) return output
    events.push(output)
  }
  return undefined
}

/** Writes `items` (when there are any), then goes on with `next`. */
export const writeThen = <Out, In, E, InErr>(
  items: Array<Out>,
  next: Channel.Channel<Chunk.Chunk<Out>, Chunk.Chunk<In>, E, InErr, unknown, unknown>
): Channel.Channel<Chunk.Chunk<Out>, Chunk.Chunk<In>, E, InErr, unknown, unknown> =>
  items.length === 0 ? next : Channel.zipRight(Channel.write(Chunk.unsafeFromArray(items)), next)

/** Flattens the engine's outputs and fails at the first fault, after everything before it. */
const emitOrFail = <E>(): EventChannel<ReadonlyArray<Output<E>>, E, never> => {
  const loop: EventChannel<ReadonlyArray<Output<E>>, E, never> = Channel.readWithCause({
    onInput: (input: Chunk.Chunk<ReadonlyArray<Output<E>>>) => {
      const events: Array<ChatStreamEvent.ChatStreamEvent> = []
      for (const outputs of input) {
        const faulted = pushOutputs(outputs, events)
        if (faulted !== undefined) return writeThen(events, Channel.fail(faulted.error))
      }
      return writeThen(events, loop)
    },
    onFailure: (cause) => Channel.failCause(cause),
    onDone: () => Channel.void
  })
  return loop
}

/** Runs signals through the fold and the event derivation. */
export const runSignals = <E, R>(
  signals: Stream.Stream<Signal<E>, never, R>,
  initial: EngineState,
  derive: boolean,
  endIsComplete: boolean
): Stream.Stream<ChatStreamEvent.ChatStreamEvent, E | IncompleteStreamError, R> =>
  signals.pipe(
    Stream.mapAccum(initial, engineStep(derive, endIsComplete)<E>),
    Stream.pipeThroughChannel(emitOrFail<E | IncompleteStreamError>())
  )

/** Chunks → signals; the end of a chunk stream is the end of a complete response. */
export const chunkSignals = <E, R>(
  chunks: Stream.Stream<ChatCompletionChunk, E, R>
): Stream.Stream<Signal<E>, never, R> =>
  chunks.pipe(
    Stream.map((chunk): Signal<E> => ({ _tag: "Chunk", chunk })),
    Stream.catchAll((error) => Stream.succeed(fault(error))),
    Stream.concat(Stream.succeed(END))
  )
