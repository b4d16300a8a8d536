// Compares `replay --json` of each test/fixtures/*.sse with its .expected.json
// (events without Chunk lines, and the last line; key order ignored).
import { execFileSync } from "node:child_process"
import fs from "node:fs"
const norm = (x) =>
  JSON.stringify(x, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v)
const only = process.argv[2]
for (const f of fs.readdirSync("test/fixtures").filter((f) => f.endsWith(".sse"))) {
  const name = f.slice(0, -4)
  if (only && name !== only) continue
  let out
  try {
    out = execFileSync("npx", ["tsx", "src/bin/cli.ts", "replay", `test/fixtures/${f}`, "--json"], { encoding: "utf8" })
  } catch (e) { out = e.stdout }
  const lines = out.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l))
  const last = lines.pop()
  const events = lines.filter((l) => l._tag !== "Chunk")
  const exp = JSON.parse(fs.readFileSync(`test/fixtures/${name}.expected.json`, "utf8"))
  const problems = []
  if (events.length !== exp.events.length) problems.push(`event count ${events.length} vs ${exp.events.length}`)
  for (let i = 0; i < Math.max(events.length, exp.events.length); i++) {
    if (norm(events[i]) !== norm(exp.events[i])) problems.push(`event ${i}\n   got ${norm(events[i])}\n   exp ${norm(exp.events[i])}`)
  }
  // expected failures list only some keys: compare those
  let lastGot = last
  if (exp.last._tag === "Failure" && last._tag === "Failure") {
    lastGot = { _tag: "Failure", error: Object.fromEntries(Object.keys(exp.last.error).map((k) => [k, last.error[k] ?? null])) }
  }
  if (norm(lastGot) !== norm(exp.last)) problems.push(`last\n   got ${norm(last)}\n   exp ${norm(exp.last)}`)
  console.log(problems.length === 0 ? `ok   ${name}` : `FAIL ${name}\n  ${problems.join("\n  ")}`)
}
