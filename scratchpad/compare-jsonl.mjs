// Compares two JSON-lines files, ignoring key order; Chunk lines by snapshot.
import fs from "node:fs"
const read = (f) => fs.readFileSync(f, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l))
const [got, exp] = [read(process.argv[2]), read(process.argv[3])]
const norm = (x) =>
  JSON.stringify(x, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v)
let bad = 0
if (got.length !== exp.length) { console.log("line count", got.length, "expected", exp.length); bad++ }
for (let i = 0; i < Math.max(got.length, exp.length); i++) {
  const x = got[i], y = exp[i]
  const a = x?._tag === "Chunk" ? norm(x?.snapshot) : norm(x)
  const b = y?._tag === "Chunk" ? norm(y?.snapshot) : norm(y)
  if (a !== b) { console.log(`line ${i + 1}\n  got ${a}\n  exp ${b}`); bad++ }
}
process.exitCode = bad === 0 ? 0 : 1
