/**
 * Server-sent events → chunks with the byte pipeline's rules: the channel
 * behind `ChatStream.decodeSse` (it ends at `[DONE]`, and tracks which
 * choices got a `finish_reason` to judge an end without it).
 *
 * Not public API. (This comment carries no internal tag:
 * it would strip the imports below it from the published declarations.)
 */
import * as Channel from "effect/Channel"
import type * as Chunk from "effect/Chunk"
import type { ChatCompletionChunk } from "../ChatCompletion.js"
import { type ChatStreamError, IncompleteStreamError } from "../ChatStreamError.js"
import { decodeEvent, none } from "./decodeEvent.js"
import { writeThen } from "./engine.js"
import type { Event } from "./sseTypes.js"

/**
 * Events → chunks, ending at `[DONE]`; at the end of input without it, the
 * stream is complete only when a choice arrived and every choice got a
 * `finish_reason` (contract §5), else it fails with `IncompleteStreamError`.
 */
export const sseChannel = <E>(): Channel.Channel<
  Chunk.Chunk<ChatCompletionChunk>,
  Chunk.Chunk<Event>,
  E | ChatStreamError,
  E,
  unknown,
  unknown
> =>
  Channel.suspend(() => {
    /** Per choice index seen: whether it got a finish_reason */
    const finished = new Map<number, boolean>()
    let unfinished = 0
    const track = (chunk: ChatCompletionChunk): void => {
      const choices = chunk.choices
      for (let i = 0; i < choices.length; i++) {
        const choice = choices[i]
        const done = typeof choice.finish_reason === "string" && choice.finish_reason !== ""
        const before = finished.get(choice.index)
        if (before === undefined) {
          finished.set(choice.index, done)
          if (!done) unfinished++
        } else if (!before && done) {
          finished.set(choice.index, true)
          unfinished--
        }
      }
    }
    type Out = Channel.Channel<
      Chunk.Chunk<ChatCompletionChunk>,
      Chunk.Chunk<Event>,
      E | ChatStreamError,
      E,
      unknown,
      unknown
    >
    const loop: Out = Channel.readWithCause({
      onInput: (input: Chunk.Chunk<Event>) => {
        const chunks: Array<ChatCompletionChunk> = []
        for (const event of input) {
          const signal = decodeEvent(event)
          if (signal._tag === "Done") return writeThen(chunks, Channel.void)
          if (signal._tag !== "Chunk") return writeThen(chunks, Channel.fail((signal as { error: ChatStreamError }).error))
          track(signal.chunk)
          chunks.push(signal.chunk)
        }
        return writeThen(chunks, loop)
      },
      onFailure: Channel.failCause,
      onDone: () =>
        finished.size > 0 && unfinished === 0
          ? Channel.void
          : Channel.fail(new IncompleteStreamError({ reason: "NoFinishReason", snapshot: none }))
    })
    return loop
  })
