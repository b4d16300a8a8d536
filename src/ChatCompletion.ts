/**
 * Wire schemas of the OpenAI-compatible chat completions API: the streamed
 * `ChatCompletionChunk` and the accumulated `ChatCompletion`.
 *
 * Names follow the wire (`finish_reason`, `tool_calls`). Decoding is lenient
 * where real providers differ (see the stream contract, §2): `null` means the
 * same as a missing field, `choices` / `index` / `delta` get their defaults,
 * and unknown fields are kept through index signatures, never dropped.
 *
 * The schemas are `Schema.Struct`s, not classes: a stream decodes thousands
 * of chunks, and plain objects cost nothing to build or to spread.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

const nullable = <S extends Schema.Schema.All>(schema: S) => Schema.optionalWith(schema, { nullable: true })

/**
 * Keeps the fields a schema does not name: providers add their own
 * (`content_filter_results`, `native_finish_reason`, `x_groq`, …).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const WithExtras = Schema.Struct({ id: Schema.String }, ChatCompletion.Extra)
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Extra = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * The fields a schema does not name, by name.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const extras: ChatCompletion.Extra = { native_finish_reason: "STOP", x_groq: { id: "req_1" } }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Extra = typeof Extra.Type

/**
 * Token counts of a request. Fields other providers add are kept.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * Schema.decodeUnknownSync(ChatCompletion.CompletionUsage)({ prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const CompletionUsage = Schema.Struct({
  prompt_tokens: nullable(Schema.Number),
  completion_tokens: nullable(Schema.Number),
  total_tokens: nullable(Schema.Number)
}, Extra).annotations({ identifier: "CompletionUsage" })

/**
 * The token counts of a request, as decoded.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const totalTokens = (usage: ChatCompletion.CompletionUsage) => usage.total_tokens ?? 0
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type CompletionUsage = typeof CompletionUsage.Type

/**
 * One alternative token and its log probability.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * Schema.decodeUnknownSync(ChatCompletion.TopLogprob)({ token: "a", logprob: -1.2, bytes: [97] })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const TopLogprob = Schema.Struct({
  token: Schema.String,
  logprob: Schema.Number,
  bytes: Schema.optionalWith(Schema.Array(Schema.Number), { nullable: true })
}, Extra).annotations({ identifier: "TopLogprob" })

/**
 * An alternative token, as decoded.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const alternatives = (top: ReadonlyArray<ChatCompletion.TopLogprob>) =>
 *   top.map((t) => `${t.token} (${Math.exp(t.logprob).toFixed(2)})`)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type TopLogprob = typeof TopLogprob.Type

/**
 * A sampled token, its log probability and the most likely alternatives.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * Schema.decodeUnknownSync(ChatCompletion.TokenLogprob)({ token: "Hi", logprob: -0.1, bytes: null, top_logprobs: [] })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const TokenLogprob = Schema.Struct({
  token: Schema.String,
  logprob: Schema.Number,
  bytes: Schema.optionalWith(Schema.Array(Schema.Number), { nullable: true }),
  top_logprobs: Schema.optionalWith(Schema.Array(TopLogprob), { nullable: true })
}, Extra).annotations({ identifier: "TokenLogprob" })

/**
 * A sampled token and its log probability, as decoded.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const probability = (token: ChatCompletion.TokenLogprob) => Math.exp(token.logprob)
 * probability({ token: "Hi", logprob: 0 }) // 1
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type TokenLogprob = typeof TokenLogprob.Type

/**
 * The log probabilities of a choice: of its content tokens and of its
 * refusal tokens.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * Schema.decodeUnknownSync(ChatCompletion.ChoiceLogprobs)({ content: [{ token: "a", logprob: -1 }], refusal: null })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChoiceLogprobs = Schema.Struct({
  content: nullable(Schema.Array(TokenLogprob)),
  refusal: nullable(Schema.Array(TokenLogprob))
}, Extra).annotations({ identifier: "ChoiceLogprobs" })

/**
 * The log probabilities one chunk carries for a choice, as decoded.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const tokens = (logprobs: ChatCompletion.ChoiceLogprobs) => (logprobs.content ?? []).map((t) => t.token)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ChoiceLogprobs = typeof ChoiceLogprobs.Type

/**
 * The function part of a streamed tool-call fragment. Some providers send
 * `arguments` as an object instead of a JSON string; the accumulation
 * serialises it.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * Schema.decodeUnknownSync(ChatCompletion.ChunkToolCallFunction)({ name: "lookup", arguments: "{\"ci" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChunkToolCallFunction = Schema.Struct({
  name: nullable(Schema.String),
  arguments: nullable(Schema.Union(Schema.String, Extra))
}, Extra).annotations({ identifier: "ChunkToolCallFunction" })

/**
 * The function part of a tool-call fragment, as decoded: `arguments` is a string or an object.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const argumentsText = (fn: ChatCompletion.ChunkToolCallFunction): string =>
 *   fn.arguments === undefined ? "" : typeof fn.arguments === "string" ? fn.arguments : JSON.stringify(fn.arguments)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ChunkToolCallFunction = typeof ChunkToolCallFunction.Type

/**
 * A streamed tool-call fragment. `index` may be missing (Gemini), `id` and
 * `function.name` may be repeated on every fragment.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * Schema.decodeUnknownSync(ChatCompletion.ChunkToolCall)({ index: 0, function: { arguments: "{\"a\"" } })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChunkToolCall = Schema.Struct({
  index: nullable(Schema.Int),
  id: nullable(Schema.String),
  type: nullable(Schema.String),
  function: nullable(ChunkToolCallFunction)
}, Extra).annotations({ identifier: "ChunkToolCall" })

/**
 * A tool-call fragment, as decoded.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * // the first fragment of a call, as most servers send it
 * const fragment: ChatCompletion.ChunkToolCall = { index: 0, id: "call_1", type: "function", function: { name: "lookup", arguments: "" } }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ChunkToolCall = typeof ChunkToolCall.Type

/**
 * What one chunk adds to a choice's message. `reasoning_content` (DeepSeek,
 * Qwen, SGLang) and `reasoning` (vLLM, OpenRouter, Groq, Ollama) carry
 * reasoning text; unknown fields are kept.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * Schema.decodeUnknownSync(ChatCompletion.ChunkDelta)({ content: "Hi", refusal: null })
 * // { content: "Hi" }: null means missing
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChunkDelta = Schema.Struct({
  role: nullable(Schema.String),
  content: nullable(Schema.String),
  refusal: nullable(Schema.String),
  reasoning_content: nullable(Schema.String),
  reasoning: nullable(Schema.String),
  reasoning_details: nullable(Schema.Array(Schema.Unknown)),
  tool_calls: nullable(Schema.Array(ChunkToolCall))
}, Extra).annotations({ identifier: "ChunkDelta" })

/**
 * What one chunk adds to a choice's message, as decoded.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const reasoningOf = (delta: ChatCompletion.ChunkDelta) => delta.reasoning_content ?? delta.reasoning ?? ""
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ChunkDelta = typeof ChunkDelta.Type

/**
 * One choice of a chunk. `index` defaults to 0 and `delta` to `{}`;
 * `finish_reason` may be missing, `null` or `""`.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * Schema.decodeUnknownSync(ChatCompletion.ChunkChoice)({ finish_reason: null })
 * // { index: 0, delta: {} }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChunkChoice = Schema.Struct({
  index: Schema.optionalWith(Schema.Int, { nullable: true, default: () => 0 }),
  delta: Schema.optionalWith(ChunkDelta, { nullable: true, default: () => ({}) }),
  finish_reason: nullable(Schema.String),
  logprobs: nullable(ChoiceLogprobs),
  usage: nullable(CompletionUsage)
}, Extra).annotations({ identifier: "ChunkChoice" })

/**
 * One choice of a chunk, as decoded (with `index` and `delta` filled in).
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const finished = (choice: ChatCompletion.ChunkChoice) => choice.finish_reason !== undefined && choice.finish_reason !== ""
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ChunkChoice = typeof ChunkChoice.Type

/**
 * One `data:` payload of a streamed chat completion.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const chunk = Schema.decodeUnknownSync(ChatCompletion.ChatCompletionChunk)({
 *   id: "c1", choices: [{ delta: { content: "Hi" } }]
 * })
 * // chunk.choices[0].index === 0, chunk.model === ""
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatCompletionChunk = Schema.Struct({
  id: Schema.optionalWith(Schema.String, { nullable: true, default: () => "" }),
  object: nullable(Schema.String),
  created: Schema.optionalWith(Schema.Number, { nullable: true, default: () => 0 }),
  model: Schema.optionalWith(Schema.String, { nullable: true, default: () => "" }),
  choices: Schema.optionalWith(Schema.Array(ChunkChoice), { nullable: true, default: () => [] }),
  usage: nullable(CompletionUsage),
  system_fingerprint: nullable(Schema.String),
  service_tier: nullable(Schema.String)
}, Extra).annotations({ identifier: "ChatCompletionChunk" })

/**
 * One chunk of a stream, as decoded (with `id`, `created`, `model` and `choices` filled in).
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const contentOf = (chunk: ChatCompletion.ChatCompletionChunk) => chunk.choices.map((c) => c.delta.content ?? "").join("")
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ChatCompletionChunk = typeof ChatCompletionChunk.Type

/**
 * The function a model called, with its arguments as accumulated JSON text.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const fn: ChatCompletion.ToolCall["function"] = { name: "lookup", arguments: "{}" }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ToolCallFunction = Schema.Struct({
  name: Schema.String,
  arguments: Schema.String
}, Extra).annotations({ identifier: "ToolCallFunction" })

/**
 * The function a model called, with its arguments as JSON text.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const parseArguments = (fn: ChatCompletion.ToolCallFunction): unknown => JSON.parse(fn.arguments)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ToolCallFunction = typeof ToolCallFunction.Type

/**
 * A complete (or, in a snapshot, growing) tool call of a message.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const call: ChatCompletion.ToolCall = {
 *   id: "call_1", type: "function", function: { name: "lookup", arguments: "{\"city\":\"Oslo\"}" }
 * }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ToolCall = Schema.Struct({
  id: Schema.String,
  type: Schema.String,
  function: ToolCallFunction
}, Extra).annotations({ identifier: "ToolCall" })

/**
 * A tool call of a message.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const callsTo = (calls: ReadonlyArray<ChatCompletion.ToolCall>, name: string) =>
 *   calls.filter((call) => call.function.name === name)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ToolCall = typeof ToolCall.Type

/**
 * The assistant message of a choice. Reasoning fields and `tool_calls` are
 * absent until something arrived for them.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const message: ChatCompletion.ChatCompletionMessage = { role: "assistant", content: "Hi", refusal: null }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatCompletionMessage = Schema.Struct({
  role: Schema.String,
  content: Schema.NullOr(Schema.String),
  refusal: Schema.NullOr(Schema.String),
  reasoning_content: Schema.optional(Schema.String),
  reasoning: Schema.optional(Schema.String),
  reasoning_details: Schema.optional(Schema.Array(Schema.Unknown)),
  tool_calls: Schema.optional(Schema.Array(ToolCall))
}, Extra).annotations({ identifier: "ChatCompletionMessage" })

/**
 * The assistant message of a choice.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const textOf = (message: ChatCompletion.ChatCompletionMessage) => message.content ?? message.refusal ?? ""
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ChatCompletionMessage = typeof ChatCompletionMessage.Type

/**
 * Log probabilities as accumulated in a snapshot: `content` and `refusal`
 * are `null` while only `null` arrived.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const logprobs: ChatCompletion.ChatCompletionLogprobs = { content: [{ token: "Hi", logprob: -0.1 }], refusal: null }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatCompletionLogprobs = Schema.Struct({
  content: Schema.NullOr(Schema.Array(TokenLogprob)),
  refusal: Schema.NullOr(Schema.Array(TokenLogprob))
}, Extra).annotations({ identifier: "ChatCompletionLogprobs" })

/**
 * The log probabilities of a choice in a snapshot.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const tokens = (logprobs: ChatCompletion.ChatCompletionLogprobs) => logprobs.content?.map((t) => t.token) ?? []
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ChatCompletionLogprobs = typeof ChatCompletionLogprobs.Type

/**
 * One choice of a completion.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const choice: ChatCompletion.ChatCompletionChoice = {
 *   index: 0, finish_reason: "stop", message: { role: "assistant", content: "Hi", refusal: null }
 * }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatCompletionChoice = Schema.Struct({
  index: Schema.Int,
  finish_reason: Schema.NullOr(Schema.String),
  message: ChatCompletionMessage,
  logprobs: Schema.optional(ChatCompletionLogprobs)
}, Extra).annotations({ identifier: "ChatCompletionChoice" })

/**
 * One choice of a completion.
 *
 * @example
 * ```ts
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const wasCut = (choice: ChatCompletion.ChatCompletionChoice) => choice.finish_reason === "length"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ChatCompletionChoice = typeof ChatCompletionChoice.Type

/**
 * What a non-streaming call returns, and what a stream's snapshot holds.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ChatCompletion } from "effect-chat-stream"
 *
 * const completion = Schema.decodeUnknownSync(ChatCompletion.ChatCompletion)({
 *   id: "c1", object: "chat.completion", created: 0, model: "m",
 *   choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "Hi", refusal: null } }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatCompletion = Schema.Struct({
  id: Schema.String,
  object: Schema.Literal("chat.completion"),
  created: Schema.Number,
  model: Schema.String,
  system_fingerprint: Schema.optional(Schema.String),
  service_tier: Schema.optional(Schema.String),
  usage: Schema.optional(CompletionUsage),
  choices: Schema.Array(ChatCompletionChoice)
}, Extra).annotations({ identifier: "ChatCompletion" })

/**
 * A completion: a snapshot, or what a non-streaming call returns.
 *
 * @example
 * ```ts
 * import { Effect, Option, Stream } from "effect"
 * import { ChatCompletion, ChatStream } from "effect-chat-stream"
 *
 * const totalTokens = (completion: ChatCompletion.ChatCompletion) => completion.usage?.total_tokens ?? 0
 *
 * declare const body: Stream.Stream<Uint8Array>
 * const tokens = Effect.map(ChatStream.finalChatCompletion(ChatStream.events(body)), Option.map(totalTokens))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ChatCompletion = typeof ChatCompletion.Type
