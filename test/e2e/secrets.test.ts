/**
 * The API key never shows: not in an error (its message, `String`,
 * `inspect`, `JSON.stringify`, the JSON lines), not in the response meta,
 * also when the server echoes the request's headers back, in its error body
 * (as JSON and as text) or in its response headers.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Inspectable, Option } from "effect"
import * as util from "node:util"
import * as ChatCompletions from "../../src/ChatCompletions.js"
import * as JsonLines from "../../src/JsonLines.js"
import { API_KEY, clientLayer, params, startServer } from "./server.js"

/** Every way a value is commonly shown. */
const shown = (value: unknown): string =>
  [
    String(value),
    util.inspect(value, { depth: 20 }),
    JSON.stringify(value) ?? "",
    Inspectable.format(value),
    JsonLines.failure(value)
  ].join("\n")

describe("the API key", () => {
  it.scopedLive("is in no error when the server echoes the request's headers in a JSON error, a text error or its headers", () =>
    Effect.gen(function*() {
      const server = yield* startServer((req, res, index) => {
        const echoed = JSON.stringify(req.headers)
        const kind = index % 3
        if (kind === 0) {
          res.writeHead(401, { "content-type": "application/json", "x-echo": req.headers.authorization ?? "" })
          res.end(JSON.stringify({ error: { message: `bad key ${req.headers.authorization}`, headers: req.headers } }))
        } else if (kind === 1) {
          res.writeHead(400, { "content-type": "text/plain" })
          res.end(`you sent ${echoed}`)
        } else {
          res.writeHead(200, { "content-type": "text/html", "x-echo": req.headers.authorization ?? "" })
          res.end(`<html><body>${echoed}</body></html>`)
        }
      })
      const layer = clientLayer(server, { retrySchedule: undefined })
      for (let i = 0; i < 3; i++) {
        const error = yield* Effect.flip(ChatCompletions.finalContent(params).pipe(Effect.provide(layer)))
        expect(shown(error)).not.toContain(API_KEY)
        expect(shown(error)).not.toContain(API_KEY.slice(3))
      }
      expect(server.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${API_KEY}`, `Bearer ${API_KEY}`, `Bearer ${API_KEY}`])
    }))

  it.scopedLive("is not in the meta of a stream whose response headers echo it", () =>
    Effect.gen(function*() {
      const server = yield* startServer((req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream", "x-echo": req.headers.authorization ?? "" })
        res.end(
          `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`
        )
      })
      const meta = yield* Effect.scoped(Effect.gen(function*() {
        const client = yield* ChatCompletions.ChatCompletions
        const response = yield* client.stream(params)
        const content = yield* ChatCompletions.finalContent(params)
        expect(content).toEqual(Option.some("ok"))
        return response.meta
      })).pipe(Effect.provide(clientLayer(server)))
      expect(shown(meta)).not.toContain(API_KEY)
    }))
})
