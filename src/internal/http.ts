/**
 * Pure helpers of the HTTP client service: URLs, headers, `retry-after`,
 * which connection failures are retried, error bodies, what a 2xx body is,
 * non-streamed answers, and what a span records.
 *
 * Nothing here imports `ChatCompletions.ts`, so the service can import it
 * without a cycle.
 *
 * @internal
 */
import type * as Headers from "@effect/platform/Headers"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import type { ChatCompletion, ChatCompletionChunk } from "../ChatCompletion.js"
import { type ApiError, apiErrorFromPayload } from "../ChatStreamError.js"

// -----------------------------------------------------------------------------
// URLs
// -----------------------------------------------------------------------------

/** `base` + `/path`, with exactly one slash between them; the base's query is kept. */
export const joinUrl = (base: string | URL, path: string): string => {
  const url = new URL(base.toString())
  url.pathname = url.pathname.replace(/\/+$/, "") + "/" + path.replace(/^\/+/, "")
  return url.toString()
}

const parses = (text: string): URL | undefined => {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}

/**
 * Why a base URL cannot be used, or `undefined` when it can: it must parse
 * as a URL whose scheme is `http:` or `https:`. A base without a scheme
 * (`localhost:8080/v1`, `127.0.0.1:11434/v1`) gets a suggestion.
 */
export const baseUrlProblem = (base: string): string | undefined => {
  const text = base.trim()
  if (text === "") return "it is empty"
  const parsed = parses(text)
  if (parsed !== undefined && (parsed.protocol === "http:" || parsed.protocol === "https:")) return undefined
  if (parsed === undefined && /^https?:\/\//i.test(text)) return "it is not a valid URL"
  // A suggestion only for a host (and port) without its scheme, or a scheme missing its colon.
  const missingColon = /^(https?)\/\/(.*)$/i.exec(text)
  const guess = missingColon !== null
    ? `${missingColon[1]}://${missingColon[2]}`
    : /^[a-z0-9.-]+(:\d+)?(\/|$)/i.test(text)
    ? `http://${text}`
    : undefined
  const suggestion = guess !== undefined && parses(guess) !== undefined
    ? ` (did you mean "${displayUrl(guess)}"?)`
    : ""
  return `it must start with http:// or https://${suggestion}`
}

/**
 * A URL for messages: scheme, host and path only (a query may hold a key, as
 * Gemini's `key=`; user info never shows).
 */
export const displayUrl = (url: string): string => {
  const parsed = parses(url)
  if (parsed === undefined) return url.replace(/[?#].*$/, "")
  // `origin` is "null" for a scheme that is not http(s) (`localhost:8080/v1` parses with scheme `localhost:`)
  const origin = parsed.origin !== "null"
    ? parsed.origin
    : `${parsed.protocol}${parsed.host === "" ? "" : `//${parsed.host}`}`
  return `${origin}${parsed.pathname}`
}

// -----------------------------------------------------------------------------
// headers
// -----------------------------------------------------------------------------

const REQUEST_ID_HEADERS = ["x-request-id", "request-id", "apim-request-id", "x-amzn-requestid"]

/** The provider's id of the request: `x-request-id` (OpenAI and most), `request-id`, `apim-request-id` (Azure). */
export const requestIdOf = (headers: Headers.Headers): Option.Option<string> => {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers[name]
    if (typeof value === "string" && value !== "") return Option.some(value)
  }
  return Option.none()
}

/**
 * How long the server asks to wait: `retry-after-ms` (OpenAI), else
 * `retry-after` as seconds (fractions accepted) or as an HTTP date.
 */
export const retryAfterOf = (headers: Headers.Headers, now: number): Option.Option<Duration.Duration> => {
  const ms = headers["retry-after-ms"]
  if (ms !== undefined) {
    const value = Number(ms)
    if (ms.trim() !== "" && Number.isFinite(value) && value >= 0) return Option.some(Duration.millis(value))
  }
  const header = headers["retry-after"]
  if (header === undefined || header.trim() === "") return Option.none()
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return seconds >= 0 ? Option.some(Duration.millis(seconds * 1000)) : Option.none()
  const date = Date.parse(header)
  if (Number.isNaN(date)) return Option.none()
  return Option.some(Duration.millis(Math.max(0, date - now)))
}

/**
 * Whether a status is worth another attempt: 408, 409, 429 and 5xx, unless
 * the server says otherwise with `x-should-retry`.
 */
export const isRetryableStatus = (status: number, headers: Headers.Headers): boolean => {
  const should = headers["x-should-retry"]
  if (should === "true") return true
  if (should === "false") return false
  return status === 408 || status === 409 || status === 429 || status >= 500
}

/**
 * The error codes of transient network failures, the ones worth another
 * attempt: the connection was refused, reset, aborted or closed by the other
 * side, a write hit a closed socket, connecting or waiting for the headers
 * timed out, the network or host was unreachable, or the name lookup failed
 * for now (`EAI_AGAIN`, not `ENOTFOUND`). Anything else (an invalid header
 * or argument, a TLS certificate error, an unknown host, a failure without a
 * code) fails on the first attempt.
 */
export const RETRYABLE_CONNECTION_CODES: ReadonlyArray<string> = [
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENETUNREACH",
  "ENETDOWN",
  "ENETRESET",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT"
]

const retryableCodes = new Set(RETRYABLE_CONNECTION_CODES)

/** Whether a failed connection's code is one of `RETRYABLE_CONNECTION_CODES`. */
export const isRetryableConnectionCode = (code: string | undefined): boolean =>
  code !== undefined && retryableCodes.has(code)

// -----------------------------------------------------------------------------
// errors
// -----------------------------------------------------------------------------

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
// a 2xx answer that is not a stream
// -----------------------------------------------------------------------------

/**
 * What a 2xx body is, judged from its start (after an optional byte order
 * mark and whitespace): `Sse` when it starts with a field line (`data`,
 * `event`, `id`, `retry` followed by `:` or a line end, or a `:` comment),
 * `Json` when it starts with `{` or `[`, `Empty` when it ended with nothing
 * else, `Other` for anything else (`<!doctype html>`), and `Undecided` while
 * more bytes are needed (`ended` false).
 */
export type BodyKind = "Sse" | "Json" | "Empty" | "Other" | "Undecided"

const FIELDS = ["data", "event", "id", "retry"].map((name) => Array.from(name, (c) => c.charCodeAt(0)))
const BOM = [0xef, 0xbb, 0xbf]

const isBlank = (byte: number): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d

/**
 * How many leading bytes `sniffBody` skips: a whole byte order mark (when
 * `atStart`, the body's first bytes) and whitespace. A caller that reads a
 * body in pieces can drop them and go on with `atStart` false, so that no
 * byte is looked at twice.
 */
export const blankLength = (bytes: Uint8Array, atStart: boolean): number => {
  let at = atStart && BOM.every((b, i) => bytes[i] === b) ? BOM.length : 0
  while (at < bytes.length && isBlank(bytes[at])) at++
  return at
}

export const sniffBody = (bytes: Uint8Array, ended: boolean, atStart = true): BodyKind => {
  if (atStart && bytes.length < BOM.length && !ended && bytes.every((b, i) => b === BOM[i])) return "Undecided"
  const at = blankLength(bytes, atStart)
  if (at >= bytes.length) return ended ? "Empty" : "Undecided"
  const first = bytes[at]
  if (first === 0x7b || first === 0x5b) return "Json" // { [
  if (first === 0x3a) return "Sse" // :
  for (const field of FIELDS) {
    const available = Math.min(field.length, bytes.length - at)
    let matches = true
    for (let i = 0; i < available && matches; i++) matches = bytes[at + i] === field[i]
    if (!matches) continue
    if (available < field.length) return ended ? "Other" : "Undecided"
    const next = bytes[at + field.length]
    if (next === undefined) return ended ? "Sse" : "Undecided"
    return next === 0x3a || next === 0x0a || next === 0x0d ? "Sse" : "Other"
  }
  return "Other"
}

/** The pieces joined into one array of `size` bytes (their total length). */
export const concat = (parts: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  const out = new Uint8Array(size)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/**
 * `sniffBody` over a body read in pieces: each piece is judged with the few
 * bytes before it that are still undecided (a partial byte order mark or
 * field name); a byte order mark and whitespace already judged are dropped,
 * so a long blank start read in small pieces costs linear time.
 */
export class BodySniffer {
  private unjudged: Uint8Array = new Uint8Array(0)
  private atStart = true
  /** How many bytes were copied so far (linear in the body: see the tests). */
  copied = 0

  /** The kind of the body read so far, `pieces` being what arrived since the last call. */
  push(pieces: ReadonlyArray<Uint8Array>, ended: boolean): BodyKind {
    let size = this.unjudged.length
    for (const piece of pieces) size += piece.length
    if (size !== this.unjudged.length) {
      this.copied += size
      this.unjudged = concat([this.unjudged, ...pieces], size)
    }
    const kind = sniffBody(this.unjudged, ended, this.atStart)
    if (kind === "Undecided") {
      const blank = blankLength(this.unjudged, this.atStart)
      if (blank > 0) {
        this.unjudged = this.unjudged.subarray(blank)
        this.atStart = false
      }
    }
    return kind
  }
}

/**
 * A non-streamed completion (a server that ignored `stream: true`) as the
 * body of a stream: one chunk holding every message, then `[DONE]`. Gives
 * none for JSON that is not a completion.
 */
export const completionAsSse = (json: unknown): Option.Option<string> => {
  if (!Predicate.isRecord(json) || !Array.isArray(json.choices)) return Option.none()
  const { choices, object: _object, ...top } = json
  const chunkChoices = (choices as Array<unknown>).map((choice, position) => {
    const { finish_reason, index, message, ...other } = Predicate.isRecord(choice) ? choice : {}
    const { tool_calls, ...delta } = Predicate.isRecord(message) ? message : {}
    return {
      ...other,
      index: typeof index === "number" ? index : position,
      delta: {
        ...delta,
        ...(Array.isArray(tool_calls)
          ? { tool_calls: tool_calls.map((call, i) => (Predicate.isRecord(call) ? { index: i, ...call } : call)) }
          : {})
      },
      finish_reason: finish_reason ?? null
    }
  })
  const chunk = { ...top, object: "chat.completion.chunk", choices: chunkChoices }
  return Option.some(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`)
}

// -----------------------------------------------------------------------------
// what the span records
// -----------------------------------------------------------------------------

/** What the streams saw, written to the request's span when it ends. */
export interface Observation {
  firstTokenAt: number | undefined
  id: string | undefined
  model: string | undefined
  finishReasons: Map<number, string>
  usage: Record<string, unknown> | undefined
  error: string | undefined
}

export const makeObservation = (): Observation => ({
  firstTokenAt: undefined,
  id: undefined,
  model: undefined,
  finishReasons: new Map(),
  usage: undefined,
  error: undefined
})

const nonEmpty = (value: unknown): value is string => typeof value === "string" && value !== ""

const hasToken = (delta: ChatCompletionChunk["choices"][number]["delta"]): boolean =>
  nonEmpty(delta.content) || nonEmpty(delta.refusal) || nonEmpty(delta.reasoning_content) ||
  nonEmpty(delta.reasoning) || (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0)

/** Notes a chunk; true when it holds the first token. */
export const observeChunk = (observation: Observation, chunk: ChatCompletionChunk): boolean => {
  if (nonEmpty(chunk.id)) observation.id = chunk.id
  if (nonEmpty(chunk.model)) observation.model = chunk.model
  let first = false
  const record = chunk as Record<string, unknown>
  const usage = record.usage ?? (Predicate.isRecord(record.x_groq) ? record.x_groq.usage : undefined)
  if (Predicate.isRecord(usage)) observation.usage = usage
  for (const choice of chunk.choices) {
    if (nonEmpty(choice.finish_reason)) observation.finishReasons.set(choice.index, choice.finish_reason)
    const choiceUsage = (choice as Record<string, unknown>).usage
    if (Predicate.isRecord(choiceUsage)) observation.usage = choiceUsage
    if (observation.firstTokenAt === undefined && !first && hasToken(choice.delta)) first = true
  }
  return first
}

/** Notes a snapshot; true when it holds the first token. */
export const observeSnapshot = (observation: Observation, snapshot: ChatCompletion): boolean => {
  if (nonEmpty(snapshot.id)) observation.id = snapshot.id
  if (nonEmpty(snapshot.model)) observation.model = snapshot.model
  if (snapshot.usage !== undefined) observation.usage = snapshot.usage as Record<string, unknown>
  let first = false
  for (const choice of snapshot.choices) {
    if (nonEmpty(choice.finish_reason)) observation.finishReasons.set(choice.index, choice.finish_reason)
    const m = choice.message
    if (
      observation.firstTokenAt === undefined &&
      (nonEmpty(m.content) || nonEmpty(m.refusal) || nonEmpty(m.reasoning_content) || nonEmpty(m.reasoning) ||
        (m.tool_calls !== undefined && m.tool_calls.length > 0))
    ) first = true
  }
  return first
}

/** The span attributes of an observation (OpenTelemetry GenAI names where one exists). */
export const observationAttributes = (observation: Observation, startedAt: number): Record<string, unknown> => {
  const attributes: Record<string, unknown> = {}
  if (observation.id !== undefined) attributes["gen_ai.response.id"] = observation.id
  if (observation.model !== undefined) attributes["gen_ai.response.model"] = observation.model
  if (observation.firstTokenAt !== undefined) {
    attributes["chat_completions.time_to_first_token_ms"] = observation.firstTokenAt - startedAt
  }
  if (observation.finishReasons.size > 0) {
    attributes["gen_ai.response.finish_reasons"] = [...observation.finishReasons.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, reason]) => reason)
  }
  const usage = observation.usage
  if (usage !== undefined) {
    if (typeof usage.prompt_tokens === "number") attributes["gen_ai.usage.input_tokens"] = usage.prompt_tokens
    if (typeof usage.completion_tokens === "number") attributes["gen_ai.usage.output_tokens"] = usage.completion_tokens
    if (typeof usage.total_tokens === "number") attributes["gen_ai.usage.total_tokens"] = usage.total_tokens
  }
  if (observation.error !== undefined) attributes["error.type"] = observation.error
  return attributes
}
