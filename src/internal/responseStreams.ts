/**
 * The streams of an open response (`ChatCompletions.ChatCompletionStream`):
 * its body read once, as bytes and through the core pipeline (events, chunks,
 * snapshots), each noting for the span what it sees (the first token, the
 * error). The body's end closes the attempt's scope.
 *
 * Not public API.
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { ChatCompletion, ChatCompletionChunk } from "../ChatCompletion.js"
import * as ChatStream from "../ChatStream.js"
import type { ChatStreamError } from "../ChatStreamError.js"
import type { ChatStreamEvent } from "../ChatStreamEvent.js"
import { type Observation, observeChunk, observeSnapshot } from "./requestSpan.js"
import { bodyOf, type BodyOptions } from "./responseBody.js"

const consumedTwice = () =>
  new Error(
    "effect-chat-stream: the body of this ChatCompletionStream was already read; a response is read once. " +
      "Call stream(params) again, or use client.events(params), which opens a request each time it runs."
  )

/** The body's streams of `ChatCompletions.ChatCompletionStream`. */
export interface ResponseStreams {
  readonly bytes: Stream.Stream<Uint8Array, ChatStreamError>
  readonly events: Stream.Stream<ChatStreamEvent, ChatStreamError>
  readonly chunks: Stream.Stream<ChatCompletionChunk, ChatStreamError>
  readonly snapshots: Stream.Stream<ChatCompletion, ChatStreamError>
}

export const responseStreams = (
  response: HttpClientResponse.HttpClientResponse,
  attemptScope: Scope.CloseableScope,
  options: BodyOptions,
  pipelineOptions: ChatStream.Options,
  observation: Observation
): ResponseStreams => {
  let consumed = false
  const bytes: Stream.Stream<Uint8Array, ChatStreamError> = Stream.suspend(() => {
    if (consumed) return Stream.die(consumedTwice())
    consumed = true
    return bodyOf(response, options)
  }).pipe(Stream.ensuring(Scope.close(attemptScope, Exit.void)))

  const markFirstToken = <A>(chunk: Chunk.Chunk<A>, first: boolean) =>
    first
      ? Effect.map(Clock.currentTimeMillis, (at) => {
        observation.firstTokenAt = at
        return chunk
      })
      : Effect.succeed(chunk)
  const noteError = <A, R>(self: Stream.Stream<A, ChatStreamError, R>) =>
    Stream.tapError(self, (error) => Effect.sync(() => (observation.error = error._tag)))

  const events = ChatStream.events(bytes, pipelineOptions).pipe(
    Stream.mapChunksEffect((chunk) => {
      let first = false
      for (const event of chunk) {
        if (event._tag === "Chunk" && observeChunk(observation, event.chunk)) first = true
      }
      return markFirstToken(chunk, first)
    }),
    noteError
  )
  const chunks = ChatStream.chunks(bytes, pipelineOptions).pipe(
    Stream.mapChunksEffect((chunk) => {
      let first = false
      for (const item of chunk) if (observeChunk(observation, item)) first = true
      return markFirstToken(chunk, first)
    }),
    noteError
  )
  const snapshots = ChatStream.snapshots(bytes, pipelineOptions).pipe(
    Stream.mapChunksEffect((chunk) => {
      let first = false
      for (const item of chunk) if (observeSnapshot(observation, item)) first = true
      return markFirstToken(chunk, first)
    }),
    noteError
  )
  return { bytes, events, chunks, snapshots }
}
