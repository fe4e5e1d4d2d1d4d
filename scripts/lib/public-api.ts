/**
 * The package's public API as the TypeScript checker sees it: every export of every entry that
 * `package.json` `exports` names (each `./dist/<x>.js` read as `src/<x>.ts`), and which of them
 * carry a JSDoc `@example`. Also finds the `@example` blocks on declarations no entry exports
 * (internal helpers), which the public-API test keeps at zero.
 *
 * @example
 * ```ts
 * const api = readPublicApi();
 * api.missingExample; // ['Foo (src/foo/foo.ts)', …]: public exports without an @example
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './build-assemblyscript.ts';

/** What `readPublicApi` found. */
export interface PublicApi {
  /** The entry files, relative to the repository (`src/index.ts`, …). */
  entries: string[];
  /** How many distinct exports the entries have together. */
  exportCount: number;
  /** `<name> (<file of its declaration>)` for each public export none of whose declarations has an `@example`. */
  missingExample: string[];
  /** `<file>:<line>` of each `@example` on a declaration no entry exports (nor a member of one). */
  internalExamples: { file: string; line: number; name: string }[];
}

/** Every string value under `exports` that points into dist/ as JavaScript. */
function distTargets(node: unknown, into: Set<string>): Set<string> {
  if (typeof node === 'string') {
    if (node.startsWith('./dist/') && node.endsWith('.js')) into.add(node);
  } else if (node !== null && typeof node === 'object') {
    for (const value of Object.values(node)) distTargets(value, into);
  }
  return into;
}

function hasExample(node: ts.Node): boolean {
  return ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'example');
}

/** The statement directly under the source file that holds `node`. */
function topLevel(node: ts.Node): ts.Node {
  let current = node;
  while (current.parent !== undefined && !ts.isSourceFile(current.parent)) current = current.parent;
  return current;
}

/**
 * Reads the entries from package.json and checks them with the TypeScript compiler.
 *
 * @example
 * ```ts
 * const { exportCount, missingExample } = readPublicApi();
 * ```
 */
export function readPublicApi(root = REPO_ROOT): PublicApi {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: unknown };
  const entries = [...distTargets(pkg.exports, new Set())]
    .map((target) => join(root, target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')))
    .filter((file) => existsSync(file))
    .sort();
  const program = ts.createProgram(entries, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const srcDir = join(root, 'src');
  const publicStatements = new Set<ts.Node>();
  const missing = new Set<string>();
  const seen = new Set<ts.Symbol>();
  for (const entry of entries) {
    const file = program.getSourceFile(entry);
    const moduleSymbol = file === undefined ? undefined : checker.getSymbolAtLocation(file);
    if (moduleSymbol === undefined) continue;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = (target.declarations ?? []).filter((d) => d.getSourceFile().fileName.startsWith(srcDir));
      if (declarations.length === 0 || seen.has(target)) continue;
      seen.add(target);
      for (const declaration of declarations) publicStatements.add(topLevel(declaration));
      if (!declarations.some(hasExample)) missing.add(`${exported.name} (${relative(root, declarations[0]!.getSourceFile().fileName)})`);
    }
  }
  const internalExamples: PublicApi['internalExamples'] = [];
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.startsWith(srcDir)) continue;
    const visit = (node: ts.Node): void => {
      // A file's opening comment attaches to its first statement; on an import it documents the file.
      const statement = topLevel(node);
      if (hasExample(node) && !publicStatements.has(statement) && !ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) {
        const name = ts.getNameOfDeclaration(node as ts.Declaration)?.getText(file) ?? ts.SyntaxKind[node.kind];
        const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
        internalExamples.push({ file: relative(root, file.fileName), line, name });
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(file, visit);
  }
  return { entries: entries.map((e) => relative(root, e)), exportCount: seen.size, missingExample: [...missing].sort(), internalExamples };
}
