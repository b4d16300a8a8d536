/**
 * The semantic events of a chat completion stream, and the pure function
 * that derives them from each chunk (stream contract §4).
 *
 * Each event is a `Schema.TaggedClass`, so it can be encoded to JSON (the
 * CLI's `--json`) and matched with `Match.tag` / `_tag`. Deltas carry the raw
 * fragment beside the accumulated text, so a renderer can append instead of
 * re-reading the whole text.
 *
 * The classes and their doc comments are in `internal/events`; the
 * derivation is in `internal/eventDerivation` (per chunk), `doneEvents`,
 * `derivationState`, `eventConstructors` and `textJson`. This module holds
 * the public names, types and entry points.
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import type * as Option from "effect/Option"
import type { ChatCompletionChunk } from "./ChatCompletion.js"
import type * as derivationState from "./internal/derivationState.js"
import * as eventConstructors from "./internal/eventConstructors.js"
import * as eventDerivation from "./internal/eventDerivation.js"
import * as events from "./internal/events.js"
import * as textJson from "./internal/textJson.js"
import * as Snapshot from "./Snapshot.js"

/**
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const isEvent = (u: object) => ChatStreamEvent.TypeId in u
 * ```
 *
 * @since 0.1.0
 * @category type id
 */
export const TypeId: typeof events.TypeId = events.TypeId

/**
 * The type of `TypeId`.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const hasTypeId = (u: object): u is { readonly [ChatStreamEvent.TypeId]: ChatStreamEvent.TypeId } =>
 *   ChatStreamEvent.TypeId in u
 * ```
 *
 * @since 0.1.0
 * @category type id
 */
export type TypeId = events.TypeId

// The event classes: `Schema.TaggedClass`es, documented where they are declared.
export {
  Chunk,
  ReasoningDelta,
  ReasoningDone,
  ContentDelta,
  ContentDone,
  RefusalDelta,
  RefusalDone,
  ToolCallArgumentsDelta,
  ToolCallArgumentsDone,
  LogProbsContentDelta,
  LogProbsContentDone,
  LogProbsRefusalDelta,
  LogProbsRefusalDone
} from "./internal/events.js"

/**
 * Builds an event from trusted fields without the Schema constructor's
 * per-call work (merging defaults, copying props), which dominated the cost
 * of a stream: the result has the same prototype and own properties as
 * `new EventClass(fields)`, in another order (`_tag` first here, last with
 * `new`; equality and the Schema encoding do not depend on the order, and
 * `JsonLines` writes `_tag` first for both). `step` builds the done events
 * with it, and the events of every chunk with one small function per type.
 *
 * @example
 * ```ts
 * import { Option } from "effect"
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const event = ChatStreamEvent.make(ChatStreamEvent.ContentDelta, {
 *   choiceIndex: 0, delta: "Hi", snapshot: "Hi", parsed: Option.none()
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: <C extends events.EventClass>(
  EventClass: C,
  fields: Omit<ConstructorParameters<C>[0], "_tag">
) => InstanceType<C> = eventConstructors.make

/**
 * The schema of every event, to encode one as JSON or decode a recorded one.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const toJson = Schema.encodeSync(ChatStreamEvent.ChatStreamEvent)
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatStreamEvent: typeof events.ChatStreamEvent = events.ChatStreamEvent

/**
 * An event of a stream; narrow it on `_tag`.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const render = (event: ChatStreamEvent.ChatStreamEvent): string => {
 *   switch (event._tag) {
 *     case "ContentDelta":
 *       return event.delta
 *     case "ToolCallArgumentsDone":
 *       return `\n[${event.name}(${event.arguments})]\n`
 *     default:
 *       return ""
 *   }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ChatStreamEvent = events.ChatStreamEvent

/**
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * declare const item: unknown
 * if (ChatStreamEvent.isChatStreamEvent(item)) console.log(item._tag)
 * ```
 *
 * @since 0.1.0
 * @category refinements
 */
export const isChatStreamEvent = (u: unknown): u is ChatStreamEvent => Predicate.hasProperty(u, TypeId)

// -----------------------------------------------------------------------------
// derivation
// -----------------------------------------------------------------------------

/**
 * `JSON.parse(text)` for text starting with `{` or `[` (after
 * `trimStart()`), none otherwise or when it is not valid JSON.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * ChatStreamEvent.parseDone("{\"a\":1}") // Option.some({ a: 1 })
 * ChatStreamEvent.parseDone("42") // Option.none()
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseDone: (text: string) => Option.Option<unknown> = textJson.parseDone

/**
 * What the event derivation knows about one tool call.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const [state] = ChatStreamEvent.step(ChatStreamEvent.initial, {
 *   id: "c1", created: 1, model: "m",
 *   choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: "call_1", function: { name: "lookup", arguments: "{\"q\":" } }] } }]
 * })
 * const open = (choice: ChatStreamEvent.ChoiceState): ReadonlyArray<ChatStreamEvent.ToolCallState> =>
 *   choice.toolCalls.filter((call) => !call.done)
 * open(state.choices[0]).map((call) => call.name) // ["lookup"]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ToolCallState = derivationState.ToolCallState

/**
 * What the event derivation knows about one choice.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const [state] = ChatStreamEvent.step(ChatStreamEvent.initial, {
 *   id: "c1", created: 1, model: "m", choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: "stop" }]
 * })
 * const choice: ChatStreamEvent.ChoiceState = state.choices[0]
 * choice.contentDone // true: its ContentDone was emitted
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ChoiceState = derivationState.ChoiceState

/**
 * The state of the derivation: the snapshot fold and, per choice, what was
 * emitted so far.
 *
 * @example
 * ```ts
 * import { ChatCompletion, ChatStreamEvent } from "effect-chat-stream"
 *
 * // the events of a complete response, without a stream
 * const eventsOf = (chunks: ReadonlyArray<ChatCompletion.ChatCompletionChunk>) => {
 *   let state: ChatStreamEvent.State = ChatStreamEvent.initial
 *   const events: Array<ChatStreamEvent.ChatStreamEvent> = []
 *   for (const chunk of chunks) {
 *     const [next, out] = ChatStreamEvent.step(state, chunk)
 *     state = next
 *     events.push(...out)
 *   }
 *   return [...events, ...ChatStreamEvent.finish(state)[1]]
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type State = derivationState.State

/**
 * The state before any chunk.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const [state, events] = ChatStreamEvent.step(ChatStreamEvent.initial, { id: "", created: 0, model: "", choices: [] })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const initial: State = { accumulator: Snapshot.empty, choices: [], partialJson: true }

const initialWithoutPartialJson: State = { accumulator: Snapshot.empty, choices: [], partialJson: false }

/**
 * The state before any chunk, with options. `partialJson: false` skips the
 * incremental partial-JSON parse: every `ContentDelta.parsed` and
 * `ToolCallArgumentsDelta.parsedArguments` is `Option.none()`, everything
 * else is as with `initial` (the done events still carry `JSON.parse` of the
 * whole text). For consumers that only read the finished values: on 200 KB
 * of tool-call arguments the parse is about 15% (string-shaped) to 45% (an
 * array of objects) of the cost. This departs from
 * contract §4 ("every delta event carries it") on request only; `initial`
 * follows it.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const [, events] = ChatStreamEvent.step(ChatStreamEvent.initialWith({ partialJson: false }), {
 *   id: "c1", created: 1, model: "m", choices: [{ index: 0, delta: { content: "{\"a\": 1" } }]
 * })
 * // events[1] is a ContentDelta whose parsed is Option.none()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const initialWith = (options: { readonly partialJson?: boolean | undefined }): State =>
  options.partialJson === false ? initialWithoutPartialJson : initial

/**
 * Folds one chunk and derives its events: the `Chunk` event, then each
 * choice entry's events in the chunk's order (contract §4). Pure: the input
 * state stays valid.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const [state, events] = ChatStreamEvent.step(ChatStreamEvent.initial, {
 *   id: "c1", created: 1, model: "m", choices: [{ index: 0, delta: { content: "Hi" } }]
 * })
 * events.map((e) => e._tag) // ["Chunk", "ContentDelta"]
 * ```
 *
 * @since 0.1.0
 * @category derivation
 */
export const step: (
  state: State,
  chunk: ChatCompletionChunk
) => readonly [State, ReadonlyArray<ChatStreamEvent>] = eventDerivation.step

/**
 * Whether a stream that ends here is complete without `[DONE]`: at least
 * one choice arrived and every choice has a `finish_reason`.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * ChatStreamEvent.isFinished(ChatStreamEvent.initial) // false
 * ```
 *
 * @since 0.1.0
 * @category derivation
 */
export const isFinished = (state: State): boolean =>
  state.accumulator.choices.length > 0 &&
  state.accumulator.choices.every((c) => c.choice.finish_reason !== null)

/**
 * The done events due at the end of a complete stream: those of every choice
 * that never got a `finish_reason`, in index order.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const [, events] = ChatStreamEvent.finish(ChatStreamEvent.initial) // no events
 * ```
 *
 * @since 0.1.0
 * @category derivation
 */
export const finish: (state: State) => readonly [State, ReadonlyArray<ChatStreamEvent>] = eventDerivation.finish
