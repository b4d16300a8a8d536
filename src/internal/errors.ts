/**
 * The error classes of `ChatStreamError.ts` (`Schema.TaggedError`s), with
 * their type id and snapshot Schema, defined here so that the internal
 * modules that build them (`internal/apiError.ts`) need not import the public
 * module. `ChatStreamError.ts` re-exports each under the same name, with its
 * documentation.
 *
 * Not public API: use them from `ChatStreamError`. (This comment carries no
 * internal tag: it would strip the imports below it from the published
 * declarations.)
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { ChatCompletion } from "../ChatCompletion.js"

/** The type id of every error of `ChatStreamError`: see `ChatStreamError.TypeId`. */
export const TypeId: unique symbol = Symbol.for("effect-chat-stream/ChatStreamError")

/** The type of `TypeId`. */
export type TypeId = typeof TypeId

/** The snapshot an error carries: see `ChatStreamError.SnapshotSchema`. */
export const SnapshotSchema = Schema.OptionFromNullOr(ChatCompletion)

/** The server-sent-events layer stopped: see `ChatStreamError.SseError`. */
export class SseError extends Schema.TaggedError<SseError>("effect-chat-stream/SseError")("SseError", {
  reason: Schema.Literal("EventTooLarge", "InvalidLimit"),
  limit: Schema.Number,
  snapshot: SnapshotSchema
}) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 0.1.0
   */
  override get message(): string {
    return this.reason === "InvalidLimit"
      ? `\`maxEventBytes\` must be a positive integer number of bytes (or Infinity for no limit), got ${this.limit}`
      : `A server-sent event exceeded the limit of ${this.limit} bytes; raise \`maxEventBytes\` if the server really sends events this large`
  }
}

/** An event's data was not a chunk: see `ChatStreamError.ChunkDecodeError`. */
export class ChunkDecodeError extends Schema.TaggedError<ChunkDecodeError>("effect-chat-stream/ChunkDecodeError")(
  "ChunkDecodeError",
  {
    text: Schema.String,
    reason: Schema.String,
    snapshot: SnapshotSchema
  }
) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 0.1.0
   */
  override get message(): string {
    const preview = this.text.length > 120 ? `${this.text.slice(0, 120)}…` : this.text
    return `Could not decode a stream chunk (${this.reason}): ${JSON.stringify(preview)}`
  }
}

/** The provider reported an error: see `ChatStreamError.ApiError`. */
export class ApiError extends Schema.TaggedError<ApiError>("effect-chat-stream/ApiError")("ApiError", {
  message: Schema.String,
  type: Schema.NullOr(Schema.String),
  code: Schema.NullOr(Schema.Union(Schema.String, Schema.Number)),
  param: Schema.NullOr(Schema.String),
  status: Schema.optional(Schema.Number),
  requestId: Schema.optional(Schema.NullOr(Schema.String)),
  body: Schema.optional(Schema.String),
  snapshot: SnapshotSchema
}) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/** Why a stream was incomplete: see `ChatStreamError.IncompleteReason`. */
export const IncompleteReason = Schema.Literal("NoFinishReason", "CutInsideEvent", "Transport", "IdleTimeout")

/** The stream ended before it was complete: see `ChatStreamError.IncompleteStreamError`. */
export class IncompleteStreamError extends Schema.TaggedError<IncompleteStreamError>(
  "effect-chat-stream/IncompleteStreamError"
)("IncompleteStreamError", {
  reason: IncompleteReason,
  detail: Schema.optional(Schema.String),
  snapshot: SnapshotSchema,
  cause: Schema.optional(Schema.Defect)
}) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 0.1.0
   */
  override get message(): string {
    const what = {
      NoFinishReason: "The stream ended before every choice had a finish_reason and without [DONE]",
      CutInsideEvent: "The connection ended inside a server-sent event",
      Transport: "Reading the response body failed",
      IdleTimeout: "The server sent nothing for longer than the idle timeout"
    }[this.reason]
    const detail = this.detail === undefined ? "" : `: ${this.detail}`
    const kept = Option.isSome(this.snapshot) ? "; the snapshot holds what was received" : ""
    return `${what}${detail}${kept}`
  }
}

/** A choice ended with `finish_reason: "length"`: see `ChatStreamError.LengthFinishReasonError`. */
export class LengthFinishReasonError extends Schema.TaggedError<LengthFinishReasonError>(
  "effect-chat-stream/LengthFinishReasonError"
)("LengthFinishReasonError", {
  choiceIndex: Schema.Number,
  snapshot: SnapshotSchema
}) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Choice ${this.choiceIndex} stopped at the token limit (finish_reason "length"); raise max_tokens or shorten the prompt`
  }
}

/** A choice ended with `finish_reason: "content_filter"`: see `ChatStreamError.ContentFilterFinishReasonError`. */
export class ContentFilterFinishReasonError extends Schema.TaggedError<ContentFilterFinishReasonError>(
  "effect-chat-stream/ContentFilterFinishReasonError"
)("ContentFilterFinishReasonError", {
  choiceIndex: Schema.Number,
  snapshot: SnapshotSchema
}) {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `Choice ${this.choiceIndex} was stopped by the provider's content filter (finish_reason "content_filter")`
  }
}
