/**
 * Benchmark of issues 4 and 10: this library against the `openai` package's
 * `ChatCompletionStream` on identical bytes, in one process, and (issue 10)
 * whole processes: the built CLI's `replay` against the package's oracle
 * (`bench/openai-cli.mjs`) on the same bytes written to a file.
 *
 *   npm run bench                       full run: in process, memory, whole process (~5 minutes)
 *   npm run bench -- --quick            smallest size of each case, 1 run; whole process at
 *                                       quarter sizes, 1 run
 *   npm run bench -- --only content,toolString          (also limits the whole-process cases)
 *   npm run bench -- --only toolString --sizes 100,200   only these in-process sizes
 *   npm run bench -- --profile content:20000 [--contestant lib|libTouch|libValues|copyFloor...] [--runs 10]
 *       only that case and contestant, for `node --cpu-prof --import tsx scratchpad/bench.ts ...`
 *   npm run bench -- --no-memory        no memory runs
 *   npm run bench -- --no-timing        no in-process timing
 *   npm run bench -- --cli              only the whole-process cases (no in-process timing, no memory)
 *   npm run bench -- --no-cli           no whole-process cases
 *   npm run bench -- --cli-runs 5       runs per whole-process case (default 2 to 5 from the
 *                                       first round's cost; 7 start-up runs; quick: 1 and 3)
 *
 * The in-process readers of issue 10 (libDones, libText, libValues, and the
 * copy floor of the growing values) are in the second table; the
 * whole-process cases (bench/cli.ts: `dist/` is rebuilt first when older
 * than `src/`) in the third and fourth.
 *
 * Prints the tables and a JSON summary (also written to .bench/results.json).
 * Run with `--expose-gc` for a GC between runs; without it the flag is set at
 * run time (see bench/measure.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { availableParallelism, loadavg } from "node:os"
import {
  applies,
  type ContestantName,
  finalText,
  floor,
  lib,
  libForEach,
  libTouch,
  libVerify,
  openai,
  openaiParams,
  planOf,
  runners
} from "./bench/contestants.js"
import { type CaseKind, generate, type Generated } from "./bench/generate.js"
import { cliReport, type CliSummary, runCli } from "./bench/cli.js"
import { memoryRun, type MemoryResult } from "./bench/memory.js"
import { exponent, gc, median, type Sample, time } from "./bench/measure.js"

// -----------------------------------------------------------------------------
// options
// -----------------------------------------------------------------------------

const argv = process.argv.slice(2)
const flag = (name: string) => argv.includes(name)
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name)
  return i >= 0 ? argv[i + 1] : undefined
}

const QUICK = flag("--quick")
const CLI_ONLY = flag("--cli")
const NO_CLI = flag("--no-cli")
const NO_MEMORY = flag("--no-memory") || CLI_ONLY
const NO_TIMING = flag("--no-timing") || CLI_ONLY
const CLI_RUNS = option("--cli-runs") !== undefined ? Number(option("--cli-runs")) : undefined
const ONLY = option("--only")?.split(",") as Array<CaseKind> | undefined
const ONLY_SIZES = option("--sizes")?.split(",").map(Number)
const PROFILE = option("--profile")
const RUNS_OVERRIDE = option("--runs") !== undefined ? Number(option("--runs")) : undefined
/** What the table and the verdicts use: process CPU time (default; robust on a shared machine) or wall clock. */
const METRIC: "cpu" | "wall" = option("--metric") === "wall" ? "wall" : "cpu"
/** Target time of the timed rounds of one case, ms (runs are 3 to 7). */
const CASE_BUDGET_MS = 10_000

const SIZES: Record<CaseKind, ReadonlyArray<number>> = {
  content: [5_000, 10_000, 20_000, 40_000],
  reasoning: [10_000, 20_000, 40_000],
  toolString: [10, 50, 100, 200, 400],
  toolArray: [10, 50, 100, 200, 400],
  logprobs: [5_000, 10_000, 20_000],
  jsonContent: [50, 100, 200]
}

const MEMORY_SIZES: Record<CaseKind, readonly [number, number]> = {
  content: [10_000, 20_000],
  reasoning: [10_000, 20_000],
  toolString: [100, 200],
  toolArray: [50, 100],
  logprobs: [2_500, 5_000],
  jsonContent: [100, 200]
}

const UNIT: Record<CaseKind, string> = {
  content: "deltas",
  reasoning: "deltas",
  toolString: "KiB",
  toolArray: "KiB",
  logprobs: "deltas",
  jsonContent: "KiB"
}

const CONTESTANTS: ReadonlyArray<ContestantName> = [
  "floor",
  "lib",
  "libTouch",
  "libNoParse",
  "libFold",
  "libDones",
  "libText",
  "libValues",
  "copyFloor",
  "openai",
  "openaiParse"
]

/**
 * Runs per case: the verification run is the first warm-up; the smallest
 * size of each case gets one more. The number of timed rounds is set from
 * the cost of the warm-up round, 3 to 7, to keep the total bounded.
 */
const runsFor = (roundMs: number, first: boolean): { warmup: number; runs: number } => {
  if (QUICK) return { warmup: 0, runs: 1 }
  const warmup = first ? 1 : 0
  if (RUNS_OVERRIDE !== undefined) return { warmup, runs: RUNS_OVERRIDE }
  return { warmup, runs: Math.max(3, Math.min(7, Math.round(CASE_BUDGET_MS / Math.max(roundMs, 1)))) }
}

// -----------------------------------------------------------------------------
// one case
// -----------------------------------------------------------------------------

interface CaseResult {
  kind: CaseKind
  size: number
  unit: string
  chunks: number
  deltas: number
  bodyMB: number
  runs: number
  /** Median ms per contestant, in the chosen metric. */
  ms: Partial<Record<ContestantName, number>>
  /** Median wall-clock and CPU ms per contestant. */
  wallMs: Partial<Record<ContestantName, number>>
  cpuMs: Partial<Record<ContestantName, number>>
  /** All samples. */
  samples: Partial<Record<ContestantName, Array<Sample>>>
  errors: Partial<Record<ContestantName, string>>
  notes: Array<string>
  ratios: {
    libOverOpenai?: number | undefined
    libOverOpenaiParse?: number | undefined
    libTouchOverOpenaiParse?: number | undefined
    libOverFloor?: number | undefined
    openaiOverFloor?: number | undefined
    touchMinusLibMs?: number | undefined
    touchMinusFoldMs?: number | undefined
    /** libTouch − libNoParse: what the partial-JSON parse of every delta costs. */
    parseMs?: number | undefined
    /** libValues / copyFloor: reading every delta's value against building those plain values. */
    valuesOverCopy?: number | undefined
    /** (libValues − libNoParse) / copyFloor: what the values add to the stream, against the copies. */
    valuesCostOverCopy?: number | undefined
  }
  /** Scaling exponent against the previous size of the same case. */
  exponent: Partial<Record<ContestantName, number>>
}

const log = (s: string) => process.stderr.write(s + "\n")

const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e))

/** Checks every contestant's output once (this is also the first warm-up). */
const verify = async (
  g: Generated,
  names: ReadonlyArray<ContestantName>,
  result: CaseResult
): Promise<Partial<Record<ContestantName, number>>> => {
  const ms: Partial<Record<ContestantName, number>> = {}
  if (names.includes("floor")) {
    const n = floor(g.pieces)
    if (n !== g.chunks) throw new Error(`floor parsed ${n} chunks, expected ${g.chunks}`)
  }
  if (names.includes("copyFloor") && applies("copyFloor", g.kind)) {
    const plan = planOf(g)!
    if (plan.steps.length !== g.deltas) throw new Error(`copy floor: ${plan.steps.length} steps, expected ${g.deltas} deltas`)
    result.notes.push(`copyFloor: ${plan.unchanged} of ${g.deltas} deltas change no value (copied anyway)`)
  }
  if (names.some((n) => n.startsWith("lib"))) {
    const t0 = performance.now()
    const v = await libVerify(g.pieces)
    ms.lib = performance.now() - t0
    const message = v.last?.snapshot.choices[0]?.message as Record<string, any> | undefined
    const text = finalText(g.kind, message)
    if (text !== g.expectedText) {
      throw new Error(`library: final text differs (${text?.length} vs ${g.expectedText.length} chars)`)
    }
    if (g.kind === "logprobs") {
      const lp = v.last?.snapshot.choices[0]?.logprobs?.content?.length
      if (lp !== g.expectedLogprobs) throw new Error(`library: ${lp} logprobs, expected ${g.expectedLogprobs}`)
    }
    if ((v.tags["Chunk"] ?? 0) !== g.chunks) throw new Error(`library: ${v.tags["Chunk"]} Chunk events, expected ${g.chunks}`)
  }
  for (const name of ["openai", "openaiParse"] as const) {
    if (!names.includes(name) || !applies(name, g.kind)) continue
    try {
      const t0 = performance.now()
      const { chunks, final } = await openai(g.pieces, openaiParams(g.kind, name === "openaiParse"))
      ms[name] = performance.now() - t0
      const message = final.choices[0]?.message as unknown as Record<string, any> | undefined
      const text = finalText(g.kind, message)
      if (chunks !== g.chunks) result.notes.push(`${name}: ${chunks} chunks iterated, expected ${g.chunks}`)
      if (text !== g.expectedText) {
        result.notes.push(
          `${name}: final text differs from the stream (${text === undefined ? "absent" : `${text.length} chars`} vs ${g.expectedText.length})`
        )
      }
      if (name === "openaiParse") {
        const parsed = g.kind === "jsonContent" ? message?.parsed : message?.tool_calls?.[0]?.function?.parsed_arguments
        if (parsed === undefined || parsed === null) result.notes.push(`${name}: no parsed value in the final completion`)
      }
    } catch (e) {
      result.errors[name] = errorText(e)
    }
  }
  return ms
}

const runCase = async (g: Generated, names: ReadonlyArray<ContestantName>, first: boolean): Promise<CaseResult> => {
  const result: CaseResult = {
    kind: g.kind,
    size: g.size,
    unit: UNIT[g.kind],
    chunks: g.chunks,
    deltas: g.deltas,
    bodyMB: g.body.length / (1024 * 1024),
    runs: 0,
    ms: {},
    wallMs: {},
    cpuMs: {},
    samples: {},
    errors: {},
    notes: [],
    ratios: {},
    exponent: {}
  }
  const verifyMs = await verify(g, names, result)
  const all = runners(g)
  const active = names.filter((n) => all[n] !== undefined && result.errors[n] === undefined)
  // At the smallest size of a case, one warm-up round; at the others the JIT is warm and the
  // check's run stands for it. Either way the round's cost sizes the number of timed runs.
  let roundMs = 0
  for (const n of active) {
    if (first) {
      const t0 = performance.now()
      await all[n]!()
      roundMs += performance.now() - t0
    } else {
      roundMs += n === "floor" || n === "copyFloor" ? 0 : n.startsWith("lib") ? verifyMs.lib ?? 0 : verifyMs[n] ?? 0
    }
  }
  const { runs } = runsFor(roundMs, first)
  result.runs = runs
  for (const n of active) result.samples[n] = []
  for (let r = 0; r < runs; r++) {
    // Rotate the order so that no contestant always runs after the same one.
    for (let k = 0; k < active.length; k++) {
      const n = active[(k + r) % active.length]
      try {
        result.samples[n]!.push(await time(all[n]!))
      } catch (e) {
        result.errors[n] = errorText(e)
      }
    }
  }
  for (const n of active) {
    const xs = result.samples[n]!
    if (xs.length > 0 && result.errors[n] === undefined) {
      result.wallMs[n] = median(xs.map((x) => x.wall))
      result.cpuMs[n] = median(xs.map((x) => x.cpu))
      result.ms[n] = METRIC === "cpu" ? result.cpuMs[n] : result.wallMs[n]
    }
  }
  const m = result.ms
  const ratio = (a?: number, b?: number) => (a !== undefined && b !== undefined ? a / b : undefined)
  result.ratios = {
    libOverOpenai: ratio(m.lib, m.openai),
    libOverOpenaiParse: ratio(m.lib, m.openaiParse),
    libTouchOverOpenaiParse: ratio(m.libTouch, m.openaiParse),
    libOverFloor: ratio(m.lib, m.floor),
    openaiOverFloor: ratio(m.openai, m.floor),
    touchMinusLibMs: m.libTouch !== undefined && m.lib !== undefined ? m.libTouch - m.lib : undefined,
    touchMinusFoldMs: m.libTouch !== undefined && m.libFold !== undefined ? m.libTouch - m.libFold : undefined,
    parseMs: m.libTouch !== undefined && m.libNoParse !== undefined ? m.libTouch - m.libNoParse : undefined,
    valuesOverCopy: ratio(m.libValues, m.copyFloor),
    valuesCostOverCopy: m.libValues !== undefined && m.libNoParse !== undefined
      ? ratio(m.libValues - m.libNoParse, m.copyFloor)
      : undefined
  }
  return result
}

// -----------------------------------------------------------------------------
// output
// -----------------------------------------------------------------------------

const f1 = (x: number | undefined) => (x === undefined ? "—" : x >= 100 ? x.toFixed(0) : x.toFixed(1))
const f2 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(2))
const msCell = (r: CaseResult, n: ContestantName) =>
  r.errors[n] !== undefined ? "ERR" : !applies(n, r.kind) ? "" : f1(r.ms[n])

const table = (results: ReadonlyArray<CaseResult>): string => {
  const header = [
    "case",
    "size",
    "chunks",
    "MB",
    "runs",
    "floor",
    "lib",
    "lib+touch",
    "no parse",
    "lib fold",
    "openai",
    "openai parse",
    "lib/openai",
    "touch/oaParse",
    "lib/floor",
    "oa/floor",
    "exp lib",
    "exp touch",
    "exp openai",
    "exp oaParse"
  ]
  const rows = results.map((r) => [
    r.kind,
    `${r.size}${r.unit === "KiB" ? " KiB" : ""}`,
    String(r.chunks),
    r.bodyMB.toFixed(1),
    String(r.runs),
    msCell(r, "floor"),
    msCell(r, "lib"),
    msCell(r, "libTouch"),
    msCell(r, "libNoParse"),
    msCell(r, "libFold"),
    msCell(r, "openai"),
    msCell(r, "openaiParse"),
    f2(r.ratios.libOverOpenai),
    f2(r.ratios.libTouchOverOpenaiParse),
    f1(r.ratios.libOverFloor),
    f1(r.ratios.openaiOverFloor),
    f2(r.exponent.lib),
    f2(r.exponent.libTouch),
    f2(r.exponent.openai),
    f2(r.exponent.openaiParse)
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")
}

/** The readers: what reading only done events, only deltas' text, or every delta's value costs. */
const readersTable = (results: ReadonlyArray<CaseResult>): string => {
  const header = [
    "case",
    "size",
    "deltas",
    "lib (drain)",
    "dones",
    "text",
    "values",
    "no parse",
    "copy floor",
    "values/copy",
    "(values−noParse)/copy",
    "exp dones",
    "exp text",
    "exp values"
  ]
  const rows = results.map((r) => [
    r.kind,
    `${r.size}${r.unit === "KiB" ? " KiB" : ""}`,
    String(r.deltas),
    msCell(r, "lib"),
    msCell(r, "libDones"),
    msCell(r, "libText"),
    msCell(r, "libValues"),
    msCell(r, "libNoParse"),
    msCell(r, "copyFloor"),
    f2(r.ratios.valuesOverCopy),
    f2(r.ratios.valuesCostOverCopy),
    f2(r.exponent.libDones),
    f2(r.exponent.libText),
    f2(r.exponent.libValues)
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")
}

const memoryTable = (rows: ReadonlyArray<MemoryRow>): string => {
  const header = ["case", "size", "mode", "held", "peak heap MB", "peak RSS MB", "retained MB", "B/chunk", "exp retained"]
  const cells = rows.map((r) => [
    r.kind,
    String(r.size),
    r.mode,
    String(r.held),
    f1(r.peakHeapMB),
    f1(r.peakRssMB),
    f1(r.retainedMB),
    f1(r.retainedBytesPerChunk),
    f2(r.exponent)
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i].length)))
  const line = (c: ReadonlyArray<string>) => c.map((x, i) => (i < 3 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join("  ")
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n")
}

interface MemoryRow extends MemoryResult {
  kind: CaseKind
  size: number
  chunks: number
  exponent?: number
}

// -----------------------------------------------------------------------------
// targets
// -----------------------------------------------------------------------------

const EXPONENT_LIMIT = 1.2 // "at most doubles, within noise"
/** Issue 10: reading every delta's value of a growing array, against the copy floor. */
const VALUES_OVER_COPY_LIMIT = 1.5

const targets = (results: ReadonlyArray<CaseResult>, memory: ReadonlyArray<MemoryRow>) => {
  const find = (kind: CaseKind, size: number) => results.find((r) => r.kind === kind && r.size === size)
  const worst = results.flatMap((r) =>
    (["lib", "libTouch"] as const).flatMap((n) =>
      r.exponent[n] !== undefined ? [{ kind: r.kind, size: r.size, contestant: n, exponent: r.exponent[n]! }] : []
    )
  ).filter((x) => x.exponent > EXPONENT_LIMIT)
  const scalingMeasured = results.some((r) => r.exponent.lib !== undefined)

  const parsed = (["toolString", "toolArray"] as const).map((kind) => {
    const r = find(kind, 200)
    if (r === undefined) return { kind, measured: false }
    const addTouch = r.ratios.touchMinusLibMs
    const addParse = r.ratios.parseMs
    const half = r.ratios.libTouchOverOpenaiParse
    return {
      kind,
      measured: true,
      touchMinusLibMs: addTouch,
      touchMinusFoldMs: r.ratios.touchMinusFoldMs,
      parseMs: addParse,
      libTouchOverOpenaiParse: half,
      openaiParseError: r.errors.openaiParse,
      met: addParse !== undefined && addParse < 100 && half !== undefined && half < 0.5
    }
  })

  const throughput = ([["content", 20_000], ["toolString", 200], ["toolArray", 200]] as const).map(([kind, size]) => {
    const r = find(kind, size)
    if (r === undefined) return { kind, size, measured: false }
    return {
      kind,
      size,
      measured: true,
      libMs: r.ms.lib,
      openaiMs: r.ms.openai,
      floorMs: r.ms.floor,
      libOverOpenai: r.ratios.libOverOpenai,
      libOverFloor: r.ratios.libOverFloor,
      openaiOverFloor: r.ratios.openaiOverFloor,
      met: r.ratios.libOverOpenai !== undefined && r.ratios.libOverOpenai <= 1
    }
  })

  // Issue 10: reading every delta's value. Strings stay linear (the exponent of libValues between
  // consecutive sizes); growing arrays stay within VALUES_OVER_COPY_LIMIT of the copy floor, judged
  // at the largest measured size (where the copies weigh most).
  const stringValues = results.filter((r) =>
    (r.kind === "toolString" || r.kind === "content") && r.exponent.libValues !== undefined
  ).map((r) => ({ kind: r.kind, size: r.size, exponent: r.exponent.libValues!, met: r.exponent.libValues! <= EXPONENT_LIMIT }))
  const arrayValues = (["toolArray", "jsonContent"] as const).flatMap((kind) => {
    const rs = results.filter((r) => r.kind === kind && r.ratios.valuesOverCopy !== undefined)
    if (rs.length === 0) return []
    const r = rs.reduce((a, b) => (b.size > a.size ? b : a))
    return [{
      kind,
      size: r.size,
      judged: kind === "toolArray",
      libValuesMs: r.ms.libValues,
      copyFloorMs: r.ms.copyFloor,
      libNoParseMs: r.ms.libNoParse,
      valuesOverCopy: r.ratios.valuesOverCopy!,
      valuesCostOverCopy: r.ratios.valuesCostOverCopy,
      met: r.ratios.valuesOverCopy! <= VALUES_OVER_COPY_LIMIT
    }]
  })

  // Target 4 is about the stream's own memory and held snapshots; held parsed values and
  // read lazy arrays are reported beside it.
  const memWorst = memory.filter((m) =>
    (m.mode === "drain" || m.mode === "snapshots") && m.exponent !== undefined && m.exponent > EXPONENT_LIMIT
  )
  const memOther = memory.filter((m) =>
    m.mode !== "drain" && m.mode !== "snapshots" && m.exponent !== undefined && m.exponent > EXPONENT_LIMIT
  )
  return {
    exponentLimit: EXPONENT_LIMIT,
    scaling: { measured: scalingMeasured, met: scalingMeasured && worst.length === 0, violations: worst },
    parsedOnEveryDelta: { met: parsed.every((p) => p.measured && p.met), cases: parsed },
    throughput: { met: throughput.every((t) => t.measured && t.met), cases: throughput },
    deltaValues: {
      stringsLinear: {
        measured: stringValues.length > 0,
        met: stringValues.length > 0 && stringValues.every((x) => x.met),
        cases: stringValues
      },
      arraysOverCopyFloor: {
        limit: VALUES_OVER_COPY_LIMIT,
        measured: arrayValues.some((x) => x.judged),
        met: arrayValues.some((x) => x.judged) && arrayValues.filter((x) => x.judged).every((x) => x.met),
        cases: arrayValues
      }
    },
    memory: {
      measured: memory.some((m) => m.exponent !== undefined),
      met: memory.some((m) => m.exponent !== undefined) && memWorst.length === 0,
      violations: memWorst.map((m) => ({ kind: m.kind, mode: m.mode, exponent: m.exponent })),
      beyondTarget: memOther.map((m) => ({ kind: m.kind, mode: m.mode, exponent: m.exponent }))
    }
  }
}

// -----------------------------------------------------------------------------
// main
// -----------------------------------------------------------------------------

const versionOf = (pkg: string): string => {
  try {
    return JSON.parse(readFileSync(new URL(`../node_modules/${pkg}/package.json`, import.meta.url), "utf8")).version
  } catch {
    return "?"
  }
}

const profile = async (spec: string) => {
  const [kind, sizeText] = spec.split(":") as [CaseKind, string]
  const g = generate(kind, Number(sizeText))
  const which = (option("--contestant") ?? "lib") as ContestantName | "libForEach" | "libBatched"
  const runs = RUNS_OVERRIDE ?? 5
  const f = which === "libForEach"
    ? () => libForEach(g.pieces)
    : which === "libBatched"
    ? () => lib(g.pieces, true)
    : which === "libTouch"
    ? () => libTouch(g.pieces)
    : runners(g)[which as ContestantName]!
  await f()
  const samples: Array<Sample> = []
  for (let i = 0; i < runs; i++) samples.push(await time(f))
  const cpu = samples.map((s) => s.cpu)
  const wall = samples.map((s) => s.wall)
  log(`${which} ${kind}:${g.size} (${g.chunks} chunks, ${(g.body.length / 1048576).toFixed(1)} MB): ` +
    `median cpu ${median(cpu).toFixed(1)} ms [${cpu.map((s) => s.toFixed(0)).join(", ")}], ` +
    `wall ${median(wall).toFixed(1)} ms [${wall.map((s) => s.toFixed(0)).join(", ")}]`)
}

const main = async () => {
  if (PROFILE !== undefined) return profile(PROFILE)
  const started = performance.now()
  const loadAtStart = loadavg()
  if (loadAtStart[0] > availableParallelism()) {
    log(`note: load average ${loadAtStart[0].toFixed(1)} on ${availableParallelism()} CPUs; wall-clock times will be noisy (table metric: ${METRIC})`)
  }
  if (gc === undefined) log("warning: no GC available between runs (run node with --expose-gc)")
  const kinds = (Object.keys(SIZES) as Array<CaseKind>).filter((k) => ONLY === undefined || ONLY.includes(k))
  const results: Array<CaseResult> = []
  for (const kind of NO_TIMING ? [] : kinds) {
    const sizes = QUICK
      ? SIZES[kind].slice(0, 1)
      : SIZES[kind].filter((size) => ONLY_SIZES === undefined || ONLY_SIZES.includes(size))
    let previous: CaseResult | undefined
    for (const size of sizes) {
      const g = generate(kind, size)
      const t0 = performance.now()
      const r = await runCase(g, CONTESTANTS, size === sizes[0])
      if (previous !== undefined) {
        for (const n of CONTESTANTS) {
          const a = previous.ms[n]
          const b = r.ms[n]
          // The exponent is per delta count (the sizes are nominal).
          if (a !== undefined && b !== undefined) r.exponent[n] = exponent(a, b, previous.deltas, r.deltas)
        }
      }
      results.push(r)
      previous = r
      log(`${kind} ${size}: ${Object.entries(r.ms).map(([k, v]) => `${k} ${v!.toFixed(1)}`).join(", ")}` +
        `${Object.keys(r.errors).length > 0 ? ` errors: ${JSON.stringify(r.errors)}` : ""} (${((performance.now() - t0) / 1000).toFixed(1)} s)`)
    }
  }

  const memory: Array<MemoryRow> = []
  if (!NO_MEMORY) {
    for (const kind of kinds) {
      const sizes = QUICK ? MEMORY_SIZES[kind].slice(0, 1) : MEMORY_SIZES[kind]
      const modes = kind === "toolString" || kind === "toolArray" || kind === "jsonContent"
        ? (["drain", "snapshots", "parsed"] as const)
        : kind === "logprobs"
        ? (["drain", "snapshots", "snapshotsRead"] as const)
        : (["drain", "snapshots"] as const)
      for (const mode of modes) {
        let previous: MemoryRow | undefined
        for (const size of sizes) {
          const g = generate(kind, size)
          // Retained heap is a single-shot measure that noise only inflates: the lower of two runs.
          const m1 = await memoryRun(g, mode)
          const m2 = QUICK ? m1 : await memoryRun(g, mode)
          const m = m2.retainedMB < m1.retainedMB ? m2 : m1
          const row: MemoryRow = { ...m, kind, size, chunks: g.chunks }
          if (previous !== undefined) {
            const [a, b] = mode === "drain" ? [previous.peakHeapMB, row.peakHeapMB] : [previous.retainedMB, row.retainedMB]
            row.exponent = exponent(a, b, previous.chunks, row.chunks)
          }
          memory.push(row)
          previous = row
        }
      }
      log(`memory ${kind} done`)
    }
  }

  // Whole processes last, so that their children do not share the machine with the in-process runs.
  const cli: CliSummary | undefined = NO_CLI ? undefined : runCli({ quick: QUICK, kinds, runs: CLI_RUNS, log })

  const verdict = { ...targets(results, memory), ...(cli !== undefined ? { wholeProcess: cli.targets } : {}) }
  const summary = {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      effect: versionOf("effect"),
      openai: versionOf("openai"),
      quick: QUICK,
      metric: METRIC,
      cpus: availableParallelism(),
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg(),
      gcBetweenRuns: gc !== undefined,
      readSize: 16 * 1024,
      totalSeconds: (performance.now() - started) / 1000,
      contestants: {
        floor: "TextDecoder + indexOf(\"\\n\\n\") + JSON.parse of each data",
        lib: "ChatStream.events, Stream.runDrain (one 16 KiB read per Effect Chunk)",
        libTouch: "ChatStream.events, Stream.runFold reading snapshot / parsed / parsedArguments of every event",
        libNoParse: "libTouch with partialJson: false (tool and JSON cases); libTouch - libNoParse = what parsed costs",
        libFold: "ChatStream.snapshots, Stream.runDrain (no event derivation, no partial JSON)",
        libDones: "ChatStream.events, Stream.runFold reading only done events' values (parsed / parsedArguments / text), touched along their spine",
        libText: "ChatStream.events, Stream.runFold reading only deltas' text fields (delta, snapshot, argumentsDelta, arguments: lengths)",
        libValues: "ChatStream.events, Stream.runFold reading every delta's value (touch) and touching it along its spine (length / key count down the last child)",
        copyFloor: "no stream: per delta, fresh frozen copies of the open containers (root to innermost) from pre-built children, planned outside the timed region",
        openai: "client.chat.completions.stream via custom fetch, for await + finalChatCompletion()",
        openaiParse: "same, with a strict tool (tool cases) or json_schema response_format (jsonContent)"
      },
      exponent: "log(t2/t1)/log(n2/n1) between consecutive sizes, n = number of deltas"
    },
    cases: results.map(({ samples: _samples, ...r }) => ({ ...r, samples: _samples })),
    memory,
    cli,
    targets: verdict
  }

  if (results.length > 0) {
    console.log(`\nMedian ${METRIC === "cpu" ? "process CPU" : "wall-clock"} ms per run (other metric in the JSON)`)
    console.log(table(results))
  }
  const notes = results.flatMap((r) =>
    [...r.notes, ...Object.entries(r.errors).map(([n, e]) => `${n}: ${e}`)].map((x) => `  ${r.kind} ${r.size}: ${x}`)
  )
  if (notes.length > 0) console.log("\nNotes:\n" + [...new Set(notes)].join("\n"))
  if (results.length > 0) {
    console.log(`\nReaders (in process, median ${METRIC === "cpu" ? "process CPU" : "wall-clock"} ms): dones = only the done events' values, ` +
      `text = only the deltas' text, values = every delta's value touched along its spine; copy floor = building ` +
      `those plain frozen values and nothing else`)
    console.log(readersTable(results))
  }
  if (memory.length > 0) console.log("\nMemory (library):\n" + memoryTable(memory))
  const cliText = cli !== undefined ? cliReport(cli) : undefined
  if (cliText !== undefined) console.log("\n" + cliText.tables)
  console.log("\nTargets:")
  if (!CLI_ONLY) {
    console.log(`  1 scaling (exponent ≤ ${EXPONENT_LIMIT}): ${!verdict.scaling.measured ? "not measured" : verdict.scaling.met ? "MET" : "NOT MET"}` +
      (verdict.scaling.violations.length > 0
        ? ` — ${verdict.scaling.violations.map((v) => `${v.kind} ${v.size} ${v.contestant} ${v.exponent.toFixed(2)}`).join("; ")}`
        : ""))
  }
  for (const p of verdict.parsedOnEveryDelta.cases) {
    if (!p.measured) continue
    console.log(`  2 parsed on every delta, ${p.kind} 200 KiB: parse (touch − no parse) ${f1(p.parseMs)} ms, touch−lib ${f1(p.touchMinusLibMs)} ms, touch−fold ${f1(p.touchMinusFoldMs)} ms, ` +
      `touch/openaiParse ${f2(p.libTouchOverOpenaiParse)}${p.openaiParseError ? ` (openai parse: ${p.openaiParseError})` : ""}: ${p.met ? "MET" : "NOT MET"}`)
  }
  for (const t of verdict.throughput.cases) {
    if (!t.measured) continue
    console.log(`  3 throughput ${t.kind} ${t.size}: lib ${f1(t.libMs)} ms, openai ${f1(t.openaiMs)} ms, floor ${f1(t.floorMs)} ms; ` +
      `lib/openai ${f2(t.libOverOpenai)}, lib/floor ${f1(t.libOverFloor)}, openai/floor ${f1(t.openaiOverFloor)}: ${t.met ? "MET" : "NOT MET"}`)
  }
  const dv = verdict.deltaValues
  if (dv.stringsLinear.measured) {
    console.log(`  10 every delta's value, strings linear (exponent of libValues ≤ ${EXPONENT_LIMIT}): ` +
      dv.stringsLinear.cases.map((c) => `${c.kind} ${c.size} ${c.exponent.toFixed(2)}`).join(", ") +
      `: ${dv.stringsLinear.met ? "MET" : "NOT MET"}`)
  }
  for (const c of dv.arraysOverCopyFloor.cases) {
    console.log(`  10 every delta's value, ${c.kind} ${c.size} KiB: values ${f1(c.libValuesMs)} ms, copy floor ${f1(c.copyFloorMs)} ms, ` +
      `no parse ${f1(c.libNoParseMs)} ms; values/copy ${f2(c.valuesOverCopy)} (target ≤ ${VALUES_OVER_COPY_LIMIT}), ` +
      `(values − no parse)/copy ${f2(c.valuesCostOverCopy)}: ${c.judged ? (c.met ? "MET" : "NOT MET") : "(reported, not judged)"}`)
  }
  if (!CLI_ONLY) {
    console.log(`  4 memory (peak while draining, retained holding snapshots: exponent ≤ ${EXPONENT_LIMIT}): ${verdict.memory.measured ? (verdict.memory.met ? "MET" : "NOT MET") : "not measured"}` +
      (verdict.memory.violations.length > 0
        ? ` — ${verdict.memory.violations.map((v) => `${v.kind} ${v.mode} ${v.exponent?.toFixed(2)}`).join("; ")}`
        : ""))
  }
  if (verdict.memory.beyondTarget.length > 0) {
    console.log(`    not linear beyond the target (held parsed values / read lazy arrays): ` +
      verdict.memory.beyondTarget.map((v) => `${v.kind} ${v.mode} ${v.exponent?.toFixed(2)}`).join("; "))
  }

  if (cliText !== undefined) for (const line of cliText.verdicts) console.log(line)

  mkdirSync(new URL("../.bench/", import.meta.url), { recursive: true })
  writeFileSync(new URL("../.bench/results.json", import.meta.url), JSON.stringify(summary, null, 2))
  console.log("\nJSON summary (also in .bench/results.json):")
  console.log(JSON.stringify({
    ...summary,
    cases: summary.cases.map(({ samples: _s, ...r }) => r),
    cli: cli === undefined
      ? undefined
      : { ...cli, startup: { ...cli.startup, samples: undefined }, cases: cli.cases.map(({ samples: _s, ...c }) => c) }
  }))
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
