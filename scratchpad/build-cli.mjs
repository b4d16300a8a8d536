// Builds the installed command, `dist/bin/cli.js`, as one ES module bundle
// (run by `npm run build`, after `tsc` has written the library to `dist/`).
//
// Why a bundle: Node's start-up of the unbundled command is spent loading
// modules (about 600 files: `effect/Schema` alone pulls in fast-check's 240),
// while a bundle is a handful of files with only the code `replay` reaches
// (measured with `node --cpu-prof`). The code only `chat` uses (the HTTP
// client and undici) is imported when `chat` runs, so it goes to a chunk of
// its own in `dist/bin/chunks/` that `replay` never reads.
//
// The bundle replaces tsc's `dist/bin/cli.js` (its `.d.ts` stays); it keeps the
// shebang of `src/bin/cli.ts` and is made executable. `--outdir DIR` writes it
// elsewhere (the tests bundle into a temporary directory and run it).
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const flag = process.argv.indexOf("--outdir")
const outdir = flag === -1 ? path.join(root, "dist/bin") : path.resolve(process.argv[flag + 1])
const entry = path.join(outdir, "cli.js")

fs.rmSync(path.join(outdir, "chunks"), { recursive: true, force: true })

await esbuild.build({
  absWorkingDir: root,
  entryPoints: { cli: "src/bin/cli.ts" },
  outdir,
  bundle: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  allowOverwrite: true,
  logLevel: "warning",
  // Bundled CommonJS packages (undici) `require` Node's own modules, which an
  // ES module can only do through a `require` of its own.
  banner: { js: `import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);` }
})

const text = fs.readFileSync(entry, "utf8")
if (!text.startsWith("#!/usr/bin/env node\n")) throw new Error(`${entry} lost its shebang`)
fs.chmodSync(entry, 0o755)
