/**
 * Sending a request: one attempt in a scope of its own (the request
 * timeout, a non-2xx answer read and judged as a `Failure`), and the
 * attempts the retry policy allows, until a 2xx status line.
 *
 * Not public API.
 */
import * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as Exit from "effect/Exit"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import type * as Tracer from "effect/Tracer"
import type { ApiError } from "../ChatStreamError.js"
import { apiErrorFromResponse, connectionFailure, MAX_ERROR_READ } from "./clientErrors.js"
import type { ConnectionError } from "./connectionError.js"
import type { Observation } from "./requestSpan.js"
import { readText } from "./responseBody.js"
import { Failure, isRetryableStatus, retryAfterOf, withRequestTimeout } from "./retryPolicy.js"

/** The options sending reads (of `ChatCompletions.ResolvedOptions`). */
export interface SendOptions {
  readonly requestTimeout: Duration.Duration
  readonly idleTimeout: Duration.Duration
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
}

/** What sending needs, made once per service. */
export interface Sender {
  /** The service's client under `HttpClient.withScope`. */
  readonly client: HttpClient.HttpClient.With<HttpClientError.HttpClientError, Scope.Scope>
  readonly options: SendOptions
  readonly policy: Schedule.Schedule<unknown, Failure>
  readonly shownUrl: string
}

/** A 2xx response, with the scope its request and body belong to (closed once the body is read). */
export interface Opened {
  readonly response: HttpClientResponse.HttpClientResponse
  readonly attemptScope: Scope.CloseableScope
}

/** Redirects followed within one attempt. */
export const MAX_REDIRECTS = 5

/** The headers that carry the key: a request with one follows no redirect to another origin. */
const CREDENTIALS = ["authorization", "api-key", "x-goog-api-key"]

/**
 * The request a redirect asks for, or none when the answer is not one. The
 * method and body are kept for every redirect status: the endpoint has
 * nothing to GET, so a 301/302/303 of a POST is taken to mean it moved. A
 * request that carries the key follows no redirect to another origin (the
 * redirect is then the answer, an `ApiError`): the key never goes to a host
 * it was not given for.
 */
const redirected = (
  request: HttpClientRequest.HttpClientRequest,
  response: HttpClientResponse.HttpClientResponse
): HttpClientRequest.HttpClientRequest | undefined => {
  const location = response.headers["location"]
  if (response.status < 300 || response.status >= 400 || response.status === 304 || location === undefined) return undefined
  let from: URL
  let to: URL
  try {
    from = new URL(request.url)
    to = new URL(location, from)
  } catch {
    return undefined
  }
  if (to.protocol !== "http:" && to.protocol !== "https:") return undefined
  const carriesKey = CREDENTIALS.some((name) => request.headers[name] !== undefined)
  if (to.origin !== from.origin && carriesKey) return undefined
  return HttpClientRequest.setUrl(request, to)
}

/**
 * One attempt: the response of a 2xx in its own scope, or a failure (its
 * scope closed). Redirects are followed within the attempt, up to
 * `MAX_REDIRECTS`; past that the redirect is the answer (an `ApiError`).
 */
const attemptOnce = (
  sender: Sender,
  request: HttpClientRequest.HttpClientRequest,
  scope: Scope.Scope,
  attempt: number,
  redirects = 0
): Effect.Effect<Opened, Failure> =>
  Effect.flatMap(Scope.fork(scope, ExecutionStrategy.sequential), (attemptScope) => {
    const { options: resolved, shownUrl } = sender
    const close = Scope.close(attemptScope, Exit.void)
    const execute = sender.client.execute(request).pipe(Scope.extend(attemptScope))
    const timed = withRequestTimeout(execute, resolved.requestTimeout, shownUrl, attempt)
    return timed.pipe(
      Effect.mapError((error) => connectionFailure(error, attempt, shownUrl)),
      Effect.flatMap((response) => {
        if (response.status >= 200 && response.status < 300) return Effect.succeed({ response, attemptScope })
        const next = redirects < MAX_REDIRECTS ? redirected(request, response) : undefined
        if (next !== undefined) {
          return Effect.zipRight(close, attemptOnce(sender, next, scope, attempt, redirects + 1))
        }
        return readText(response, MAX_ERROR_READ, resolved.idleTimeout).pipe(
          Effect.orElseSucceed(() => ""),
          Effect.zipLeft(close),
          Effect.zip(Clock.currentTimeMillis),
          Effect.flatMap(([text, now]) =>
            Effect.fail(
              new Failure(
                apiErrorFromResponse(response.status, response.headers, text, resolved.apiKey),
                isRetryableStatus(response.status, response.headers),
                retryAfterOf(response.headers, now)
              )
            )
          )
        )
      }),
      Effect.onError(() => close)
    )
  })

/**
 * Sends the request, attempt after attempt as the policy allows, in the
 * request's span: the 2xx response and how many attempts it took, or the
 * last attempt's error.
 */
export const sendWithRetries = (
  sender: Sender,
  request: HttpClientRequest.HttpClientRequest,
  scope: Scope.Scope,
  span: Tracer.Span,
  observation: Observation
): Effect.Effect<Opened & { readonly attempts: number }, ApiError | ConnectionError> => {
  let attempts = 0
  return Effect.suspend(() => attemptOnce(sender, request, scope, ++attempts)).pipe(
    Effect.retry(sender.policy),
    Effect.mapError((failure) => failure.error),
    Effect.tapError((error) => Effect.sync(() => (observation.error = error._tag))),
    Effect.withParentSpan(span),
    Effect.locallyWith(Headers.currentRedactedNames, (names) => [...names, "api-key", "x-goog-api-key"]),
    Effect.map(({ attemptScope, response }) => ({ attemptScope, response, attempts }))
  )
}
