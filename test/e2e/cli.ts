/**
 * Runs the CLI (`src/bin/cli.ts` through tsx) as a child process, with the
 * configuration variables it reads cleared unless `env` sets them.
 */
import { Effect } from "effect"
import { execFile } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/** The repository's root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")

/** How a run of the CLI ended. */
export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const cleared = { OPENAI_API_KEY: "", OPENAI_BASE_URL: "", CHAT_STREAM_MAX_EVENT_BYTES: "", CHAT_STREAM_PARTIAL_JSON: "" }

/** Runs `effect-chat-stream ARGS`; interrupting the effect kills the process. */
export const cli = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.async<Run>((resume) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", path.join(root, "src/bin/cli.ts"), ...args],
      { cwd: root, env: { ...process.env, ...cleared, ...env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resume(Effect.succeed({ code: error === null ? 0 : (typeof error.code === "number" ? error.code : 1), stdout, stderr }))
    )
    return Effect.sync(() => child.kill())
  })
