/**
 * How events are built without the Schema constructor: `make` (the generic
 * one, for the done events) and one small function per type for the events
 * of every chunk.
 *
 * Not public API.
 */
import type * as Option from "effect/Option"
import type { ChatCompletion, ChatCompletionChunk } from "../ChatCompletion.js"
import {
  Chunk,
  ContentDelta,
  type EventClass,
  type ReasoningDelta,
  type RefusalDelta,
  ToolCallArgumentsDelta
} from "./events.js"
import type { Mutable } from "./indexed.js"

/**
 * Builds an event from trusted fields without the Schema constructor's
 * per-call work (see `ChatStreamEvent.make`): same prototype and own
 * properties as `new EventClass(fields)`, `_tag` first.
 *
 * @internal
 */
export const make = <C extends EventClass>(
  EventClass: C,
  fields: Omit<ConstructorParameters<C>[0], "_tag">
): InstanceType<C> => {
  const event = Object.create(EventClass.prototype)
  event._tag = EventClass._tag
  return Object.assign(event, fields)
}

// The events of every chunk are built by these: an `Object.create` and one
// store per field is several times faster than `make`'s `Object.assign`. Same
// prototype, own properties and their order as `make` gives.

/** @internal */
export const chunkEvent = (chunk: ChatCompletionChunk, snapshot: ChatCompletion): Chunk => {
  const event: Mutable<Chunk> = Object.create(Chunk.prototype)
  event._tag = "Chunk"
  event.chunk = chunk
  event.snapshot = snapshot
  return event
}

/**
 * A `ReasoningDelta` or a `RefusalDelta`: the same fields.
 *
 * @internal
 */
export const textDelta = <C extends typeof ReasoningDelta | typeof RefusalDelta>(
  EventClass: C,
  choiceIndex: number,
  delta: string,
  snapshot: string
): InstanceType<C> => {
  const event: Mutable<ReasoningDelta | RefusalDelta> = Object.create(EventClass.prototype)
  event._tag = EventClass._tag
  event.choiceIndex = choiceIndex
  event.delta = delta
  event.snapshot = snapshot
  return event as InstanceType<C>
}

/** @internal */
export const contentDelta = (
  choiceIndex: number,
  delta: string,
  snapshot: string,
  parsed: Option.Option<unknown>
): ContentDelta => {
  const event: Mutable<ContentDelta> = Object.create(ContentDelta.prototype)
  event._tag = "ContentDelta"
  event.choiceIndex = choiceIndex
  event.delta = delta
  event.snapshot = snapshot
  event.parsed = parsed
  return event
}

/** @internal */
export const toolCallArgumentsDelta = (
  choiceIndex: number,
  toolCallIndex: number,
  id: string,
  name: string,
  argumentsDelta: string,
  text: string,
  parsedArguments: Option.Option<unknown>
): ToolCallArgumentsDelta => {
  const event: Mutable<ToolCallArgumentsDelta> = Object.create(ToolCallArgumentsDelta.prototype)
  event._tag = "ToolCallArgumentsDelta"
  event.choiceIndex = choiceIndex
  event.toolCallIndex = toolCallIndex
  event.id = id
  event.name = name
  event.argumentsDelta = argumentsDelta
  event.arguments = text
  event.parsedArguments = parsedArguments
  return event
}
