/**
 * Summarises a V8 .cpuprofile: top functions by self time, by total
 * (inclusive) time for the project's own functions, and self time by
 * package / file.
 *
 *   node --cpu-prof --cpu-prof-dir=.bench/prof --import tsx scratchpad/bench.ts --profile content:20000 --runs 5
 *   npx tsx scratchpad/bench/profile-summary.ts .bench/prof/<file>.cpuprofile [top]
 */
import { readFileSync } from "node:fs"

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
  columnNumber: number
}
interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: Array<number>
}
interface Profile {
  nodes: Array<ProfileNode>
  samples: Array<number>
  timeDeltas: Array<number>
  startTime: number
  endTime: number
}

const file = process.argv[2]
const top = Number(process.argv[3] ?? 30)
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile

const byId = new Map<number, ProfileNode>()
for (const n of profile.nodes) byId.set(n.id, n)
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

// self time per node (µs)
const self = new Map<number, number>()
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i + 1] ?? 0
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt)
}
const total = [...self.values()].reduce((a, b) => a + b, 0)

const shortUrl = (url: string): string => {
  if (url === "") return "(native)"
  const u = url.replace(/^file:\/\//, "")
  const nm = u.lastIndexOf("/node_modules/")
  if (nm >= 0) return u.slice(nm + "/node_modules/".length).replace(/\/dist\/(esm|cjs)\//, "/")
  const build = u.indexOf("/.bench/build/")
  if (build >= 0) return u.slice(build + "/.bench/build/".length)
  const main = u.indexOf("/work/main/")
  if (main >= 0) return u.slice(main + "/work/main/".length)
  return u.replace(/^node:/, "node:")
}
const key = (f: CallFrame) => `${f.functionName || "(anonymous)"}  ${shortUrl(f.url)}:${f.lineNumber + 1}`
const pkgOf = (f: CallFrame): string => {
  const u = shortUrl(f.url)
  if (u.startsWith("src/") || u.startsWith("scratchpad/")) return u
  if (u === "(native)") return f.functionName.startsWith("(") ? f.functionName : "(native)"
  const parts = u.split("/")
  return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]
}

const pct = (us: number) => ((100 * us) / total).toFixed(1).padStart(5) + "%"
const ms = (us: number) => (us / 1000).toFixed(0).padStart(6) + " ms"

// self time by function
const selfByFn = new Map<string, number>()
for (const [id, us] of self) {
  const k = key(byId.get(id)!.callFrame)
  selfByFn.set(k, (selfByFn.get(k) ?? 0) + us)
}
console.log(`profile ${file}: ${(total / 1000).toFixed(0)} ms sampled\n`)
console.log(`top ${top} functions by self time`)
for (const [k, us] of [...selfByFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)} ${pct(us)}  ${k}`)

// self time by package / project file
const selfByPkg = new Map<string, number>()
for (const [id, us] of self) {
  const k = pkgOf(byId.get(id)!.callFrame)
  selfByPkg.set(k, (selfByPkg.get(k) ?? 0) + us)
}
console.log(`\nself time by package / project file`)
for (const [k, us] of [...selfByPkg].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${ms(us)} ${pct(us)}  ${k}`)

// inclusive time of project functions (each sample counted once per function on its stack)
const inclusive = new Map<string, number>()
for (const [id, us] of self) {
  const seen = new Set<string>()
  let cur: number | undefined = id
  while (cur !== undefined) {
    const f = byId.get(cur)!.callFrame
    const u = shortUrl(f.url)
    if (u.startsWith("src/") || u.startsWith("scratchpad/bench/")) {
      const k = key(f)
      if (!seen.has(k)) {
        seen.add(k)
        inclusive.set(k, (inclusive.get(k) ?? 0) + us)
      }
    }
    cur = parent.get(cur)
  }
}
console.log(`\nproject functions by total (inclusive) time`)
for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)} ${pct(us)}  ${k}`)
