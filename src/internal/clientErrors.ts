/**
 * The errors of the HTTP client service: the provider's request id, the
 * `ApiError` of an error body or of a 2xx body that is not a stream, the
 * code and message of a failed connection, and the mapping of a failure
 * without a response to a `ConnectionError` (before the status line) or an
 * `IncompleteStreamError` (while the body is read).
 *
 * Not public API.
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import { type ApiError, apiErrorFromPayload, IncompleteStreamError } from "../ChatStreamError.js"
import { ConnectionError } from "./connectionError.js"
import { Failure, isRetryableConnectionCode } from "./retryPolicy.js"

const REQUEST_ID_HEADERS = ["x-request-id", "request-id", "apim-request-id", "x-amzn-requestid"]

/** The provider's id of the request: `x-request-id` (OpenAI and most), `request-id`, `apim-request-id` (Azure). */
export const requestIdOf = (headers: Headers.Headers): Option.Option<string> => {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers[name]
    if (typeof value === "string" && value !== "") return Option.some(value)
  }
  return Option.none()
}

/** The largest part of an error body an `ApiError` keeps. */
export const MAX_ERROR_BODY = 4096

/** How much of an error body is read at most. */
export const MAX_ERROR_READ = 64 * 1024

/** Replaces every occurrence of the secret (when it is long enough to be one). */
export const scrub = (text: string, secret: Option.Option<Redacted.Redacted<string>>): string => {
  if (Option.isNone(secret)) return text
  const value = Redacted.value(secret.value)
  return value.length >= 8 ? text.split(value).join("[redacted]") : text
}

/**
 * Response headers with the key scrubbed from their values: a server (or a
 * proxy) that echoes the request's `authorization` in a header of its answer
 * must not put the key into `ResponseMeta.headers`. The same object when no
 * value holds the key.
 */
export const scrubHeaders = (
  headers: Headers.Headers,
  secret: Option.Option<Redacted.Redacted<string>>
): Headers.Headers => {
  if (Option.isNone(secret)) return headers
  const value = Redacted.value(secret.value)
  if (value.length < 8 || !Object.values(headers).some((v) => v.includes(value))) return headers
  const out: Record<string, string> = {}
  for (const [name, v] of Object.entries(headers)) out[name] = scrub(v, secret)
  return Headers.fromInput(out)
}

const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`

const preview = (text: string): string => {
  const flat = text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim()
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat
}

/** The start of a text on one line, markup kept (`<!doctype html>…`). */
const rawPreview = (text: string, max = 200): string => {
  const flat = text.replace(/^\uFEFF/, "").replace(/\s+/g, " ").trim()
  return flat.length > max ? `${flat.slice(0, max)}…` : flat
}

const jsonPreview = (json: unknown): string => {
  try {
    return rawPreview(JSON.stringify(json))
  } catch {
    return "(not serialisable)"
  }
}

const present = (value: unknown): boolean => value !== undefined && value !== null && value !== ""

/** Whether an error object (or string) holds a message worth showing: not blank. */
const hasMessageOf = (inner: unknown): boolean =>
  Predicate.isRecord(inner)
    ? typeof inner.message === "string" && inner.message.trim() !== ""
    : typeof inner === "string" && inner.trim() !== ""

/**
 * The `ApiError` of a non-2xx response (or a 2xx JSON body holding
 * `error`): the provider's `message` / `type` / `code` / `param` when the body
 * is a JSON error with a message (also the first of a JSON array of errors,
 * as Gemini sends). Otherwise the message is `HTTP <status>` followed by what
 * there is to show: `HTTP 500 (empty body)`, `HTTP 401 (type auth, code x)`
 * for an error object holding only those, else a preview of the body
 * (`HTTP 422: {"detail":[…]}`, `HTTP 404: Not Found`, markup removed).
 */
export const apiErrorFromResponse = (
  status: number,
  headers: Headers.Headers,
  rawText: string,
  secret: Option.Option<Redacted.Redacted<string>>
): ApiError => {
  const text = scrub(rawText, secret)
  const http = { status, requestId: Option.getOrNull(requestIdOf(headers)), body: truncate(text, MAX_ERROR_BODY) }
  const withMessage = (message: string) => apiErrorFromPayload({ message }, Option.none(), http)
  if (text.trim() === "") return withMessage(`HTTP ${status} (empty body)`)
  let json: unknown = undefined
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  if (Array.isArray(json) && Predicate.isRecord(json[0]) && hasMessageOf(json[0].error ?? json[0])) {
    return apiErrorFromPayload(json[0], Option.none(), http)
  }
  if (Predicate.isRecord(json)) {
    const inner = json.error ?? json
    if (hasMessageOf(inner)) return apiErrorFromPayload(json, Option.none(), http)
    const fields = Predicate.isRecord(inner) ? inner : {}
    const onlyTypeAndCode = Predicate.isRecord(inner) &&
      (present(inner.type) || present(inner.code)) &&
      Object.entries(inner).every(([key, value]) => ["type", "code", "param", "message"].includes(key) || !present(value)) &&
      Object.entries(json).every(([key, value]) => key === "error" || !present(value))
    const shown = onlyTypeAndCode
      ? ` (${
        [["type", fields.type], ["code", fields.code]]
          .filter(([, value]) => present(value))
          .map(([key, value]) => `${key} ${typeof value === "string" ? value : jsonPreview(value)}`)
          .join(", ")
      })`
      : `: ${jsonPreview(json)}`
    return apiErrorFromPayload({ ...fields, message: `HTTP ${status}${shown}` }, Option.none(), http)
  }
  if (json !== undefined) return withMessage(`HTTP ${status}: ${jsonPreview(json)}`)
  const shown = preview(text)
  return withMessage(shown === "" ? `HTTP ${status}` : `HTTP ${status}: ${shown}`)
}

/**
 * The `ApiError` of a 2xx answer whose body is not an event stream (an HTML
 * login page, a text, JSON that is neither an error nor a completion):
 * `The server answered 200 with text/html, not an event stream: <!doctype html>…`.
 * `what` replaces "an event stream" (for JSON that is no completion either).
 */
export const notAStreamError = (
  status: number,
  headers: Headers.Headers,
  rawText: string,
  secret: Option.Option<Redacted.Redacted<string>>,
  what = "an event stream"
): ApiError => {
  const text = scrub(rawText, secret)
  const contentType = headers["content-type"]
  const shown = rawPreview(text)
  return apiErrorFromPayload(
    {
      message: `The server answered ${status} with ${
        contentType === undefined || contentType.trim() === "" ? "no content type" : contentType
      }, not ${what}${shown === "" ? "" : `: ${shown}`}`
    },
    Option.none(),
    { status, requestId: Option.getOrNull(requestIdOf(headers)), body: truncate(text, MAX_ERROR_BODY) }
  )
}

/** The `code` of an error or of one of its causes (`ECONNREFUSED`, `UND_ERR_SOCKET`, …). */
export const errorCodeOf = (error: unknown, depth = 0): string | undefined => {
  if (depth > 5 || typeof error !== "object" || error === null) return undefined
  const { cause, code, errors } = error as { code?: unknown; errors?: unknown; cause?: unknown }
  if (typeof code === "string" && code !== "") return code
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const innerCode = errorCodeOf(inner, depth + 1)
      if (innerCode !== undefined) return innerCode
    }
  }
  return errorCodeOf(cause, depth + 1)
}

/** The message of an error and its causes, joined (`fetch failed: connect ECONNREFUSED …`). */
export const errorMessageOf = (error: unknown): string | undefined => {
  const parts: Array<string> = []
  let current: unknown = error
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (current.message !== "" && !parts.includes(current.message)) parts.push(current.message)
    current = current.cause
  }
  if (parts.length === 0 && typeof error === "string") parts.push(error)
  return parts.length === 0 ? undefined : parts.join(": ")
}

// -----------------------------------------------------------------------------
// failures without a response
// -----------------------------------------------------------------------------

/**
 * A failed attempt without a response. The platform client labels every
 * network failure `Transport`; only the transient ones (by code, see
 * `retryableConnectionCodes`) are retried, and the request timeout.
 */
export const connectionFailure = (error: unknown, attempt: number, shownUrl: string): Failure => {
  if (HttpClientError.isHttpClientError(error) && error._tag === "RequestError") {
    const code = errorCodeOf(error.cause)
    const detail = errorMessageOf(error.cause) ?? error.description
    return new Failure(
      new ConnectionError({
        reason: error.reason,
        url: shownUrl,
        attempts: attempt,
        ...(code !== undefined ? { code } : {}),
        ...(detail !== undefined ? { detail } : {}),
        ...(error.cause !== undefined ? { cause: error.cause } : {})
      }),
      error.reason === "Transport" && isRetryableConnectionCode(code),
      Option.none()
    )
  }
  if (error instanceof ConnectionError) return new Failure(error, error.reason === "Timeout", Option.none())
  const code = errorCodeOf(error)
  const detail = errorMessageOf(error)
  return new Failure(
    new ConnectionError({
      reason: "Transport",
      url: shownUrl,
      attempts: attempt,
      ...(code !== undefined ? { code } : {}),
      ...(detail !== undefined ? { detail } : {}),
      cause: error
    }),
    isRetryableConnectionCode(code),
    Option.none()
  )
}

/** A failure while the body is read, as an `IncompleteStreamError` (`Transport`). */
export const transportError = (error: HttpClientError.ResponseError | unknown): IncompleteStreamError => {
  const cause = HttpClientError.isHttpClientError(error) ? error.cause : error
  const message = errorMessageOf(cause)
  const code = errorCodeOf(cause)
  const detail = [message, code !== undefined && !(message ?? "").includes(code) ? `(${code})` : undefined]
    .filter((s): s is string => s !== undefined)
    .join(" ")
  return new IncompleteStreamError({
    reason: "Transport",
    ...(detail === "" ? {} : { detail }),
    cause,
    snapshot: Option.none()
  })
}
