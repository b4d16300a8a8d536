/**
 * An OpenAI-compatible server on a loopback port that replays the bundled
 * recordings (`scratchpad/recordings/*.sse`) in small pieces with small
 * delays, so a client sees a live stream.
 *
 * The recording is chosen by the request:
 *
 * | request | recording |
 * | --- | --- |
 * | last message has role `tool` | `tool-answer.sse` |
 * | `tools` given | `parallel-tools.sse` |
 * | `response_format` of type `json_object` / `json_schema` | `json.sse` |
 * | model name containing `reason`, `r1` or `think` | `reasoning.sse` |
 * | model `unauthorized` | a 401 error answer |
 * | anything else | `content.sse` |
 *
 * The usage-only chunk is left out unless `stream_options.include_usage` is
 * true, as OpenAI does. A request without `stream: true` gets a 400.
 *
 * Run it alone to try the CLI against it:
 *
 * ```sh
 * npx tsx scratchpad/demo-server.ts            # prints the base URL, Ctrl-C to stop
 * npm run --silent cli -- chat --base-url http://127.0.0.1:PORT/v1 --model m "hi" --json
 * ```
 */
import { Effect } from "effect"
import * as fs from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const recordingsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "recordings")

/** The recordings by name. */
export const recordings = ["content", "reasoning", "parallel-tools", "tool-answer", "json"] as const

/** The path of a recording. */
export const recordingPath = (name: (typeof recordings)[number]): string => path.join(recordingsDir, `${name}.sse`)

/** Which recording answers a request body (see the table above); `"unauthorized"` for the error answer. */
export const pickRecording = (body: Record<string, any>): (typeof recordings)[number] | "unauthorized" => {
  const messages: Array<Record<string, unknown>> = Array.isArray(body.messages) ? body.messages : []
  const model = String(body.model ?? "").toLowerCase()
  if (model === "unauthorized") return "unauthorized"
  if (messages.at(-1)?.role === "tool") return "tool-answer"
  if (Array.isArray(body.tools) && body.tools.length > 0) return "parallel-tools"
  const format = body.response_format?.type
  if (format === "json_object" || format === "json_schema") return "json"
  if (/reason|r1|think/.test(model)) return "reasoning"
  return "content"
}

export interface DemoServerOptions {
  /** Port to listen on (default 0: any free port). */
  readonly port?: number
  /** Mean delay between two events, in ms (default 8). */
  readonly delayMs?: number
}

export interface DemoServer {
  readonly baseUrl: string
  readonly port: number
  readonly close: () => Promise<void>
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The events of a recording, without the usage-only chunk when usage was not asked for. */
const eventsOf = (name: (typeof recordings)[number], includeUsage: boolean): Array<string> =>
  fs.readFileSync(recordingPath(name), "utf8")
    .split(/(?<=\n\n)/)
    .filter((event) => {
      if (includeUsage || !event.startsWith("data: {")) return true
      const json = JSON.parse(event.slice(6))
      return !(Array.isArray(json.choices) && json.choices.length === 0 && json.usage)
    })

const sendError = (res: http.ServerResponse, status: number, message: string, type: string, code: string | null) => {
  res.writeHead(status, { "content-type": "application/json", "x-request-id": `req_demo_${Date.now().toString(36)}` })
  res.end(JSON.stringify({ error: { message, type, param: null, code } }))
}

/** Starts the server on 127.0.0.1. */
export const startDemoServer = (options: DemoServerOptions = {}): Promise<DemoServer> => {
  const delay = options.delayMs ?? 8
  let counter = 0
  const server = http.createServer((req, res) => {
    const parts: Array<Buffer> = []
    req.on("data", (part: Buffer) => parts.push(part))
    req.on("end", async () => {
      if (req.method !== "POST" || !(req.url ?? "").replace(/\?.*$/, "").endsWith("/chat/completions")) {
        return sendError(res, 404, `No route ${req.method} ${req.url}; try POST /v1/chat/completions`, "invalid_request_error", null)
      }
      let body: Record<string, any>
      try {
        body = JSON.parse(Buffer.concat(parts).toString("utf8"))
      } catch {
        return sendError(res, 400, "The body is not valid JSON", "invalid_request_error", null)
      }
      if (body.stream !== true) {
        return sendError(res, 400, "This demo server only streams: send stream: true", "invalid_request_error", null)
      }
      const pick = pickRecording(body)
      if (pick === "unauthorized") {
        return sendError(res, 401, "Incorrect API key provided (the demo server refuses the model 'unauthorized').", "invalid_request_error", "invalid_api_key")
      }
      counter += 1
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        "x-request-id": `req_demo_${counter}_${pick}`
      })
      res.flushHeaders()
      for (const event of eventsOf(pick, body.stream_options?.include_usage === true)) {
        if (res.destroyed) return
        // an event in one to three pieces, to show that cuts do not matter
        const cuts = Math.floor(Math.random() * 3)
        let at = 0
        for (let i = 0; i < cuts; i++) {
          const next = at + Math.floor(Math.random() * (event.length - at))
          res.write(event.slice(at, next))
          at = next
        }
        res.write(event.slice(at))
        await sleep(Math.round(delay * (0.5 + Math.random())))
      }
      res.end()
    })
  })
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port
      resolve({
        baseUrl: `http://127.0.0.1:${port}/v1`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })
}

/** The server for the life of a scope. */
export const demoServer = (options?: DemoServerOptions) =>
  Effect.acquireRelease(
    Effect.promise(() => startDemoServer(options)),
    (server) => Effect.promise(() => server.close())
  )

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 0)
  startDemoServer({ port }).then((server) => {
    process.stdout.write(`demo server: ${server.baseUrl}  (Ctrl-C to stop)\n`)
    process.once("SIGINT", () => void server.close().then(() => process.exit(0)))
  })
}
