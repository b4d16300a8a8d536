/**
 * The errors of the HTTP client (`ChatCompletions`): `ConnectionError` for a
 * request that got no response, with its reasons and the network failures
 * that are retried, and `ChatCompletionsError`, what opening a stream can
 * fail with. `ChatCompletions` re-exports them under their old names.
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import type { ApiError } from "./ChatStreamError.js"
import * as connection from "./internal/connectionError.js"
import { RETRYABLE_CONNECTION_CODES } from "./internal/retryPolicy.js"

// -----------------------------------------------------------------------------
// errors
// -----------------------------------------------------------------------------

/**
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const isOurs = (u: object) => ChatCompletions.ErrorTypeId in u
 * ```
 *
 * @since 0.1.0
 * @category type id
 */
export const ErrorTypeId: typeof connection.ErrorTypeId = connection.ErrorTypeId

/**
 * The type of `ErrorTypeId`.
 *
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const hasErrorTypeId = (u: object): u is { readonly [ChatCompletions.ErrorTypeId]: ChatCompletions.ErrorTypeId } =>
 *   ChatCompletions.ErrorTypeId in u
 * ```
 *
 * @since 0.1.0
 * @category type id
 */
export type ErrorTypeId = typeof ErrorTypeId

/**
 * Why a request got no response:
 *
 * - `Transport`: the connection failed (refused, reset, host not found, TLS)
 *   or the request could not be sent (an invalid header value, such as an
 *   API key with a line break); `code` holds the system's code
 *   (`ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, `UND_ERR_SOCKET`,
 *   `UND_ERR_INVALID_ARG`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …) when there is
 *   one, and `detail` the underlying message. Only the codes of
 *   `retryableConnectionCodes` are retried.
 * - `Timeout`: no response (status line and headers) within the request
 *   timeout. Retried.
 * - `InvalidUrl`: the base URL is not a valid `http://` or `https://` URL
 *   (`detail` says why); nothing was sent. Not retried.
 * - `Encode`: the request body could not be encoded as JSON. Not retried.
 * - `InvalidOption`: an option of the service cannot work (`maxEventBytes`
 *   not a positive integer or `Infinity`; `detail` says which); nothing was
 *   sent, so no answer is paid for and then thrown away. Not retried.
 *
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * declare const error: ChatCompletions.ConnectionError
 * const retryLater = error.reason === "Timeout" ||
 *   (error.reason === "Transport" && ChatCompletions.retryableConnectionCodes.includes(error.code ?? ""))
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const ConnectionErrorReason: typeof connection.ConnectionErrorReason = connection.ConnectionErrorReason

/**
 * Why a request got no response.
 *
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * // a mistake in the program or its configuration, not in the network
 * const isSetupError = (reason: ChatCompletions.ConnectionErrorReason) =>
 *   reason === "InvalidUrl" || reason === "Encode" || reason === "InvalidOption"
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type ConnectionErrorReason = typeof ConnectionErrorReason.Type

/**
 * The error codes of the transient network failures that are retried (with
 * the layer's `retrySchedule`, before the status line of a response):
 * connection refused, reset, aborted or closed by the server (`ECONNREFUSED`,
 * `ECONNRESET`, `ECONNABORTED`, `ENETRESET`, `UND_ERR_SOCKET`), a write to a
 * closed socket (`EPIPE`), timeouts while connecting or waiting for the
 * headers (`ETIMEDOUT`, `UND_ERR_CONNECT_TIMEOUT`, `UND_ERR_HEADERS_TIMEOUT`),
 * an unreachable network or host (`ENETUNREACH`, `ENETDOWN`, `EHOSTUNREACH`,
 * `EHOSTDOWN`) and a name lookup that failed for now (`EAI_AGAIN`). Every
 * other failure — an invalid header or argument (`UND_ERR_INVALID_ARG`), a
 * TLS certificate error, an unknown host (`ENOTFOUND`), a failure without a
 * code — fails on the first attempt.
 *
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * ChatCompletions.retryableConnectionCodes.includes("ECONNRESET") // true
 * ChatCompletions.retryableConnectionCodes.includes("UND_ERR_INVALID_ARG") // false
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const retryableConnectionCodes: ReadonlyArray<string> = RETRYABLE_CONNECTION_CODES

/**
 * The request got no response: the server could not be reached, the
 * connection broke before the status line, the request timeout passed, or
 * the request could not be built or sent (an invalid base URL or header).
 * Carries the URL without its query (a query may hold a key) and never a
 * header: the request URL, or for `InvalidUrl` the base URL as given. The
 * message says what went wrong with the underlying detail, e.g.
 * `Could not reach https://…/chat/completions: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT); …`
 * or `Invalid base URL "localhost:8080/v1": it must start with http:// or https:// (did you mean "http://localhost:8080/v1"?)`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const program = ChatCompletions.finalContent({ model: "m", messages: [{ role: "user", content: "hi" }] }).pipe(
 *   Effect.catchTag("ConnectionError", (error) => Effect.logError(error.message))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const ConnectionError: typeof connection.ConnectionError = connection.ConnectionError

/**
 * The type of a `ConnectionError`.
 *
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const attemptsOf = (error: ChatCompletions.ConnectionError) => error.attempts
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type ConnectionError = connection.ConnectionError

/**
 * @example
 * ```ts
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * declare const error: unknown
 * if (ChatCompletions.isConnectionError(error)) console.error(error.message)
 * ```
 *
 * @since 0.1.0
 * @category refinements
 */
export const isConnectionError = (u: unknown): u is ConnectionError => Predicate.hasProperty(u, ErrorTypeId)

/**
 * What opening a stream can fail with: the provider's error answer
 * (`ApiError` with `status`, `requestId` and the truncated `body`), or no
 * answer at all (`ConnectionError`). This is also what the retry schedule
 * sees (only for failures that are retryable: 408, 409, 429, 5xx, the
 * request timeout and the codes of `retryableConnectionCodes`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChatCompletions } from "effect-chat-stream"
 *
 * const program = ChatCompletions.finalContent({ model: "m", messages: [{ role: "user", content: "Hi" }] }).pipe(
 *   Effect.catchTags({
 *     ApiError: (error) => Effect.logError(`HTTP ${error.status}: ${error.message} (${error.requestId})`),
 *     ConnectionError: (error) => Effect.logError(error.message)
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type ChatCompletionsError = ApiError | ConnectionError
