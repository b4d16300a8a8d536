/**
 * Opening a streaming chat completion, the work of the service's `stream`:
 * what a service computes once (the request's target and headers, the retry
 * policy, the pipeline's options), then for each call the span, the request,
 * the attempts until a 2xx, the response's meta and the body's streams.
 *
 * Not public API.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { ChatCompletionRequest } from "../ChatCompletionRequest.js"
import type * as ChatStream from "../ChatStream.js"
import { requestIdOf, scrubHeaders } from "./clientErrors.js"
import { buildRequest, type RequestOptions, type RequestTarget, requestTarget } from "./clientRequest.js"
import { recordResponse, startSpan } from "./requestSpan.js"
import type { BodyOptions } from "./responseBody.js"
import { responseStreams } from "./responseStreams.js"
import { type RetryOptions, retryPolicy } from "./retryPolicy.js"
import { type Sender, sendWithRetries, type SendOptions } from "./sendRequest.js"

/** The options opening a stream reads: `ChatCompletions.ResolvedOptions`. */
export type ClientOptions = RequestOptions & SendOptions & BodyOptions & RetryOptions & {
  readonly partialJson: boolean
}

/** What a service computes once, for all its requests. */
interface Client {
  readonly options: ClientOptions
  readonly target: RequestTarget
  readonly sender: Sender
  readonly pipelineOptions: ChatStream.Options
}

/** One streaming completion: the response's meta and the body's streams, in the current scope. */
const openStream = (client: Client, params: ChatCompletionRequest) =>
  Effect.gen(function*() {
    const { options: resolved, pipelineOptions, sender, target } = client
    const shownUrl = target.shownUrl
    const scope = yield* Effect.scope
    const startedAt = yield* Clock.currentTimeMillis
    const { observation, span } = yield* startSpan(params.model, shownUrl, scope, startedAt)
    const request = yield* buildRequest(target, resolved, params)
    const { attemptScope, attempts, response } = yield* sendWithRetries(sender, request, scope, span, observation)
    const now = yield* Clock.currentTimeMillis
    const meta = {
      url: shownUrl,
      status: response.status,
      headers: scrubHeaders(response.headers, resolved.apiKey),
      requestId: requestIdOf(response.headers),
      timeToFirstByte: Duration.millis(now - startedAt),
      attempts
    }
    recordResponse(span, meta, attempts, now - startedAt)
    return { meta, ...responseStreams(response, attemptScope, resolved, pipelineOptions, observation) }
  })

/**
 * The service's `stream` over an `HttpClient`: computes what every request
 * shares, then opens a stream per call.
 */
export const makeStream = (httpClient: HttpClient.HttpClient, resolved: ClientOptions) => {
  const target = requestTarget(resolved)
  const client: Client = {
    options: resolved,
    target,
    sender: {
      client: HttpClient.withScope(httpClient),
      options: resolved,
      policy: retryPolicy(resolved),
      shownUrl: target.shownUrl
    },
    pipelineOptions: { maxEventBytes: resolved.maxEventBytes, partialJson: resolved.partialJson }
  }
  return (params: ChatCompletionRequest) => openStream(client, params)
}
