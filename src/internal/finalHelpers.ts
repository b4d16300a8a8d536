/**
 * The final helpers' work (`ChatStreamFinal`): an events or chunk stream run
 * to its end into the last snapshot, and the check of its finish reasons.
 *
 * Not public API.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { ChatCompletion, ChatCompletionChunk } from "../ChatCompletion.js"
import { ContentFilterFinishReasonError, LengthFinishReasonError } from "../ChatStreamError.js"
import * as ChatStreamEvent from "../ChatStreamEvent.js"
import * as Snapshot from "../Snapshot.js"

/** An events stream or a chunk stream (`ChatStreamFinal.Consumable`). */
type Consumable<E, R> =
  | Stream.Stream<ChatStreamEvent.ChatStreamEvent, E, R>
  | Stream.Stream<ChatCompletionChunk, E, R>

/** The last snapshot of the stream, none when no chunk arrived. */
export const lastSnapshot = <E, R>(self: Consumable<E, R>): Effect.Effect<Option.Option<ChatCompletion>, E, R> =>
  Effect.suspend(() => {
    // A loop per chunk of the stream, not `Stream.runFold`: its sink recurses
    // once per element of a chunk, which overflows the stack on the events
    // of a whole body handed over as one piece (`Stream.make(body)`).
    let accumulator = Snapshot.empty
    return Effect.map(
      Stream.runForEachChunk(
        self as Stream.Stream<ChatStreamEvent.ChatStreamEvent | ChatCompletionChunk, E, R>,
        (items) => {
          for (const item of items) {
            if (ChatStreamEvent.isChatStreamEvent(item)) {
              if (item._tag === "Chunk") accumulator = { snapshot: Option.some(item.snapshot), choices: accumulator.choices }
            } else {
              accumulator = Snapshot.fold(accumulator, item)
            }
          }
          return Effect.void
        }
      ),
      // read when the run ends (a fresh accumulator for each run of the effect)
      () => accumulator.snapshot
    )
  })

/** Fails with the finish-reason error of the first choice that ended with `length` or `content_filter`. */
export const checkFinishReasons = (
  completion: Option.Option<ChatCompletion>
): Effect.Effect<Option.Option<ChatCompletion>, LengthFinishReasonError | ContentFilterFinishReasonError> => {
  if (Option.isNone(completion)) return Effect.succeed(completion)
  for (const choice of completion.value.choices) {
    if (choice.finish_reason === "length") {
      return Effect.fail(new LengthFinishReasonError({ choiceIndex: choice.index, snapshot: completion }))
    }
    if (choice.finish_reason === "content_filter") {
      return Effect.fail(new ContentFilterFinishReasonError({ choiceIndex: choice.index, snapshot: completion }))
    }
  }
  return Effect.succeed(completion)
}
