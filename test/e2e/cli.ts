/**
 * Runs the CLI as a child process (`src/bin/cli.ts` through tsx, or a bundle
 * that `bundle` built), with the configuration variables it reads cleared
 * unless `env` sets them; and the loopback server the `chat` tests talk to.
 */
import { Effect, Option, Stream } from "effect"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { ChatCompletion } from "../../src/ChatCompletion.js"
import * as ChatStream from "../../src/ChatStream.js"
import * as JsonLines from "../../src/JsonLines.js"

/** The repository's root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")

/** How a run of the CLI ended. */
export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const cleared = { OPENAI_API_KEY: "", OPENAI_BASE_URL: "", CHAT_STREAM_MAX_EVENT_BYTES: "", CHAT_STREAM_PARTIAL_JSON: "" }

/** The node arguments that start the CLI from its TypeScript sources. */
export const fromSource: ReadonlyArray<string> = ["--import", "tsx", path.join(root, "src/bin/cli.ts")]

/**
 * Runs `effect-chat-stream ARGS` (by default from the sources); interrupting
 * the effect kills the process.
 */
export const cli = (
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
  command: ReadonlyArray<string> = fromSource
) =>
  Effect.async<Run>((resume) => {
    const child = execFile(
      process.execPath,
      [...command, ...args],
      { cwd: root, env: { ...process.env, ...cleared, ...env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resume(Effect.succeed({ code: error === null ? 0 : (typeof error.code === "number" ? error.code : 1), stdout, stderr }))
    )
    return Effect.sync(() => child.kill())
  })

/**
 * Bundles the installed command into `dir` the way `npm run build` does
 * (`scratchpad/build-cli.mjs --outdir dir`); gives the node arguments that run it.
 */
export const bundle = (dir: string) =>
  Effect.async<ReadonlyArray<string>, Error>((resume) => {
    const child = execFile(
      process.execPath,
      [path.join(root, "scratchpad/build-cli.mjs"), "--outdir", dir],
      { cwd: root, timeout: 60_000 },
      (error, _stdout, stderr) =>
        resume(error === null ? Effect.succeed([path.join(dir, "cli.js")]) : Effect.fail(new Error(`bundle failed: ${stderr}`)))
    )
    return Effect.sync(() => child.kill())
  })

/** The body the loopback server of `server` sends. */
export const fixture = fs.readFileSync(path.join(root, "test/fixtures/openai-parallel-tools.sse"))

/**
 * A `node:http` server on 127.0.0.1 that answers a chat request with
 * `fixture` in 61-byte pieces, or a 401 when the model is "forbidden"; it
 * records the requests it saw.
 */
export const server = Effect.acquireRelease(
  Effect.async<{ server: http.Server; baseUrl: string; seen: Array<http.IncomingHttpHeaders & { body?: string }> }>(
    (resume) => {
      const seen: Array<http.IncomingHttpHeaders & { body?: string }> = []
      const server = http.createServer((req, res) => {
        const parts: Array<Buffer> = []
        req.on("data", (part: Buffer) => parts.push(part))
        req.on("end", async () => {
          const body = Buffer.concat(parts).toString("utf8")
          seen.push({ ...req.headers, body })
          if (JSON.parse(body).model === "forbidden") {
            res.writeHead(401, { "content-type": "application/json", "x-request-id": "req_cli_401" })
            res.end(JSON.stringify({ error: { message: "Invalid token", type: "invalid_request_error", code: "invalid_api_key" } }))
            return
          }
          res.writeHead(200, { "content-type": "text/event-stream" })
          for (let at = 0; at < fixture.length; at += 61) {
            res.write(fixture.subarray(at, at + 61))
            await new Promise((resolve) => setTimeout(resolve, 1))
          }
          res.end()
        })
      })
      server.listen(0, "127.0.0.1", () =>
        resume(Effect.succeed({
          server,
          baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
          seen
        })))
    }
  ),
  ({ server }) => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
)

/** What `replay FILE --json` prints: a JSON line per event, then the Final (or Failure) line. */
export const replayJson = (body: Uint8Array) =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    let last = Option.none<ChatCompletion>()
    const result = yield* Effect.either(Stream.runForEach(ChatStream.events(Stream.make(body)), (event) =>
      Effect.sync(() => {
        if (event._tag === "Chunk") last = Option.some(event.snapshot)
        lines.push(JsonLines.event(event))
      })))
    lines.push(result._tag === "Right" ? JsonLines.final(last) : JsonLines.failure(result.left))
    return lines.map((line) => line + "\n").join("")
  })
