// Checks the layout rules of `src/` (README, Architecture):
//
// - no file over 400 lines, except wire-schema files whose top-level
//   statements are all imports, types, `Schema` declarations, one-expression
//   helpers that build a Schema, and aliases of another module's declarations;
// - no function (declaration, arrow, expression, method, accessor,
//   constructor) over 80 lines, nested functions counted in their parent;
// - no import circle between the files of `src/`, type-only imports included.
//
//   node scratchpad/check-layout.mjs            exits 1 and lists what breaks a rule
//   node scratchpad/check-layout.mjs --report   also lists every file's size and longest function
//
// It reads the sources with the TypeScript compiler's parser (a dev
// dependency already), so it sees what `tsc` sees.
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const MAX_FILE_LINES = 400
const MAX_FUNCTION_LINES = 80

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const srcDir = path.join(root, "src")
const report = process.argv.includes("--report")

const filesUnder = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return filesUnder(full)
    return entry.name.endsWith(".ts") ? [full] : []
  })

const files = filesUnder(srcDir).sort()
const relative = (file) => path.relative(root, file)
const problems = []

/** A statement that only declares wire data: an import, a type, or a `Schema` value or class. */
const isSchemaDeclaration = (statement) => {
  if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) return true
  if (ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) return true
  const startsWithSchema = (node) => node !== undefined && /^Schema\./.test(node.getText())
  // A one-line helper that builds a Schema (`const nullable = (s) => Schema.NullOr(s)`),
  // or another module's declaration under a second name (`export const X = Module.X`).
  const isSchemaHelper = (node) =>
    node !== undefined && ts.isArrowFunction(node) && !ts.isBlock(node.body) && startsWithSchema(node.body)
  const isAlias = (node) => node !== undefined && /^[A-Z]\w*\.[A-Z]\w*$/.test(node.getText())
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.every((d) =>
      startsWithSchema(d.initializer) || isSchemaHelper(d.initializer) || isAlias(d.initializer)
    )
  }
  if (ts.isClassDeclaration(statement)) {
    const heritage = statement.heritageClauses?.flatMap((clause) => clause.types) ?? []
    return heritage.some((type) => startsWithSchema(type.expression)) &&
      statement.members.every((member) => !ts.isMethodDeclaration(member) && !ts.isConstructorDeclaration(member))
  }
  return false
}

const isFunctionLike = (node) =>
  ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) ||
  ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node) ||
  ts.isConstructorDeclaration(node)

/** A readable name for a function node: its own, or the variable / property it is assigned to. */
const nameOf = (node) => {
  if (node.name !== undefined) return node.name.getText()
  const parent = node.parent
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) {
    return parent.name.getText()
  }
  if (ts.isCallExpression(parent)) return `(argument of ${parent.expression.getText().slice(0, 40)})`
  return "(anonymous)"
}

const graph = new Map()

for (const file of files) {
  const text = fs.readFileSync(file, "utf8")
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0)
  const lineOf = (pos) => source.getLineAndCharacterOfPosition(pos).line + 1

  const schemasOnly = source.statements.every(isSchemaDeclaration)
  if (lines > MAX_FILE_LINES && !schemasOnly) {
    problems.push(`${relative(file)}: ${lines} lines (at most ${MAX_FILE_LINES})`)
  }

  let longest = { lines: 0, name: "" }
  const visit = (node) => {
    if (isFunctionLike(node) && node.body !== undefined) {
      const span = lineOf(node.getEnd()) - lineOf(node.getStart(source)) + 1
      const name = nameOf(node)
      if (span > longest.lines) longest = { lines: span, name }
      if (span > MAX_FUNCTION_LINES) {
        problems.push(`${relative(file)}:${lineOf(node.getStart(source))}: function ${name} is ${span} lines (at most ${MAX_FUNCTION_LINES})`)
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)

  const imports = []
  for (const statement of source.statements) {
    const specifier = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement))
      ? statement.moduleSpecifier
      : undefined
    if (specifier === undefined || !ts.isStringLiteral(specifier) || !specifier.text.startsWith(".")) continue
    const target = path.resolve(path.dirname(file), specifier.text.replace(/\.js$/, ".ts"))
    if (files.includes(target)) imports.push(target)
  }
  // Dynamic imports (`import("./x.js")`) load lazily but still tie the modules together.
  const dynamic = (node) => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments
      if (argument !== undefined && ts.isStringLiteral(argument) && argument.text.startsWith(".")) {
        const target = path.resolve(path.dirname(file), argument.text.replace(/\.js$/, ".ts"))
        if (files.includes(target)) imports.push(target)
      }
    }
    ts.forEachChild(node, dynamic)
  }
  dynamic(source)
  graph.set(file, imports)

  if (report) {
    const tag = schemasOnly ? " (wire schemas)" : ""
    console.log(`${String(lines).padStart(5)}  ${relative(file)}${tag}  longest function ${longest.lines} (${longest.name})`)
  }
}

// Cycles: a depth-first search with an explicit stack (no recursion on the graph's depth).
const state = new Map() // file -> "open" | "done"
for (const start of files) {
  if (state.has(start)) continue
  const stack = [{ file: start, next: 0 }]
  state.set(start, "open")
  while (stack.length > 0) {
    const top = stack[stack.length - 1]
    const targets = graph.get(top.file)
    if (top.next === targets.length) {
      state.set(top.file, "done")
      stack.pop()
      continue
    }
    const target = targets[top.next++]
    if (state.get(target) === "open") {
      const from = stack.findIndex((frame) => frame.file === target)
      const circle = [...stack.slice(from).map((frame) => frame.file), target].map(relative)
      problems.push(`import circle: ${circle.join(" -> ")}`)
    } else if (!state.has(target)) {
      state.set(target, "open")
      stack.push({ file: target, next: 0 })
    }
  }
}

if (problems.length > 0) {
  console.log(problems.join("\n"))
  console.log(`${problems.length} layout problem(s) in ${files.length} files under src/`)
  process.exit(1)
}
console.log(`layout: ${files.length} files under src/, none over ${MAX_FILE_LINES} lines (wire schemas aside), no function over ${MAX_FUNCTION_LINES} lines, no import circle`)
