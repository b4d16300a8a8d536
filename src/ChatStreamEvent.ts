/**
 * The semantic events of a chat completion stream, and the pure function
 * that derives them from each chunk (stream contract §4).
 *
 * Each event is a `Schema.TaggedClass`, so it can be encoded to JSON (the
 * CLI's `--json`) and matched with `Match.tag` / `_tag`. Deltas carry the raw
 * fragment beside the accumulated text, so a renderer can append instead of
 * re-reading the whole text.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import {
  ChatCompletion,
  ChatCompletionChunk,
  type ChatCompletionChoice,
  type ChatCompletionLogprobs,
  TokenLogprob
} from "./ChatCompletion.js"
import { defineLazy } from "./internal/appendLog.js"
import type { ParserImpl } from "./internal/partialJson.js"
import { findIndexed, type Mutable, upsertIndexed } from "./internal/indexed.js"
import * as PartialJson from "./PartialJson.js"
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
export const TypeId: unique symbol = Symbol.for("effect-chat-stream/ChatStreamEvent")

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
export type TypeId = typeof TypeId

/** A parsed JSON value, or none: `null` in JSON. */
const Parsed = Schema.OptionFromNullOr(Schema.Unknown)
const Logprobs = Schema.Array(TokenLogprob)

/**
 * Every chunk as received (with the contract's defaults) and the snapshot
 * after it.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const isChunk = (event: ChatStreamEvent.ChatStreamEvent) => event._tag === "Chunk"
 * ```
 *
 * @since 0.1.0
 * @category events
 */
export class Chunk extends Schema.TaggedClass<Chunk>("effect-chat-stream/ChatStreamEvent/Chunk")("Chunk", {
  chunk: ChatCompletionChunk,
  snapshot: ChatCompletion
}) {
  /** @since 0.1.0 */
  declare readonly [TypeId]: TypeId
}

/**
 * A fragment of reasoning text (`reasoning_content`, else `reasoning`), and
 * the reasoning received so far.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const show = (e: ChatStreamEvent.ReasoningDelta) => process.stdout.write(e.delta)
 * ```
 *
 * @since 0.1.0
 * @category events
 */
export class ReasoningDelta extends Schema.TaggedClass<ReasoningDelta>("effect-chat-stream/ChatStreamEvent/ReasoningDelta")(
  "ReasoningDelta",
  { choiceIndex: Schema.Number, delta: Schema.String, snapshot: Schema.String }
) {
  /** @since 0.1.0 */
  declare readonly [TypeId]: TypeId
}

/**
 * A choice's reasoning is complete.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const text = (e: ChatStreamEvent.ReasoningDone) => e.reasoning
 * ```
 *
 * @since 0.1.0
 * @category events
 */
export class ReasoningDone extends Schema.TaggedClass<ReasoningDone>("effect-chat-stream/ChatStreamEvent/ReasoningDone")(
  "ReasoningDone",
  { choiceIndex: Schema.Number, reasoning: Schema.String }
) {
  /** @since 0.1.0 */
  declare readonly [TypeId]: TypeId
}

/**
 * A fragment of content, the content so far, and — when the content is
 * JSON (starts with `{` or `[`) — its partial parse.
 *
 * @example
 * ```ts
 * import { Option } from "effect"
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const preview = (e: ChatStreamEvent.ContentDelta) => Option.getOrElse(e.parsed, () => e.snapshot)
 * ```
 *
 * @since 0.1.0
 * @category events
 */
export class ContentDelta extends Schema.TaggedClass<ContentDelta>("effect-chat-stream/ChatStreamEvent/ContentDelta")(
  "ContentDelta",
  { choiceIndex: Schema.Number, delta: Schema.String, snapshot: Schema.String, parsed: Parsed }
) {
  /** @since 0.1.0 */
  declare readonly [TypeId]: TypeId
}

/**
 * A choice's content is complete; `parsed` is `JSON.parse` of it when it is
 * valid JSON starting with `{` or `[`.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const text = (e: ChatStreamEvent.ContentDone) => e.content
 * ```
 *
 * @since 0.1.0
 * @category events
 */
export class ContentDone extends Schema.TaggedClass<ContentDone>("effect-chat-stream/ChatStreamEvent/ContentDone")(
  "ContentDone",
  { choiceIndex: Schema.Number, content: Schema.String, parsed: Parsed }
) {
  /** @since 0.1.0 */
  declare readonly [TypeId]: TypeId
}

/**
 * A fragment of a refusal and the refusal so far.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const text = (e: ChatStreamEvent.RefusalDelta) => e.snapshot
 * ```
 *
 * @since 0.1.0
 * @category events
 */
export class RefusalDelta extends Schema.TaggedClass<RefusalDelta>("effect-chat-stream/ChatStreamEvent/RefusalDelta")(
  "RefusalDelta",
  { choiceIndex: Schema.Number, delta: Schema.String, snapshot: Schema.String }
) {
  /** @since 0.1.0 */
  declare readonly [TypeId]: TypeId
}

/**
 * A choice's refusal is complete.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const text = (e: ChatStreamEvent.RefusalDone) => e.refusal
 * ```
 *
 * @since 0.1.0
 * @category events
 */
export class RefusalDone extends Schema.TaggedClass<RefusalDone>("effect-chat-stream/ChatStreamEvent/RefusalDone")(
  "RefusalDone",
  { choiceIndex: Schema.Number, refusal: Schema.String }
) {
  /** @since 0.1.0 */
  declare readonly [TypeId]: TypeId
}

/**
 * A fragment of a tool call's arguments, the arguments so far and their
 * partial parse. `id` and `name` are those known at this moment (`""`
 * while unknown).
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const line = (e: ChatStreamEvent.ToolCallArgumentsDelta) => `${e.name}: ${e.arguments}`
 * ```
 *
 * @since 0.1.0
 * @category events
 */
export class ToolCallArgumentsDelta
  extends Schema.TaggedClass<ToolCallArgumentsDelta>("effect-chat-stream/ChatStreamEvent/ToolCallArgumentsDelta")(
    "ToolCallArgumentsDelta",
    {
      choiceIndex: Schema.Number,
      toolCallIndex: Schema.Number,
      id: Schema.String,
      name: Schema.String,
      argumentsDelta: Schema.String,
      arguments: Schema.String,
      parsedArguments: Parsed
    }
  )
{
  /** @since 0.1.0 */
  declare readonly [TypeId]: TypeId
}

/**
 * A tool call's arguments are complete; `parsedArguments` is `JSON.parse`
 * of them when they are valid JSON starting with `{` or `[` (none
 * otherwise, as for `ContentDone.parsed`).
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const call = (e: ChatStreamEvent.ToolCallArgumentsDone) => ({ name: e.name, args: e.parsedArguments })
 * ```
 *
 * @since 0.1.0
 * @category events
 */
export class ToolCallArgumentsDone
  extends Schema.TaggedClass<ToolCallArgumentsDone>("effect-chat-stream/ChatStreamEvent/ToolCallArgumentsDone")(
    "ToolCallArgumentsDone",
    {
      choiceIndex: Schema.Number,
      toolCallIndex: Schema.Number,
      id: Schema.String,
      name: Schema.String,
      arguments: Schema.String,
      parsedArguments: Parsed
    }
  )
{
  /** @since 0.1.0 */
  declare readonly [TypeId]: TypeId
}

/**
 * The content logprobs a chunk carried, and all received so far.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const tokens = (e: ChatStreamEvent.LogProbsContentDelta) => e.values.map((v) => v.token)
 * ```
 *
 * @since 0.1.0
 * @category events
 */
export class LogProbsContentDelta
  extends Schema.TaggedClass<LogProbsContentDelta>("effect-chat-stream/ChatStreamEvent/LogProbsContentDelta")(
    "LogProbsContentDelta",
    { choiceIndex: Schema.Number, values: Logprobs, snapshot: Logprobs }
  )
{
  /** @since 0.1.0 */
  declare readonly [TypeId]: TypeId
}

/**
 * A choice's content logprobs are complete.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const count = (e: ChatStreamEvent.LogProbsContentDone) => e.values.length
 * ```
 *
 * @since 0.1.0
 * @category events
 */
export class LogProbsContentDone
  extends Schema.TaggedClass<LogProbsContentDone>("effect-chat-stream/ChatStreamEvent/LogProbsContentDone")(
    "LogProbsContentDone",
    { choiceIndex: Schema.Number, values: Logprobs }
  )
{
  /** @since 0.1.0 */
  declare readonly [TypeId]: TypeId
}

/**
 * The refusal logprobs a chunk carried, and all received so far.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const tokens = (e: ChatStreamEvent.LogProbsRefusalDelta) => e.values.map((v) => v.token)
 * ```
 *
 * @since 0.1.0
 * @category events
 */
export class LogProbsRefusalDelta
  extends Schema.TaggedClass<LogProbsRefusalDelta>("effect-chat-stream/ChatStreamEvent/LogProbsRefusalDelta")(
    "LogProbsRefusalDelta",
    { choiceIndex: Schema.Number, values: Logprobs, snapshot: Logprobs }
  )
{
  /** @since 0.1.0 */
  declare readonly [TypeId]: TypeId
}

/**
 * A choice's refusal logprobs are complete.
 *
 * @example
 * ```ts
 * import { ChatStreamEvent } from "effect-chat-stream"
 *
 * const count = (e: ChatStreamEvent.LogProbsRefusalDone) => e.values.length
 * ```
 *
 * @since 0.1.0
 * @category events
 */
export class LogProbsRefusalDone
  extends Schema.TaggedClass<LogProbsRefusalDone>("effect-chat-stream/ChatStreamEvent/LogProbsRefusalDone")(
    "LogProbsRefusalDone",
    { choiceIndex: Schema.Number, values: Logprobs }
  )
{
  /** @since 0.1.0 */
  declare readonly [TypeId]: TypeId
}

const eventClasses = [
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
] as const

for (const EventClass of eventClasses) {
  Object.defineProperty(EventClass.prototype, TypeId, { value: TypeId })
}

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
export const make = <C extends (typeof eventClasses)[number]>(
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

const chunkEvent = (chunk: ChatCompletionChunk, snapshot: ChatCompletion): Chunk => {
  const event: Mutable<Chunk> = Object.create(Chunk.prototype)
  event._tag = "Chunk"
  event.chunk = chunk
  event.snapshot = snapshot
  return event
}

/** A `ReasoningDelta` or a `RefusalDelta`: the same fields. */
const textDelta = <C extends typeof ReasoningDelta | typeof RefusalDelta>(
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

const contentDelta = (
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

const toolCallArgumentsDelta = (
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
export const ChatStreamEvent = Schema.Union(...eventClasses)

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
export type ChatStreamEvent = typeof ChatStreamEvent.Type

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
 * The partial-JSON state of a text: `undefined` while only whitespace
 * arrived, `null` when it does not start with `{` or `[`, else the parser.
 */
type JsonState = PartialJson.Parser | null | undefined

/**
 * Whether text is JSON for `parsed` (§4): its first character after
 * `trimStart()` is `{` or `[`; `undefined` while it is only whitespace.
 */
const startsJson = (text: string): boolean | undefined => {
  const start = text.trimStart()
  return start === "" ? undefined : start[0] === "{" || start[0] === "["
}

/**
 * Feeds a delta of a text; `whole` is the text with the delta (the snapshot's
 * string), which the parser shares when it has read the text from its start.
 */
const feedJson = (state: JsonState, delta: string, whole: string): JsonState => {
  if (state === null) return null
  if (state !== undefined) return (state as ParserImpl).feed(delta, whole)
  // Undecided: everything before was whitespace, so the delta decides.
  const json = startsJson(delta)
  return json === undefined ? undefined : json ? (PartialJson.empty as ParserImpl).feed(delta, whole) : null
}

const jsonValue = (state: JsonState): Option.Option<unknown> =>
  state === null || state === undefined ? Option.none() : PartialJson.value(state)

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
export const parseDone = (text: string): Option.Option<unknown> => {
  if (startsJson(text) !== true) return Option.none()
  try {
    return Option.some(JSON.parse(text))
  } catch {
    return Option.none()
  }
}

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
export interface ToolCallState {
  readonly index: number
  readonly done: boolean
  /**
   * The call as the fragments seen so far make it, in fragment order. Kept
   * here rather than read from the snapshot: the snapshot is taken after the
   * whole choice entry, and a later fragment of the same entry may already
   * have added to it.
   */
  readonly id: string
  readonly name: string
  readonly arguments: string
  readonly json: JsonState
}

/** `json` starts undecided, or `null` (not parsed) when partial JSON is off. */
const newToolCallState = (index: number, partialJson: boolean): ToolCallState => ({
  index,
  done: false,
  id: "",
  name: "",
  arguments: "",
  json: partialJson ? undefined : null
})

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
export interface ChoiceState {
  readonly index: number
  readonly reasoning: string
  readonly reasoningDone: boolean
  readonly contentJson: JsonState
  readonly contentDone: boolean
  readonly refusalDone: boolean
  readonly logprobsContentDone: boolean
  readonly logprobsRefusalDone: boolean
  readonly currentToolCall: number | undefined
  /** In ascending index order. */
  readonly toolCalls: ReadonlyArray<ToolCallState>
}

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
export interface State {
  readonly accumulator: Snapshot.Accumulator
  readonly choices: ReadonlyArray<ChoiceState>
  /**
   * Whether choices and tool calls the derivation meets from here on parse
   * partial JSON for their delta events (`parsed`, `parsedArguments`); set by
   * `initialWith`.
   */
  readonly partialJson: boolean
}

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

const newChoiceState = (index: number, partialJson: boolean): ChoiceState => ({
  index,
  reasoning: "",
  reasoningDone: false,
  contentJson: partialJson ? undefined : null,
  contentDone: false,
  refusalDone: false,
  logprobsContentDone: false,
  logprobsRefusalDone: false,
  currentToolCall: undefined,
  toolCalls: []
})

/** A copy to build the next state on (a literal: much faster than a spread). */
const copyChoiceState = (previous: ChoiceState): Mutable<ChoiceState> => ({
  index: previous.index,
  reasoning: previous.reasoning,
  reasoningDone: previous.reasoningDone,
  contentJson: previous.contentJson,
  contentDone: previous.contentDone,
  refusalDone: previous.refusalDone,
  logprobsContentDone: previous.logprobsContentDone,
  logprobsRefusalDone: previous.logprobsRefusalDone,
  currentToolCall: previous.currentToolCall,
  toolCalls: previous.toolCalls
})

const indexOf = (item: { readonly index: number }): number => item.index

const findToolCall = (calls: ReadonlyArray<ToolCallState>, index: number): number => findIndexed(calls, index, indexOf)

const setToolCall = (calls: ReadonlyArray<ToolCallState>, next: ToolCallState): ReadonlyArray<ToolCallState> =>
  upsertIndexed(calls, next, indexOf)

const toolCallDone = (
  state: Mutable<ChoiceState>,
  index: number,
  out: Array<ChatStreamEvent>
): void => {
  const at = findToolCall(state.toolCalls, index)
  // A call the derivation never saw (no pipeline gets here) is done with empty arguments.
  const previous: ToolCallState = at >= 0 ? state.toolCalls[at] : newToolCallState(index, false)
  if (previous.done) return
  out.push(
    make(ToolCallArgumentsDone, {
      choiceIndex: state.index,
      toolCallIndex: index,
      id: previous.id,
      name: previous.name,
      arguments: previous.arguments,
      parsedArguments: parseDone(previous.arguments)
    })
  )
  state.toolCalls = setToolCall(state.toolCalls, {
    index: previous.index,
    done: true,
    id: previous.id,
    name: previous.name,
    arguments: previous.arguments,
    json: previous.json
  })
}

/**
 * Makes a logprobs delta's `snapshot` read the snapshot's array lazily: the
 * array is copied from the shared log only when someone reads it (see
 * `internal/appendLog`), so a stream costs O(1) per chunk for it.
 */
const lazySnapshot = <E extends LogProbsContentDelta | LogProbsRefusalDelta>(
  event: E,
  logprobs: ChatCompletionLogprobs,
  key: "content" | "refusal"
): E => {
  defineLazy(event, "snapshot", () => logprobs[key] ?? [])
  return event
}

/** The done events of step 2.6 of the contract. */
const doneEvents = (
  state: Mutable<ChoiceState>,
  choice: Snapshot.ChoiceState,
  out: Array<ChatStreamEvent>
): void => {
  const snapshot: ChatCompletionChoice = choice.choice
  const message = snapshot.message
  const choiceIndex = state.index
  if (!state.reasoningDone && state.reasoning !== "") {
    out.push(make(ReasoningDone, { choiceIndex, reasoning: state.reasoning }))
    state.reasoningDone = true
  }
  if (!state.contentDone && message.content !== null) {
    out.push(make(ContentDone, { choiceIndex, content: message.content, parsed: parseDone(message.content) }))
    state.contentDone = true
  }
  if (!state.refusalDone && message.refusal !== null) {
    out.push(make(RefusalDone, { choiceIndex, refusal: message.refusal }))
    state.refusalDone = true
  }
  const logprobs = snapshot.logprobs
  if (!state.logprobsContentDone && logprobs?.content != null && logprobs.content.length > 0) {
    out.push(make(LogProbsContentDone, { choiceIndex, values: logprobs.content }))
    state.logprobsContentDone = true
  }
  if (!state.logprobsRefusalDone && logprobs?.refusal != null && logprobs.refusal.length > 0) {
    out.push(make(LogProbsRefusalDone, { choiceIndex, values: logprobs.refusal }))
    state.logprobsRefusalDone = true
  }
  for (const index of choice.toolCallIndexes) toolCallDone(state, index, out)
}

/** The arguments of a choice's tool call in the snapshot ("" if it has none). */
const snapshotArguments = (choice: Snapshot.ChoiceState, index: number): string => {
  const calls = choice.choice.message.tool_calls
  if (calls === undefined) return ""
  const at = choice.toolCallIndexes.indexOf(index)
  return at < 0 ? "" : calls[at].function.arguments
}

/** Events of one choice entry, right after it was folded in. */
const choiceEvents = (
  previous: ChoiceState,
  entry: ChatCompletionChunk["choices"][number],
  choice: Snapshot.ChoiceState,
  resolvedToolCalls: ReadonlyArray<number>,
  partialJson: boolean,
  out: Array<ChatStreamEvent>
): ChoiceState => {
  const state = copyChoiceState(previous)
  const choiceIndex = state.index
  const delta = entry.delta
  const message = choice.choice.message

  const reasoning = delta.reasoning_content !== undefined && delta.reasoning_content !== ""
    ? delta.reasoning_content
    : delta.reasoning
  if (reasoning !== undefined && reasoning !== "" && !state.reasoningDone) {
    state.reasoning = state.reasoning + reasoning
    out.push(textDelta(ReasoningDelta, choiceIndex, reasoning, state.reasoning))
  }

  if (delta.content !== undefined && delta.content !== "" && !state.contentDone) {
    state.contentJson = feedJson(state.contentJson, delta.content, message.content!)
    out.push(contentDelta(choiceIndex, delta.content, message.content!, jsonValue(state.contentJson)))
  }

  if (delta.refusal !== undefined && delta.refusal !== "" && !state.refusalDone) {
    out.push(textDelta(RefusalDelta, choiceIndex, delta.refusal, message.refusal!))
  }

  const logprobs = entry.logprobs
  if (logprobs !== undefined) {
    if (logprobs.content !== undefined && logprobs.content.length > 0 && !state.logprobsContentDone) {
      out.push(lazySnapshot(
        make(LogProbsContentDelta, { choiceIndex, values: logprobs.content, snapshot: [] }),
        choice.choice.logprobs!,
        "content"
      ))
    }
    if (logprobs.refusal !== undefined && logprobs.refusal.length > 0 && !state.logprobsRefusalDone) {
      out.push(lazySnapshot(
        make(LogProbsRefusalDelta, { choiceIndex, values: logprobs.refusal, snapshot: [] }),
        choice.choice.logprobs!,
        "refusal"
      ))
    }
  }

  const fragments = delta.tool_calls
  if (fragments !== undefined) {
    for (let i = 0; i < fragments.length; i++) {
      const index = resolvedToolCalls[i]
      if (index !== state.currentToolCall) {
        if (state.currentToolCall !== undefined) toolCallDone(state, state.currentToolCall, out)
        state.currentToolCall = index
      }
      const fragment = fragments[i]
      const at = findToolCall(state.toolCalls, index)
      const previous: ToolCallState = at >= 0 ? state.toolCalls[at] : newToolCallState(index, partialJson)
      if (previous.done) continue
      // The same rules as the fold: id and name from the first non-empty value.
      const id = previous.id === "" && fragment.id !== undefined ? fragment.id : previous.id
      const fragmentName = fragment.function?.name
      const name = previous.name === "" && fragmentName !== undefined ? fragmentName : previous.name
      const argumentsDelta = Snapshot.argumentsText(fragment)
      if (argumentsDelta === "") {
        state.toolCalls = setToolCall(state.toolCalls, {
          index,
          done: false,
          id,
          name,
          arguments: previous.arguments,
          json: previous.json
        })
        continue
      }
      // The call's text so far: the snapshot's string when this fragment is
      // its last one in the entry (same length: the same fragments), so the
      // two are one rope rather than two.
      const length = previous.arguments.length + argumentsDelta.length
      const snapshotText = snapshotArguments(choice, index)
      const text = snapshotText.length === length ? snapshotText : previous.arguments + argumentsDelta
      const json = feedJson(previous.json, argumentsDelta, text)
      state.toolCalls = setToolCall(state.toolCalls, { index, done: false, id, name, arguments: text, json })
      out.push(toolCallArgumentsDelta(choiceIndex, index, id, name, argumentsDelta, text, jsonValue(json)))
    }
  }

  if (choice.choice.finish_reason !== null) doneEvents(state, choice, out)
  return state
}

const getChoiceState = (choices: ReadonlyArray<ChoiceState>, index: number): ChoiceState | undefined => {
  const at = findIndexed(choices, index, indexOf)
  return at < 0 ? undefined : choices[at]
}

const setChoiceState = (choices: ReadonlyArray<ChoiceState>, next: ChoiceState): ReadonlyArray<ChoiceState> =>
  upsertIndexed(choices, next, indexOf)

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
export const step = (
  state: State,
  chunk: ChatCompletionChunk
): readonly [State, ReadonlyArray<ChatStreamEvent>] => {
  // The `Chunk` event comes first; it is made last, once the snapshot is.
  const out: Array<ChatStreamEvent> = [undefined as unknown as ChatStreamEvent]
  let folded = state.accumulator.choices
  let choices = state.choices
  for (const entry of chunk.choices) {
    const { state: choice, toolCallIndexes } = Snapshot.foldChoice(Snapshot.getChoice(folded, entry.index), entry)
    folded = Snapshot.setChoice(folded, choice)
    const previous = getChoiceState(choices, entry.index) ?? newChoiceState(entry.index, state.partialJson)
    choices = setChoiceState(choices, choiceEvents(previous, entry, choice, toolCallIndexes, state.partialJson, out))
  }
  const snapshot = Snapshot.foldHeader(state.accumulator.snapshot, chunk, folded.map((c) => c.choice))
  const accumulator: Snapshot.Accumulator = { snapshot: Option.some(snapshot), choices: folded }
  out[0] = chunkEvent(chunk, snapshot)
  return [{ accumulator, choices, partialJson: state.partialJson }, out]
}

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
export const finish = (state: State): readonly [State, ReadonlyArray<ChatStreamEvent>] => {
  const out: Array<ChatStreamEvent> = []
  let choices = state.choices
  for (const choice of state.accumulator.choices) {
    if (choice.choice.finish_reason !== null) continue
    const previous = getChoiceState(choices, choice.choice.index) ??
      newChoiceState(choice.choice.index, state.partialJson)
    const next = copyChoiceState(previous)
    doneEvents(next, choice, out)
    choices = setChoiceState(choices, next)
  }
  return [{ accumulator: state.accumulator, choices, partialJson: state.partialJson }, out]
}
