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
 * The pipeline service and the final helpers.
 *
 * @since 0.1.0
 */
export * as ChatStream from "./ChatStream.js"

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
 * OpenAI-compatible server, with retries, timeouts and spans.
 *
 * @since 0.1.0
 */
export * as ChatCompletions from "./ChatCompletions.js"

/**
 * A `ChatCompletions` for tests: recorded SSE files and transcripts instead
 * of the network.
 *
 * @since 0.1.0
 */
export * as ChatCompletionsTest from "./ChatCompletionsTest.js"
