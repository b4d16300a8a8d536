/**
 * The tag of the client service, below the public modules that use it
 * (`ChatCompletions` with its accessors, `ChatCompletionsLayer` with its
 * constructors and layers), so that neither imports the other. Public as
 * `ChatCompletions.ChatCompletions`, documented there.
 *
 * Not public API.
 */
import type * as Arr from "effect/Array"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessage, ToolCall } from "../ChatCompletion.js"
import type { ChatCompletionRequest } from "../ChatCompletionRequest.js"
import type { ChatCompletionsError } from "../ChatCompletionsError.js"
import type { ResolvedOptions } from "../ChatCompletionsOptions.js"
import type { ChatCompletionStream } from "../ChatCompletionsResponse.js"
import type {
  ChatStreamError,
  ContentFilterFinishReasonError,
  LengthFinishReasonError
} from "../ChatStreamError.js"
import type { ChatStreamEvent } from "../ChatStreamEvent.js"

/** The client service (`ChatCompletions.ChatCompletions`). */
export class ChatCompletions extends Context.Tag("effect-chat-stream/ChatCompletions")<ChatCompletions, {
  readonly options: ResolvedOptions
  readonly stream: (
    params: ChatCompletionRequest
  ) => Effect.Effect<ChatCompletionStream, ChatCompletionsError, Scope.Scope>
  readonly events: (params: ChatCompletionRequest) => Stream.Stream<ChatStreamEvent, ChatCompletionsError | ChatStreamError>
  readonly chunks: (
    params: ChatCompletionRequest
  ) => Stream.Stream<ChatCompletionChunk, ChatCompletionsError | ChatStreamError>
  readonly snapshots: (params: ChatCompletionRequest) => Stream.Stream<ChatCompletion, ChatCompletionsError | ChatStreamError>
  readonly finalChatCompletion: (
    params: ChatCompletionRequest
  ) => Effect.Effect<Option.Option<ChatCompletion>, ChatCompletionsError | ChatStreamError>
  readonly finalChatCompletionChecked: (
    params: ChatCompletionRequest
  ) => Effect.Effect<
    Option.Option<ChatCompletion>,
    ChatCompletionsError | ChatStreamError | LengthFinishReasonError | ContentFilterFinishReasonError
  >
  readonly finalMessage: (
    params: ChatCompletionRequest
  ) => Effect.Effect<Option.Option<ChatCompletionMessage>, ChatCompletionsError | ChatStreamError>
  readonly finalContent: (params: ChatCompletionRequest) => Effect.Effect<Option.Option<string>, ChatCompletionsError | ChatStreamError>
  readonly finalToolCalls: (
    params: ChatCompletionRequest
  ) => Effect.Effect<Option.Option<Arr.NonEmptyReadonlyArray<ToolCall>>, ChatCompletionsError | ChatStreamError>
}>() {}
