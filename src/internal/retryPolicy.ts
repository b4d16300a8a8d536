/**
 * The retry and timeout policy of the HTTP client service: which statuses
 * and which connection failures are worth another attempt, `retry-after`,
 * the schedule a failed attempt goes through, the request timeout of an
 * attempt and the idle timeout of a body.
 *
 * Not public API.
 */
import type * as Headers from "@effect/platform/Headers"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import type { ApiError } from "../ChatStreamError.js"
import { IncompleteStreamError } from "../ChatStreamError.js"
import { ConnectionError } from "./connectionError.js"

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
// the schedule
// -----------------------------------------------------------------------------

/** The options the policy reads (of `ChatCompletions.ResolvedOptions`). */
export interface RetryOptions {
  readonly retrySchedule: Schedule.Schedule<unknown, ApiError | ConnectionError>
  readonly maxRetryAfter: Duration.Duration
}

/** A failed attempt, as the retry policy sees it. */
export class Failure {
  constructor(
    readonly error: ApiError | ConnectionError,
    readonly retryable: boolean,
    readonly retryAfter: Option.Option<Duration.Duration>
  ) {}
}

export const retryPolicy = (options: RetryOptions): Schedule.Schedule<unknown, Failure> =>
  Schedule.intersect(
    Schedule.mapInput(options.retrySchedule, (failure: Failure) => failure.error),
    Schedule.identity<Failure>()
  ).pipe(
    Schedule.whileInput((failure: Failure) =>
      failure.retryable &&
      Option.match(failure.retryAfter, {
        onNone: () => true,
        onSome: (after) => Duration.lessThanOrEqualTo(after, options.maxRetryAfter)
      })
    ),
    Schedule.modifyDelay(([, failure], delay) =>
      Option.match(failure.retryAfter, { onNone: () => delay, onSome: (after) => Duration.max(delay, after) })
    )
  )

// -----------------------------------------------------------------------------
// timeouts
// -----------------------------------------------------------------------------

/** An attempt that fails with `ConnectionError` (`Timeout`) when its response did not arrive within `requestTimeout`. */
export const withRequestTimeout = <A, E, R>(
  execute: Effect.Effect<A, E, R>,
  requestTimeout: Duration.Duration,
  shownUrl: string,
  attempt: number
): Effect.Effect<A, E | ConnectionError, R> =>
  Duration.isFinite(requestTimeout)
    ? Effect.timeoutFail(execute, {
      duration: requestTimeout,
      onTimeout: () =>
        new ConnectionError({
          reason: "Timeout",
          url: shownUrl,
          attempts: attempt,
          detail: Duration.format(requestTimeout)
        })
    })
    : execute

export const withIdleTimeout = <A, E, R>(
  stream: Stream.Stream<A, E, R>,
  idle: Duration.Duration
): Stream.Stream<A, E | IncompleteStreamError, R> =>
  Duration.isFinite(idle)
    ? Stream.timeoutFail(
      stream,
      () =>
        new IncompleteStreamError({
          reason: "IdleTimeout",
          detail: `nothing arrived for ${Duration.format(idle)}`,
          snapshot: Option.none()
        }),
      idle
    )
    : stream
