/**
 * CPU profile of one contestant on one case, with readable function names.
 *
 *   npx tsx scratchpad/bench/profile.ts content:20000 [lib|libTouch|libFold|openai|...] [runs]
 *
 * tsx's transform wraps functions in `__name(...)` and loses their names and
 * lines in V8 profiles, so this compiles the bench and `src/` with `tsc` into
 * `.bench/build/`, runs it with `node --cpu-prof`, and prints the summary of
 * `profile-summary.ts`. Profiles are kept in `.bench/prof/<case>-<contestant>/`.
 */
import { execFileSync } from "node:child_process"
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs"
import { join } from "node:path"

const [spec = "content:20000", contestant = "lib", runs = "5", top = "35"] = process.argv.slice(2)
const root = new URL("../../", import.meta.url).pathname
const build = join(root, ".bench/build")
const dir = join(root, ".bench/prof", `${spec.replace(":", "-")}-${contestant}`)

execFileSync(
  join(root, "node_modules/.bin/tsc"),
  [
    "--outDir", build, "--rootDir", root, "--module", "NodeNext", "--moduleResolution", "NodeNext",
    "--target", "ES2022", "--strict", "--skipLibCheck", "--exactOptionalPropertyTypes", "--types", "node",
    join(root, "scratchpad/bench.ts")
  ],
  { stdio: "inherit" }
)
rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })
execFileSync(
  process.execPath,
  [
    "--expose-gc", "--cpu-prof", "--cpu-prof-dir", dir, "--cpu-prof-interval", "250",
    join(build, "scratchpad/bench.js"), "--profile", spec, "--contestant", contestant, "--runs", runs
  ],
  { stdio: "inherit" }
)
const largest = readdirSync(dir)
  .map((f) => join(dir, f))
  .sort((a, b) => statSync(b).size - statSync(a).size)[0]
execFileSync(process.execPath, ["--import", "tsx", join(root, "scratchpad/bench/profile-summary.ts"), largest, top], {
  stdio: "inherit"
})
