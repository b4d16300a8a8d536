/**
 * The parameters of `POST /chat/completions`: a Schema for the fields people
 * set (model, messages of every role with their content parts, tools,
 * tool_choice, response_format, sampling and limits, reasoning_effort, …).
 *
 * Every struct is open: fields the Schema does not name (a provider's own,
 * such as vLLM's `guided_json`, OpenRouter's `provider` or Ollama's
 * `options`) are typed as `unknown`, kept when decoding, and sent as given.
 * Names follow the wire (`max_completion_tokens`, `tool_call_id`). `stream`
 * is not a parameter: `ChatCompletions.stream` always sends `stream: true`.
 *
 * The TypeScript types are what `ChatCompletions.stream` accepts; the Schema
 * is for programs that take parameters from outside (a proxy, a config file)
 * and want them checked with `Schema.decodeUnknown`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import * as ChatCompletion from "./ChatCompletion.js"

/**
 * Keeps the fields a schema does not name.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * Schema.decodeUnknownSync(ChatCompletionRequest.Extra)({ top_k: 40 })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Extra = ChatCompletion.Extra

const optional = <S extends Schema.Schema.All>(schema: S) => Schema.optional(schema)
const nullable = <S extends Schema.Schema.All>(schema: S) => Schema.optional(Schema.NullOr(schema))

// -----------------------------------------------------------------------------
// content parts
// -----------------------------------------------------------------------------

/**
 * A text part of a message's content.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const part: ChatCompletionRequest.TextPart = { type: "text", text: "What is in this image?" }
 * ```
 *
 * @since 0.1.0
 * @category content parts
 */
export const TextPart = Schema.Struct({
  type: Schema.Literal("text"),
  text: Schema.String
}, Extra).annotations({ identifier: "TextPart" })

/**
 * A text part of a message's content.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const textOf = (parts: ReadonlyArray<ChatCompletionRequest.UserContentPart>) =>
 *   parts.filter((part): part is ChatCompletionRequest.TextPart => part.type === "text").map((part) => part.text).join("\n")
 * ```
 *
 * @since 0.1.0
 * @category content parts
 */
export type TextPart = typeof TextPart.Type

/**
 * An image part: a URL or a `data:` URL, with an optional `detail`.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const part: ChatCompletionRequest.ImagePart = {
 *   type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "low" }
 * }
 * ```
 *
 * @since 0.1.0
 * @category content parts
 */
export const ImagePart = Schema.Struct({
  type: Schema.Literal("image_url"),
  image_url: Schema.Struct({
    url: Schema.String,
    detail: optional(Schema.Literal("auto", "low", "high"))
  }, Extra)
}, Extra).annotations({ identifier: "ImagePart" })

/**
 * An image part of a user message.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const image = (url: string): ChatCompletionRequest.ImagePart => ({ type: "image_url", image_url: { url, detail: "auto" } })
 * ```
 *
 * @since 0.1.0
 * @category content parts
 */
export type ImagePart = typeof ImagePart.Type

/**
 * An audio part: base64 data and its format.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const part: ChatCompletionRequest.AudioPart = { type: "input_audio", input_audio: { data: "UklGR…", format: "wav" } }
 * ```
 *
 * @since 0.1.0
 * @category content parts
 */
export const AudioPart = Schema.Struct({
  type: Schema.Literal("input_audio"),
  input_audio: Schema.Struct({
    data: Schema.String,
    format: Schema.String
  }, Extra)
}, Extra).annotations({ identifier: "AudioPart" })

/**
 * An audio part of a user message.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const wav = (base64: string): ChatCompletionRequest.AudioPart => ({ type: "input_audio", input_audio: { data: base64, format: "wav" } })
 * ```
 *
 * @since 0.1.0
 * @category content parts
 */
export type AudioPart = typeof AudioPart.Type

/**
 * A file part: an uploaded file's id, or base64 data with a file name.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const part: ChatCompletionRequest.FilePart = { type: "file", file: { file_id: "file-abc123" } }
 * ```
 *
 * @since 0.1.0
 * @category content parts
 */
export const FilePart = Schema.Struct({
  type: Schema.Literal("file"),
  file: Schema.Struct({
    file_id: optional(Schema.String),
    file_data: optional(Schema.String),
    filename: optional(Schema.String)
  }, Extra)
}, Extra).annotations({ identifier: "FilePart" })

/**
 * A file part of a user message.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const pdf = (base64: string): ChatCompletionRequest.FilePart => ({
 *   type: "file", file: { filename: "report.pdf", file_data: `data:application/pdf;base64,${base64}` }
 * })
 * ```
 *
 * @since 0.1.0
 * @category content parts
 */
export type FilePart = typeof FilePart.Type

/**
 * A refusal part of an assistant message sent back in the history.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const part: ChatCompletionRequest.RefusalPart = { type: "refusal", refusal: "I can't help with that." }
 * ```
 *
 * @since 0.1.0
 * @category content parts
 */
export const RefusalPart = Schema.Struct({
  type: Schema.Literal("refusal"),
  refusal: Schema.String
}, Extra).annotations({ identifier: "RefusalPart" })

/**
 * A refusal part of an assistant message.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const textOf = (part: ChatCompletionRequest.TextPart | ChatCompletionRequest.RefusalPart) =>
 *   part.type === "refusal" ? part.refusal : part.text
 * ```
 *
 * @since 0.1.0
 * @category content parts
 */
export type RefusalPart = typeof RefusalPart.Type

/**
 * The parts a user message may hold.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const parts: ReadonlyArray<ChatCompletionRequest.UserContentPart> = [
 *   { type: "text", text: "Describe this" },
 *   { type: "image_url", image_url: { url: "data:image/png;base64,iVBOR…" } }
 * ]
 * ```
 *
 * @since 0.1.0
 * @category content parts
 */
export const UserContentPart = Schema.Union(TextPart, ImagePart, AudioPart, FilePart)

/**
 * A part of a user message: text, image, audio or file.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const describe = (part: ChatCompletionRequest.UserContentPart): string => {
 *   switch (part.type) {
 *     case "text":
 *       return part.text
 *     case "image_url":
 *       return `[image ${part.image_url.url}]`
 *     case "input_audio":
 *       return `[${part.input_audio.format} audio]`
 *     case "file":
 *       return `[file ${part.file.filename ?? part.file.file_id ?? ""}]`
 *   }
 * }
 * ```
 *
 * @since 0.1.0
 * @category content parts
 */
export type UserContentPart = typeof UserContentPart.Type

// -----------------------------------------------------------------------------
// messages
// -----------------------------------------------------------------------------

/**
 * Instructions from the developer (newer OpenAI models; other servers treat
 * it like `system` or reject it).
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const message: ChatCompletionRequest.DeveloperMessage = { role: "developer", content: "Answer in French." }
 * ```
 *
 * @since 0.1.0
 * @category messages
 */
export const DeveloperMessage = Schema.Struct({
  role: Schema.Literal("developer"),
  content: Schema.Union(Schema.String, Schema.Array(TextPart)),
  name: optional(Schema.String)
}, Extra).annotations({ identifier: "DeveloperMessage" })

/**
 * A developer message.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * // for a server that rejects the developer role
 * const asSystem = (message: ChatCompletionRequest.DeveloperMessage): ChatCompletionRequest.SystemMessage => ({
 *   ...message,
 *   role: "system"
 * })
 * ```
 *
 * @since 0.1.0
 * @category messages
 */
export type DeveloperMessage = typeof DeveloperMessage.Type

/**
 * The system prompt.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const message: ChatCompletionRequest.SystemMessage = { role: "system", content: "You are terse." }
 * ```
 *
 * @since 0.1.0
 * @category messages
 */
export const SystemMessage = Schema.Struct({
  role: Schema.Literal("system"),
  content: Schema.Union(Schema.String, Schema.Array(TextPart)),
  name: optional(Schema.String)
}, Extra).annotations({ identifier: "SystemMessage" })

/**
 * A system message.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const system = (prompt: string): ChatCompletionRequest.SystemMessage => ({ role: "system", content: prompt })
 * ```
 *
 * @since 0.1.0
 * @category messages
 */
export type SystemMessage = typeof SystemMessage.Type

/**
 * A user's message: text, or parts (text, images, audio, files).
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const message: ChatCompletionRequest.UserMessage = { role: "user", content: "Hello!" }
 * ```
 *
 * @since 0.1.0
 * @category messages
 */
export const UserMessage = Schema.Struct({
  role: Schema.Literal("user"),
  content: Schema.Union(Schema.String, Schema.Array(UserContentPart)),
  name: optional(Schema.String)
}, Extra).annotations({ identifier: "UserMessage" })

/**
 * A user message.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const askAbout = (imageUrl: string, question: string): ChatCompletionRequest.UserMessage => ({
 *   role: "user",
 *   content: [{ type: "text", text: question }, { type: "image_url", image_url: { url: imageUrl } }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category messages
 */
export type UserMessage = typeof UserMessage.Type

/**
 * A tool call of an earlier assistant message, sent back in the history: the
 * same shape as a snapshot's tool call (`ChatCompletion.ToolCall`), so a
 * final message's `tool_calls` go back as they are.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const call: ChatCompletionRequest.MessageToolCall = {
 *   id: "call_1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Oslo\"}" }
 * }
 * ```
 *
 * @since 0.1.0
 * @category messages
 */
export const MessageToolCall = ChatCompletion.ToolCall

/**
 * A tool call sent back in the history: the same type as `ChatCompletion.ToolCall`.
 *
 * @example
 * ```ts
 * import { ChatCompletion, ChatCompletionRequest } from "effect-chat-stream"
 *
 * declare const calls: ReadonlyArray<ChatCompletion.ToolCall> // a final message's tool_calls
 * const history: ReadonlyArray<ChatCompletionRequest.MessageToolCall> = calls
 * ```
 *
 * @since 0.1.0
 * @category messages
 */
export type MessageToolCall = ChatCompletion.ToolCall

/**
 * An earlier answer of the model, sent back in the history: content, a
 * refusal and/or tool calls. A snapshot's `ChatCompletionMessage` fits
 * here as it is (its `role` is a string, so spread it with
 * `role: "assistant"`).
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const message: ChatCompletionRequest.AssistantMessage = {
 *   role: "assistant",
 *   content: null,
 *   tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: "{}" } }]
 * }
 * ```
 *
 * @since 0.1.0
 * @category messages
 */
export const AssistantMessage = Schema.Struct({
  role: Schema.Literal("assistant"),
  content: nullable(Schema.Union(Schema.String, Schema.Array(Schema.Union(TextPart, RefusalPart)))),
  refusal: nullable(Schema.String),
  name: optional(Schema.String),
  tool_calls: optional(Schema.Array(MessageToolCall)),
  reasoning_content: nullable(Schema.String)
}, Extra).annotations({ identifier: "AssistantMessage" })

/**
 * An assistant message sent back in the history.
 *
 * @example
 * ```ts
 * import { ChatCompletion, ChatCompletionRequest } from "effect-chat-stream"
 *
 * declare const message: ChatCompletion.ChatCompletionMessage // from ChatStream.finalMessage
 * const echoed: ChatCompletionRequest.AssistantMessage = { ...message, role: "assistant" }
 * ```
 *
 * @since 0.1.0
 * @category messages
 */
export type AssistantMessage = typeof AssistantMessage.Type

/**
 * The result of a tool call, answering the call with `tool_call_id`.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const message: ChatCompletionRequest.ToolMessage = { role: "tool", tool_call_id: "call_1", content: "{\"temp\":21}" }
 * ```
 *
 * @since 0.1.0
 * @category messages
 */
export const ToolMessage = Schema.Struct({
  role: Schema.Literal("tool"),
  tool_call_id: Schema.String,
  content: Schema.Union(Schema.String, Schema.Array(TextPart))
}, Extra).annotations({ identifier: "ToolMessage" })

/**
 * A tool result message.
 *
 * @example
 * ```ts
 * import { ChatCompletion, ChatCompletionRequest } from "effect-chat-stream"
 *
 * const answer = (call: ChatCompletion.ToolCall, result: unknown): ChatCompletionRequest.ToolMessage => ({
 *   role: "tool",
 *   tool_call_id: call.id,
 *   content: JSON.stringify(result)
 * })
 * ```
 *
 * @since 0.1.0
 * @category messages
 */
export type ToolMessage = typeof ToolMessage.Type

/**
 * The result of a legacy function call (deprecated by OpenAI in favour of
 * `tool`, still accepted by some servers).
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const message: ChatCompletionRequest.FunctionMessage = { role: "function", name: "get_weather", content: "21" }
 * ```
 *
 * @since 0.1.0
 * @category messages
 */
export const FunctionMessage = Schema.Struct({
  role: Schema.Literal("function"),
  name: Schema.String,
  content: Schema.NullOr(Schema.String)
}, Extra).annotations({ identifier: "FunctionMessage" })

/**
 * A legacy function result message.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const legacyResult = (name: string, result: unknown): ChatCompletionRequest.FunctionMessage => ({
 *   role: "function", name, content: JSON.stringify(result)
 * })
 * ```
 *
 * @since 0.1.0
 * @category messages
 */
export type FunctionMessage = typeof FunctionMessage.Type

/**
 * A message of the conversation, by `role`.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const messages: ReadonlyArray<ChatCompletionRequest.Message> = [
 *   { role: "system", content: "You are terse." },
 *   { role: "user", content: "Hello!" }
 * ]
 * ```
 *
 * @since 0.1.0
 * @category messages
 */
export const Message = Schema.Union(
  DeveloperMessage,
  SystemMessage,
  UserMessage,
  AssistantMessage,
  ToolMessage,
  FunctionMessage
).annotations({ identifier: "Message" })

/**
 * A message of the conversation; narrow it on `role`.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const toolCallIds = (messages: ReadonlyArray<ChatCompletionRequest.Message>) =>
 *   messages.flatMap((message) => message.role === "assistant" ? (message.tool_calls ?? []).map((call) => call.id) : [])
 * ```
 *
 * @since 0.1.0
 * @category messages
 */
export type Message = typeof Message.Type

// -----------------------------------------------------------------------------
// tools and formats
// -----------------------------------------------------------------------------

/**
 * A function the model may call: its name, a description and its arguments
 * as a JSON Schema object.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const tool: ChatCompletionRequest.Tool = {
 *   type: "function",
 *   function: {
 *     name: "get_weather",
 *     description: "The weather in a city",
 *     parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }
 *   }
 * }
 * ```
 *
 * @since 0.1.0
 * @category tools
 */
export const Tool = Schema.Struct({
  type: Schema.Literal("function"),
  function: Schema.Struct({
    name: Schema.String,
    description: optional(Schema.String),
    parameters: optional(Extra),
    strict: nullable(Schema.Boolean)
  }, Extra)
}, Extra).annotations({ identifier: "Tool" })

/**
 * A function the model may call.
 *
 * @example
 * ```ts
 * import { ChatCompletion, ChatCompletionRequest } from "effect-chat-stream"
 *
 * const toolFor = (tools: ReadonlyArray<ChatCompletionRequest.Tool>, call: ChatCompletion.ToolCall) =>
 *   tools.find((tool) => tool.function.name === call.function.name)
 * ```
 *
 * @since 0.1.0
 * @category tools
 */
export type Tool = typeof Tool.Type

/**
 * Whether and which tool the model calls: `"none"`, `"auto"`,
 * `"required"`, or one named function.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const choice: ChatCompletionRequest.ToolChoice = { type: "function", function: { name: "get_weather" } }
 * ```
 *
 * @since 0.1.0
 * @category tools
 */
export const ToolChoice = Schema.Union(
  Schema.Literal("none", "auto", "required"),
  Schema.Struct({
    type: Schema.Literal("function"),
    function: Schema.Struct({ name: Schema.String }, Extra)
  }, Extra)
).annotations({ identifier: "ToolChoice" })

/**
 * A `tool_choice`: one of the three strings, or one named function.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const forcedFunction = (choice: ChatCompletionRequest.ToolChoice) =>
 *   typeof choice === "string" ? undefined : choice.function.name
 * ```
 *
 * @since 0.1.0
 * @category tools
 */
export type ToolChoice = typeof ToolChoice.Type

/**
 * The shape of the answer: plain text, any JSON object, or JSON following a
 * schema (`strict` asks the server to enforce it).
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const format: ChatCompletionRequest.ResponseFormat = {
 *   type: "json_schema",
 *   json_schema: {
 *     name: "city",
 *     strict: true,
 *     schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"], additionalProperties: false }
 *   }
 * }
 * ```
 *
 * @since 0.1.0
 * @category formats
 */
export const ResponseFormat = Schema.Union(
  Schema.Struct({ type: Schema.Literal("text") }, Extra),
  Schema.Struct({ type: Schema.Literal("json_object") }, Extra),
  Schema.Struct({
    type: Schema.Literal("json_schema"),
    json_schema: Schema.Struct({
      name: Schema.String,
      description: optional(Schema.String),
      schema: optional(Extra),
      strict: nullable(Schema.Boolean)
    }, Extra)
  }, Extra)
).annotations({ identifier: "ResponseFormat" })

/**
 * A `response_format`; narrow it on `type`.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const schemaName = (format: ChatCompletionRequest.ResponseFormat) =>
 *   format.type === "json_schema" ? format.json_schema.name : undefined
 * ```
 *
 * @since 0.1.0
 * @category formats
 */
export type ResponseFormat = typeof ResponseFormat.Type

/**
 * Streaming options. `ChatCompletions` sets `include_usage: true` unless
 * its `includeUsage` option is `false` or the request sets it itself.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const options: ChatCompletionRequest.StreamOptions = { include_usage: false }
 * ```
 *
 * @since 0.1.0
 * @category formats
 */
export const StreamOptions = Schema.Struct({
  include_usage: optional(Schema.Boolean)
}, Extra).annotations({ identifier: "StreamOptions" })

/**
 * The `stream_options` of a request.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const withoutUsage = (options: ChatCompletionRequest.StreamOptions | undefined): ChatCompletionRequest.StreamOptions => ({
 *   ...options,
 *   include_usage: false
 * })
 * ```
 *
 * @since 0.1.0
 * @category formats
 */
export type StreamOptions = typeof StreamOptions.Type

// -----------------------------------------------------------------------------
// the request
// -----------------------------------------------------------------------------

/**
 * The parameters of a chat completion. `model` and `messages` are required;
 * everything else is optional, and fields not named here are sent as given.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ChatCompletionRequest } from "effect-chat-stream"
 *
 * const params: ChatCompletionRequest.ChatCompletionRequest = {
 *   model: "gpt-4o-mini",
 *   messages: [{ role: "user", content: "Say hi" }],
 *   temperature: 0.2,
 *   max_completion_tokens: 200,
 *   top_k: 40 // a provider's own field: kept
 * }
 * // from untrusted input:
 * const decoded = Schema.decodeUnknownSync(ChatCompletionRequest.ChatCompletionRequest)(params)
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatCompletionRequest = Schema.Struct({
  model: Schema.String,
  messages: Schema.Array(Message),
  tools: optional(Schema.Array(Tool)),
  tool_choice: optional(ToolChoice),
  parallel_tool_calls: optional(Schema.Boolean),
  response_format: optional(ResponseFormat),
  temperature: nullable(Schema.Number),
  top_p: nullable(Schema.Number),
  max_tokens: nullable(Schema.Int),
  max_completion_tokens: nullable(Schema.Int),
  n: nullable(Schema.Int),
  logprobs: nullable(Schema.Boolean),
  top_logprobs: nullable(Schema.Int),
  stop: nullable(Schema.Union(Schema.String, Schema.Array(Schema.String))),
  seed: nullable(Schema.Int),
  user: optional(Schema.String),
  presence_penalty: nullable(Schema.Number),
  frequency_penalty: nullable(Schema.Number),
  logit_bias: nullable(Schema.Record({ key: Schema.String, value: Schema.Number })),
  reasoning_effort: nullable(Schema.String),
  verbosity: nullable(Schema.String),
  service_tier: nullable(Schema.String),
  store: nullable(Schema.Boolean),
  metadata: nullable(Schema.Record({ key: Schema.String, value: Schema.String })),
  modalities: nullable(Schema.Array(Schema.String)),
  prediction: nullable(Extra),
  audio: nullable(Extra),
  prompt_cache_key: nullable(Schema.String),
  safety_identifier: nullable(Schema.String),
  stream_options: nullable(StreamOptions)
}, Extra).annotations({ identifier: "ChatCompletionRequest" })

/**
 * The parameters of a chat completion, as `ChatCompletions.stream` and its accessors take them.
 *
 * @example
 * ```ts
 * import { ChatCompletionRequest, ChatCompletions } from "effect-chat-stream"
 *
 * const ask = (question: string): ChatCompletionRequest.ChatCompletionRequest => ({
 *   model: "gpt-4o-mini",
 *   messages: [{ role: "user", content: question }],
 *   temperature: 0
 * })
 * const answer = ChatCompletions.finalContent(ask("Why is the sky blue?"))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ChatCompletionRequest = typeof ChatCompletionRequest.Type
