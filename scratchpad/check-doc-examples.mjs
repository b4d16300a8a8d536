// Type-checks the ```ts examples of the docs: those in the doc comments
// (`/** ... */`) of src/**/*.ts (src/internal included: public classes such as
// the events are declared there and re-exported) and those of README.md. Part of `npm run typecheck`.
//
//   node scratchpad/check-doc-examples.mjs          type-check them
//   node scratchpad/check-doc-examples.mjs --run    then run those without a `declare` with tsx and
//                                                   print what they print, to compare by hand with
//                                                   their `// …` claims (nothing is compared
//                                                   automatically; some want a server or vitest)
//
// Each block becomes a module of its own (with `export {}` appended, so top-level
// names never clash) in the gitignored `.doc-examples/`, next to a tsconfig that
// extends the project's (strict, exactOptionalPropertyTypes, NodeNext, skipLibCheck)
// and maps `effect-chat-stream` and `effect-chat-stream/*` to `src/` with `paths`.
// One `tsc` run checks them all; each error is reported at the file:line:column of
// the example in its source. Exit code 1 when any example fails; the modules are
// then left in `.doc-examples/` to look at.
//
// Examples are fragments: `declare const body: …` stands for a value from
// elsewhere, and a value an example builds to show it off is never read, so unused
// locals and parameters are allowed. Unused imports are not: an import nothing uses
// is the trace of an example that was cut or went stale.
//
// Only ```ts / ```typescript blocks are checked. A block that cannot compile on its
// own (a shell command, JSON, pseudo-code) says so with its language tag: ```sh,
// ```json, ```text. SKIP below is for a `ts` block that really cannot be checked,
// with the reason; keep it empty.
import { spawn, spawnSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const outDir = path.join(root, ".doc-examples")
const run = process.argv.includes("--run")

/** `ts` blocks not checked: `{ file, contains: "a line of the block", why }`. Keep it empty. */
const SKIP = []

const isTs = (lang) => lang === "ts" || lang === "typescript"

/**
 * The fenced blocks of some lines. Each line is `{ text, line, col }`: the text
 * without its comment prefix, its 1-based line in the source and the 0-based
 * column where `text` starts there.
 */
const fencedBlocks = (lines, file) => {
  const blocks = []
  let open = null
  for (const l of lines) {
    const m = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(l.text)
    if (open === null) {
      if (m) open = { indent: m[1].length, fence: m[2], lang: m[3].toLowerCase(), line: l.line, code: [] }
    } else if (m && m[2][0] === open.fence[0] && m[2].length >= open.fence.length && l.text.trim() === m[2]) {
      blocks.push({ file, ...open })
      open = null
    } else {
      // drop the fence's indentation (a block in a list item), as CommonMark does
      const drop = Math.min(open.indent, /^\s*/.exec(l.text)[0].length)
      open.code.push({ text: l.text.slice(drop), line: l.line, col: l.col + drop })
    }
  }
  if (open !== null) {
    console.error(`${file}:${open.line}: unclosed code fence`)
    process.exit(1)
  }
  return blocks
}

/** The doc comments (`/** ... *\/`) of a TypeScript source, as lines without the ` * ` prefix. */
const docComments = (source) => {
  const comments = []
  const re = /\/\*\*(?!\/)[\s\S]*?\*\//g
  let m
  while ((m = re.exec(source)) !== null) {
    const startLine = source.slice(0, m.index).split("\n").length
    const startCol = m.index - (source.lastIndexOf("\n", m.index - 1) + 1)
    const raw = m[0].split("\n")
    comments.push(raw.map((text, i) => {
      const col = i === 0 ? startCol + 3 : (/^\s*\*(?!\/) ?/.exec(text) ?? /^\s*/.exec(text))[0].length
      let t = i === 0 ? text.slice(3) : text.slice(col)
      if (i === raw.length - 1) t = t.replace(/\s*\*\/$/, "")
      return { text: t, line: startLine + i, col }
    }))
  }
  return comments
}

const sourceFiles = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return sourceFiles(p)
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : []
  })

// -----------------------------------------------------------------------------
// extract
// -----------------------------------------------------------------------------

const blocks = []
for (const abs of sourceFiles(path.join(root, "src")).sort()) {
  const file = path.relative(root, abs).split(path.sep).join("/")
  for (const comment of docComments(fs.readFileSync(abs, "utf8"))) blocks.push(...fencedBlocks(comment, file))
}
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8").split("\n")
blocks.push(...fencedBlocks(readme.map((text, i) => ({ text, line: i + 1, col: 0 })), "README.md"))

const skipOf = (b) => SKIP.find((s) => s.file === b.file && b.code.some((l) => l.text.includes(s.contains)))
const examples = blocks.filter((b) => isTs(b.lang) && !skipOf(b))
const skipped = blocks.filter((b) => isTs(b.lang) && skipOf(b))
const staleSkips = SKIP.filter((s) => !skipped.some((b) => skipOf(b) === s))
if (staleSkips.length > 0) {
  console.error(`SKIP entries that match no example: ${staleSkips.map((s) => `${s.file} "${s.contains}"`).join(", ")}`)
  process.exit(1)
}

// The lines of each example's import declarations (for the unused-import rule).
for (const b of examples) {
  b.importLines = new Set()
  let inImport = false
  b.code.forEach((l, i) => {
    if (/^\s*import\b/.test(l.text)) inImport = true
    if (inImport) b.importLines.add(i + 1)
    if (inImport && /(\bfrom\s*|^\s*import\s*)["'][^"']*["']\s*;?\s*$/.test(l.text)) inImport = false
  })
}

// -----------------------------------------------------------------------------
// write and type-check
// -----------------------------------------------------------------------------

fs.rmSync(outDir, { recursive: true, force: true })
fs.mkdirSync(outDir, { recursive: true })
const byName = new Map()
for (const b of examples) {
  b.name = `${b.file.replace(/\//g, "_").replace(/\.(ts|md)$/, "")}_L${b.line}.ts`
  byName.set(b.name, b)
  fs.writeFileSync(path.join(outDir, b.name), b.code.map((l) => l.text).join("\n") + "\n\nexport {}\n")
}
fs.writeFileSync(
  path.join(outDir, "tsconfig.json"),
  JSON.stringify(
    {
      extends: "../tsconfig.json",
      compilerOptions: {
        noEmit: true,
        noUnusedLocals: true, // reported for imports only, see below
        noUnusedParameters: false,
        // without baseUrl, paths are relative to this file
        paths: {
          "effect-chat-stream": ["../src/index.ts"],
          "effect-chat-stream/*": ["../src/*.ts"]
        }
      },
      include: ["*.ts"],
      exclude: []
    },
    null,
    2
  ) + "\n"
)

const tsc = spawnSync(
  process.execPath,
  [path.join(root, "node_modules/typescript/bin/tsc"), "--noEmit", "--pretty", "false", "-p", path.join(outDir, "tsconfig.json")],
  { cwd: root, encoding: "utf8" }
)
if (tsc.error) throw tsc.error

/** "declared but never read/used" and its kin: errors only on an import. */
const UNUSED = new Set([6133, 6138, 6192, 6196, 6198, 6199, 6205])

const failed = new Set()
const report = []
let diagnostics = 0
for (const text of `${tsc.stdout}${tsc.stderr}`.split(/\r?\n(?=\S)/)) {
  if (text.trim() === "") continue
  const m = /^(.+?)\((\d+),(\d+)\): (error|warning) TS(\d+): ([\s\S]*)$/.exec(text)
  if (m) diagnostics++
  const b = m ? byName.get(path.basename(m[1])) : undefined
  if (!m || !b || path.resolve(root, m[1]) !== path.join(outDir, b.name)) {
    report.push(text.trimEnd()) // not in an example (the generated config, or src itself): as tsc said it
    continue
  }
  const line = Number(m[2])
  if (UNUSED.has(Number(m[5])) && !b.importLines.has(line)) continue
  const l = b.code[line - 1]
  const where = l ? `${b.file}:${l.line}:${l.col + Number(m[3])}` : `${b.file}:${b.line} (the appended \`export {}\`)`
  failed.add(b)
  report.push(`${where}: TS${m[5]}: ${m[6].trimEnd()}${l ? `\n    ${l.text.trim()}` : ""}`)
}

// tsc fails on the unused locals left out above too: only a failure without any diagnostic counts besides
if (report.length > 0 || (tsc.status !== 0 && diagnostics === 0)) {
  console.error(report.join("\n\n"))
  console.error(
    `\ndoc examples: ${failed.size} of ${examples.length} failed to type-check` +
      `${failed.size === 0 ? " (tsc failed outside the examples)" : ""}; the modules are in .doc-examples/`
  )
  process.exit(1)
}

console.log(
  `doc examples: ${examples.length} type-checked (${new Set(examples.map((b) => b.file)).size} files)` +
    (skipped.length > 0 ? `, ${skipped.length} skipped (${skipped.map((b) => `${b.file}:${b.line}`).join(", ")})` : "")
)

// -----------------------------------------------------------------------------
// --run
// -----------------------------------------------------------------------------

if (run) {
  const runnable = examples.filter((b) =>
    !b.code.some((l) => /^\s*declare\s/.test(l.text)) && !b.code.some((l) => /from\s+["'](@effect\/)?vitest["']/.test(l.text))
  )
  console.log(`running ${runnable.length} examples (without \`declare\` or vitest) with tsx …`)
  const tsx = path.join(root, "node_modules/.bin/tsx")
  const runOne = (b) =>
    new Promise((resolve) => {
      const child = spawn(tsx, ["--tsconfig", path.join(outDir, "tsconfig.json"), path.join(outDir, b.name)], {
        cwd: root,
        // a request that needs a server fails fast instead of calling OpenAI
        env: { ...process.env, OPENAI_BASE_URL: "http://127.0.0.1:9/v1", OPENAI_API_KEY: "" }
      })
      let out = ""
      child.stdout.on("data", (d) => (out += d))
      child.stderr.on("data", (d) => (out += d))
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000)
      child.on("close", (code, signal) => {
        clearTimeout(timer)
        resolve({ b, out: out.trimEnd(), status: code ?? signal })
      })
    })
  const results = new Array(runnable.length)
  let next = 0
  const worker = async () => {
    while (next < runnable.length) {
      const i = next++
      results[i] = await runOne(runnable[i])
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(8, os.availableParallelism() - 1)) }, worker))
  for (const { b, out, status } of results) {
    if (out === "" && status === 0) continue
    const claims = b.code.filter((l) => /\/\/\s*\S/.test(l.text)).map((l) => `    ${l.text.trim()}`)
    console.log(`\n=== ${b.file}:${b.line} (exit ${status})\n${claims.length > 0 ? `claims:\n${claims.join("\n")}\n` : ""}output:\n${out}`)
  }
  const silent = results.filter((r) => r.out === "" && r.status === 0).length
  console.log(`\n${silent} examples ran silently with exit 0 (their claims, if any, need a look by hand)`)
}

fs.rmSync(outDir, { recursive: true, force: true })
