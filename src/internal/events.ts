/**
 * The event classes of `ChatStreamEvent` (`Schema.TaggedClass`es, with their
 * doc comments), the list of them, and the schema of every event. The public
 * `ChatStreamEvent` module re-exports them.
 *
 * Not public API. (This comment carries no internal tag: it would strip the
 * import below it, and the classes, which `ChatStreamEvent` publishes, from
 * the published declarations.)
 */
import * as Schema from "effect/Schema"
import { ChatCompletion, ChatCompletionChunk, TokenLogprob } from "../ChatCompletion.js"

/** The type id of every event (see `ChatStreamEvent.TypeId`). */
export const TypeId: unique symbol = Symbol.for("effect-chat-stream/ChatStreamEvent")

/** The type of `TypeId`. */
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

export const eventClasses = [
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

/** The class of an event, as `make` takes it. */
export type EventClass = (typeof eventClasses)[number]

/** The schema of every event (see `ChatStreamEvent.ChatStreamEvent`). */
export const ChatStreamEvent = Schema.Union(...eventClasses)

/** An event of a stream (see `ChatStreamEvent.ChatStreamEvent`). */
export type ChatStreamEvent = typeof ChatStreamEvent.Type
