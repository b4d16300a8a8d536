/**
 * The `ConnectionError` of the HTTP client service (a request that got no
 * response), its type id, its reasons and its message. The public module
 * `ChatCompletions` re-exports and documents them; they live here so that the
 * client's implementation can make them without importing it.
 *
 * Not public API. (This comment carries no internal tag: it would strip the
 * import below it from the published declarations, and the public module's
 * types refer to these.)
 */
import * as Schema from "effect/Schema"

/** `ChatCompletions.ErrorTypeId`. */
export const ErrorTypeId: unique symbol = Symbol.for("effect-chat-stream/ChatCompletions/Error")

/** The type of `ErrorTypeId`. */
export type ErrorTypeId = typeof ErrorTypeId

/** `ChatCompletions.ConnectionErrorReason`. */
export const ConnectionErrorReason = Schema.Literal("Transport", "Timeout", "InvalidUrl", "Encode", "InvalidOption")

const describeCode = (code: string | undefined): string | undefined => {
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused"
    case "ECONNRESET":
    case "ENETRESET":
      return "connection reset"
    case "ECONNABORTED":
      return "connection aborted"
    case "ENOTFOUND":
      return "host not found"
    case "EAI_AGAIN":
      return "host name lookup failed for now"
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return "connection timed out"
    case "UND_ERR_HEADERS_TIMEOUT":
      return "no response headers in time"
    case "UND_ERR_SOCKET":
    case "EPIPE":
      return "the server closed the connection"
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EHOSTDOWN":
    case "ENETDOWN":
      return "host unreachable"
    default:
      return undefined
  }
}

/** Codes of a request that could not be sent as given (a header with a line break or non-Latin-1 text, …). */
const INVALID_REQUEST_CODES = new Set([
  "UND_ERR_INVALID_ARG",
  "ERR_INVALID_CHAR",
  "ERR_INVALID_HTTP_TOKEN",
  "ERR_HTTP_INVALID_HEADER_VALUE",
  "ERR_INVALID_ARG_TYPE",
  "ERR_INVALID_ARG_VALUE"
])

const isCertificateCode = (code: string | undefined): boolean =>
  code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code)

/** `ChatCompletions.ConnectionError` (documented there). */
export class ConnectionError extends Schema.TaggedError<ConnectionError>("effect-chat-stream/ConnectionError")(
  "ConnectionError",
  {
    reason: ConnectionErrorReason,
    url: Schema.String,
    code: Schema.optional(Schema.String),
    detail: Schema.optional(Schema.String),
    attempts: Schema.Number,
    cause: Schema.optional(Schema.Defect)
  }
) {
  /**
   * @since 0.1.0
   */
  readonly [ErrorTypeId]: ErrorTypeId = ErrorTypeId

  /**
   * @since 0.1.0
   */
  override get message(): string {
    const after = this.attempts > 1 ? ` (after ${this.attempts} attempts)` : ""
    const detail = this.detail === undefined ? "" : `: ${this.detail}`
    switch (this.reason) {
      case "Transport": {
        const code = this.code === undefined ? "" : ` (${this.code})`
        const what = describeCode(this.code) ?? this.detail ?? "connection failed"
        if (this.code !== undefined && INVALID_REQUEST_CODES.has(this.code)) {
          const hint = /header/i.test(what)
            ? "; check the API key and the headers for line breaks or characters outside Latin-1"
            : ""
          return `Could not send the request to ${this.url}: ${what}${code}${after}${hint}`
        }
        const hint = this.code === "ECONNREFUSED" || this.code === "ENOTFOUND" || this.code === "EAI_AGAIN"
          ? "; is the server running and the base URL right?"
          : isCertificateCode(this.code)
          ? "; the server's TLS certificate is not trusted (NODE_EXTRA_CA_CERTS adds a private CA)"
          : ""
        return `Could not reach ${this.url}: ${what}${code}${after}${hint}`
      }
      case "Timeout":
        return `No response from ${this.url} within the request timeout${
          this.detail === undefined ? "" : ` of ${this.detail}`
        }${after}`
      case "InvalidUrl":
        return `Invalid base URL ${JSON.stringify(this.url)}${detail}`
      case "Encode":
        return `The request body could not be encoded as JSON${detail}`
      case "InvalidOption":
        return `The request was not sent: an option is invalid${detail}`
    }
  }
}
