/**
 * effect-chat-stream: streaming chat completions from any OpenAI-compatible
 * server as typed Effect streams. Each module is re-exported as a namespace;
 * read the file list as the path a byte takes.
 *
 * @since 0.1.0
 */

/**
 * Wire schemas: chunks, completions, messages, tool calls, logprobs, usage.
 *
 * @since 0.1.0
 */
export * as ChatCompletion from "./ChatCompletion.js"

/**
 * Bytes → server-sent events.
 *
 * @since 0.1.0
 */
export * as Sse from "./Sse.js"

/**
 * The pure fold: (accumulator, chunk) → accumulator with its snapshot.
 *
 * @since 0.1.0
 */
export * as Snapshot from "./Snapshot.js"

/**
 * The incremental partial-JSON parser behind `parsed` / `parsedArguments`.
 *
 * @since 0.1.0
 */
export * as PartialJson from "./PartialJson.js"

/**
 * The events and their pure derivation.
 *
 * @since 0.1.0
 */
export * as ChatStreamEvent from "./ChatStreamEvent.js"

/**
 * The typed errors.
 *
 * @since 0.1.0
 */
export * as ChatStreamError from "./ChatStreamError.js"

/**
 * The pipeline service: bytes → events, chunks, snapshots (its options and
 * final helpers are re-exported too).
 *
 * @since 0.1.0
 */
export * as ChatStream from "./ChatStream.js"

/**
 * The pipeline's options, their defaults and configuration.
 *
 * @since 0.1.0
 */
export * as ChatStreamOptions from "./ChatStreamOptions.js"

/**
 * The final helpers: a stream run to its end into the completion, message,
 * content or tool calls.
 *
 * @since 0.1.0
 */
export * as ChatStreamFinal from "./ChatStreamFinal.js"

/**
 * The JSON-lines form of a stream (the CLI's `--json`): one event per line,
 * then `Final` or `Failure`.
 *
 * @since 0.1.0
 */
export * as JsonLines from "./JsonLines.js"

/**
 * The parameters of a chat completion request: Schemas for the fields
 * people set, open to a provider's own.
 *
 * @since 0.1.0
 */
export * as ChatCompletionRequest from "./ChatCompletionRequest.js"

/**
 * The HTTP client service: streaming chat completions from any
 * OpenAI-compatible server, with retries, timeouts and spans (its errors,
 * options, response types, constructors and layers are re-exported too).
 *
 * @since 0.1.0
 */
export * as ChatCompletions from "./ChatCompletions.js"

/**
 * The client's errors: `ConnectionError` and `ChatCompletionsError`.
 *
 * @since 0.1.0
 */
export * as ChatCompletionsError from "./ChatCompletionsError.js"

/**
 * The client's options, their defaults and configuration.
 *
 * @since 0.1.0
 */
export * as ChatCompletionsOptions from "./ChatCompletionsOptions.js"

/**
 * An open response: `ResponseMeta` and `ChatCompletionStream`.
 *
 * @since 0.1.0
 */
export * as ChatCompletionsResponse from "./ChatCompletionsResponse.js"

/**
 * The client's constructors and layers.
 *
 * @since 0.1.0
 */
export * as ChatCompletionsLayer from "./ChatCompletionsLayer.js"

/**
 * A `ChatCompletions` for tests: recorded SSE files and transcripts instead
 * of the network.
 *
 * @since 0.1.0
 */
export * as ChatCompletionsTest from "./ChatCompletionsTest.js"

/**
 * The replies of the test layer's fake server.
 *
 * @since 0.1.0
 */
export * as ChatCompletionsTestReply from "./ChatCompletionsTestReply.js"
