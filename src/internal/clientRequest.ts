/**
 * The request of the HTTP client service: its URL (the base URL checked,
 * `/chat/completions` joined to it, the URL shown in messages), its headers,
 * the options checked before anything is sent, and its JSON body
 * (`stream: true`, `stream_options.include_usage`).
 *
 * Not public API.
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type * as Redacted from "effect/Redacted"
import type { ChatCompletionRequest } from "../ChatCompletionRequest.js"
import { errorMessageOf } from "./clientErrors.js"
import { ConnectionError } from "./connectionError.js"
import { invalidLimit } from "./sse.js"

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
// the request
// -----------------------------------------------------------------------------

/** The options a request is built from (of `ChatCompletions.ResolvedOptions`). */
export interface RequestOptions {
  readonly baseUrl: string
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  readonly organization: Option.Option<string>
  readonly project: Option.Option<string>
  readonly headers: Readonly<Record<string, string>>
  readonly includeUsage: boolean
  readonly maxEventBytes: number
}

/** Where the requests of a service go, what keeps them from being sent and their headers: computed once per service. */
export interface RequestTarget {
  readonly url: string
  /** `url` for messages and spans (`displayUrl`). */
  readonly shownUrl: string
  readonly urlProblem: string | undefined
  readonly optionProblem: string | undefined
  readonly baseHeaders: Record<string, string>
}

export const requestTarget = (resolved: RequestOptions): RequestTarget => {
  // A base URL that is not http(s) fails each request (typed, nothing sent), never the construction.
  const urlProblem = baseUrlProblem(resolved.baseUrl)
  const url = urlProblem === undefined ? joinUrl(resolved.baseUrl, "chat/completions") : resolved.baseUrl
  const shownUrl = displayUrl(url)
  // An unusable limit would fail the body only after a paid answer: fail before sending instead.
  const optionProblem = invalidLimit(resolved.maxEventBytes) === undefined
    ? undefined
    : `maxEventBytes must be a positive integer or Infinity, got ${resolved.maxEventBytes}`

  const baseHeaders: Record<string, string> = {
    accept: "text/event-stream",
    ...(Option.isSome(resolved.organization) ? { "openai-organization": resolved.organization.value } : {}),
    ...(Option.isSome(resolved.project) ? { "openai-project": resolved.project.value } : {})
  }
  for (const [name, value] of Object.entries(resolved.headers)) baseHeaders[name.toLowerCase()] = value
  return { url, shownUrl, urlProblem, optionProblem, baseHeaders }
}

export const buildRequest = (
  target: RequestTarget,
  resolved: RequestOptions,
  params: ChatCompletionRequest
): Effect.Effect<HttpClientRequest.HttpClientRequest, ConnectionError> => {
  const { baseHeaders, optionProblem, shownUrl, url, urlProblem } = target
  if (urlProblem !== undefined) {
    return Effect.fail(new ConnectionError({ reason: "InvalidUrl", url: shownUrl, detail: urlProblem, attempts: 0 }))
  }
  if (optionProblem !== undefined) {
    return Effect.fail(new ConnectionError({ reason: "InvalidOption", url: shownUrl, detail: optionProblem, attempts: 0 }))
  }
  const streamOptions = resolved.includeUsage
    ? {
      stream_options: {
        ...(Predicate.isRecord(params.stream_options) ? params.stream_options : {}),
        include_usage: params.stream_options?.include_usage ?? true
      }
    }
    : {}
  const body = { ...params, stream: true, ...streamOptions }
  let request = HttpClientRequest.post(url)
  if (Option.isSome(resolved.apiKey)) request = HttpClientRequest.bearerToken(request, resolved.apiKey.value)
  request = HttpClientRequest.setHeaders(request, baseHeaders)
  return HttpClientRequest.bodyJson(request, body).pipe(
    Effect.mapError((error) =>
      new ConnectionError({
        reason: "Encode",
        url: shownUrl,
        attempts: 0,
        ...(errorMessageOf(error.reason.error) !== undefined
          ? { detail: errorMessageOf(error.reason.error)! }
          : {})
      })
    )
  )
}
