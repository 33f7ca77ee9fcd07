/**
 * Which top-level folder may import what (README, "Layout"). The imports of each file are read
 * with the TypeScript parser: `import` and `export ... from` declarations, dynamic `import()`,
 * `import x = require()` and `require()`, each noted as type-only (erased when compiled) or
 * not. Relative specifiers resolve to the folder they land in; the rest are Node built-ins or
 * packages.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

export interface ImportRef {
  specifier: string;
  /** Erased at compile time: `import type`, `export type`, only `type` specifiers, `import('x').T` types. */
  typeOnly: boolean;
  /** 1-based. */
  line: number;
}

/** Where an import lands: a file of this repository, a Node built-in, a package, or outside the repository. */
export type Target =
  | { kind: 'project'; folder: string; path: string }
  | { kind: 'builtin'; name: string }
  | { kind: 'package'; name: string }
  | { kind: 'outside'; path: string }
  | { kind: 'computed' };

export interface Rule {
  /** The top-level folder the rule is for. */
  folder: string;
  /** Why, as the failure message says it. */
  why: string;
  /** Project folders it may import (its own is always allowed). */
  folders: readonly string[];
  /** Project folders it may import types from, and only types. */
  typeOnlyFolders?: readonly string[];
  /** Packages it may import: a list, or any. */
  packages: readonly string[] | 'any';
  /** Whether it may import Node built-ins (`node:fs`, `fs`). */
  builtins: boolean;
  /** Also check the packages and built-ins reached through its runtime imports of other folders. */
  transitive?: boolean;
}

const SERVER = 'api/, stores/, adapters/, activities/, workflows/, worker/, config/, contracts/';

export const rules: readonly Rule[] = [
  {
    folder: 'sdk',
    why: 'the SDK ships inside apps: it may import sdk/, domain/ and zod only, and no node: module',
    folders: ['domain'],
    packages: ['zod'],
    builtins: false,
    transitive: true,
  },
  {
    folder: 'cli',
    why: `the operator CLI talks to the API through sdk/: cli/, sdk/, domain/ and packages only, no server code (${SERVER})`,
    folders: ['sdk', 'domain'],
    packages: 'any',
    builtins: true,
  },
  {
    folder: 'workflows',
    why: 'workflow code is deterministic and bundled apart: workflows/, domain/, contracts/, @temporalio/workflow, @temporalio/common, zod and @noble/hashes (pure-JS HMAC for the signed review messages) only (types from activities/ are erased, so allowed)',
    folders: ['domain', 'contracts'],
    typeOnlyFolders: ['activities'],
    packages: ['@temporalio/workflow', '@temporalio/common', 'zod', '@noble/hashes'],
    builtins: false,
    transitive: true,
  },
  {
    folder: 'contracts',
    why: 'contracts are the wire formats, a leaf: they import nothing of the project',
    folders: [],
    packages: 'any',
    builtins: true,
  },
  {
    folder: 'stores',
    why: 'stores keep state for the API, the activities and the worker, below all of them: stores/, domain/, contracts/, config/, encryption/ and packages only, and types (the ports) from adapters/; never api/, activities/, workflows/ or worker/',
    folders: ['domain', 'contracts', 'config', 'encryption'],
    typeOnlyFolders: ['adapters'],
    packages: 'any',
    builtins: true,
  },
  {
    folder: 'domain',
    why: 'the domain is pure schemas and rules, safe in workflows and the SDK: domain/, contracts/ and zod only',
    folders: ['contracts'],
    packages: ['zod'],
    builtins: false,
  },
];

export interface SourceFile {
  /** Repository-relative, with forward slashes: `sdk/client.ts`. */
  path: string;
  source: string;
}

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  typeOnly: boolean;
  /** What is wrong, e.g. `imports api/services/applications.ts`. */
  problem: string;
  why: string;
}

const isStringLiteral = (n: ts.Node | undefined): n is ts.StringLiteralLike =>
  n !== undefined && ts.isStringLiteralLike(n);

/** Every import of one file, in source order. */
export function importsOf(file: SourceFile): ImportRef[] {
  const sf = ts.createSourceFile(file.path, file.source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const refs: ImportRef[] = [];
  const add = (at: ts.Node, specifier: string, typeOnly: boolean) =>
    refs.push({ specifier, typeOnly, line: sf.getLineAndCharacterOfPosition(at.getStart(sf)).line + 1 });

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      // `import { type A, type B }` is elided whole, as `import type` is.
      const onlyTypeSpecifiers =
        clause !== undefined &&
        !clause.name &&
        bindings !== undefined &&
        ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 &&
        bindings.elements.every((e) => e.isTypeOnly);
      add(node, node.moduleSpecifier.text, Boolean(clause?.isTypeOnly) || onlyTypeSpecifiers);
    } else if (ts.isExportDeclaration(node) && isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const onlyTypeSpecifiers =
        clause !== undefined &&
        ts.isNamedExports(clause) &&
        clause.elements.length > 0 &&
        clause.elements.every((e) => e.isTypeOnly);
      add(node, node.moduleSpecifier.text, node.isTypeOnly || onlyTypeSpecifiers);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      isStringLiteral(node.moduleReference.expression)
    ) {
      add(node, node.moduleReference.expression.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node)) {
      const dynamic = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const required = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (dynamic || required) {
        const [arg] = node.arguments;
        // A computed specifier cannot be checked: it is reported as one.
        add(node, isStringLiteral(arg) ? arg.text : '(computed)', false);
      }
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && isStringLiteral(arg.literal)) add(node, arg.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

const builtins = new Set(builtinModules);

export function targetOf(fromFile: string, specifier: string): Target {
  if (specifier === '(computed)') return { kind: 'computed' };
  if (specifier.startsWith('.')) {
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier));
    if (resolved === '..' || resolved.startsWith('../')) return { kind: 'outside', path: resolved };
    // `../activities` is a folder (its index.ts): its first segment is the folder either way.
    const [folder = ''] = resolved.split('/');
    return { kind: 'project', folder, path: resolved };
  }
  if (specifier.startsWith('node:')) return { kind: 'builtin', name: specifier };
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
  if (builtins.has(name)) return { kind: 'builtin', name: `node:${name}` };
  return { kind: 'package', name };
}

export const folderOf = (file: string): string => (file.includes('/') ? (file.split('/')[0] ?? '') : '');

/** What is wrong with this import under this rule, or undefined when it is allowed. */
function problemOf(rule: Rule, target: Target, typeOnly: boolean): string | undefined {
  switch (target.kind) {
    case 'computed':
      return 'imports a computed specifier, which cannot be checked';
    case 'outside':
      return `imports ${target.path}, outside the repository`;
    case 'builtin':
      // Types of Node built-ins are erased: nothing of Node runs.
      return rule.builtins || typeOnly ? undefined : `imports the Node built-in ${target.name}`;
    case 'package':
      return rule.packages === 'any' || rule.packages.includes(target.name) || typeOnly
        ? undefined
        : `imports the package ${target.name}`;
    case 'project': {
      if (target.folder === rule.folder || rule.folders.includes(target.folder)) return undefined;
      if (typeOnly && rule.typeOnlyFolders?.includes(target.folder)) return undefined;
      return `imports ${target.path}${typeOnly ? ' (type-only, still a dependency on it)' : ''}`;
    }
  }
}

/** Resolves a project path as the bundlers do: `x` is `x.ts`, `x/index.ts` or `x` itself. */
function resolveFile(target: string, known: ReadonlySet<string>): string | undefined {
  return [`${target}.ts`, `${target}/index.ts`, target].find((candidate) => known.has(candidate));
}

/** Every violation of the rules in these files, ordered by file and line. */
export function checkImports(files: readonly SourceFile[], ruleSet: readonly Rule[] = rules): Violation[] {
  const byFolder = new Map(ruleSet.map((r) => [r.folder, r]));
  const known = new Set(files.map((f) => f.path));
  const imports = new Map(files.map((f) => [f.path, importsOf(f)]));
  const violations: Violation[] = [];

  for (const file of files) {
    const rule = byFolder.get(folderOf(file.path));
    if (!rule) continue;
    for (const ref of imports.get(file.path) ?? []) {
      const problem = problemOf(rule, targetOf(file.path, ref.specifier), ref.typeOnly);
      if (problem) violations.push({ file: file.path, ...ref, problem, why: rule.why });
    }
    if (rule.transitive) violations.push(...reachedThrough(file, rule, imports, known));
  }
  return violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/**
 * The built-ins and packages a file reaches through its runtime imports of other folders (the
 * one its own imports of those would be refused), each once, with the chain that leads there.
 */
function reachedThrough(
  file: SourceFile,
  rule: Rule,
  imports: ReadonlyMap<string, ImportRef[]>,
  known: ReadonlySet<string>,
): Violation[] {
  const out: Violation[] = [];
  const reported = new Set<string>();
  const seen = new Set<string>([file.path]);
  const visit = (current: string, chain: readonly string[], first: ImportRef) => {
    for (const ref of imports.get(current) ?? []) {
      if (ref.typeOnly) continue;
      const target = targetOf(current, ref.specifier);
      if (target.kind === 'project') {
        const next = resolveFile(target.path, known);
        if (next && !seen.has(next)) {
          seen.add(next);
          visit(next, [...chain, next], first);
        }
      } else if (target.kind === 'builtin' || target.kind === 'package') {
        const problem = problemOf(rule, target, false);
        if (problem && !reported.has(target.name)) {
          reported.add(target.name);
          out.push({
            file: file.path,
            line: first.line,
            specifier: first.specifier,
            typeOnly: false,
            problem: `reaches ${target.kind === 'builtin' ? 'the Node built-in' : 'the package'} ${target.name} through ${chain.join(' → ')}`,
            why: rule.why,
          });
        }
      }
    }
  };
  // Only through other folders: the file's own folder's files are checked on their own.
  for (const ref of imports.get(file.path) ?? []) {
    if (ref.typeOnly) continue;
    const target = targetOf(file.path, ref.specifier);
    if (target.kind !== 'project' || target.folder === rule.folder) continue;
    const next = resolveFile(target.path, known);
    if (next && !seen.has(next)) {
      seen.add(next);
      visit(next, [next], ref);
    }
  }
  return out;
}

/** One line per violation, then why, per rule. */
export function formatViolations(violations: readonly Violation[]): string {
  const lines = violations.map(
    (v) =>
      `  ${v.file}:${v.line} ${v.problem} ('${v.specifier}'${v.typeOnly ? ', type-only' : ''}) — ${v.why}`,
  );
  return lines.join('\n');
}

/** A short key for a violation, stable across line moves: `file → specifier: problem`. */
export const keyOf = (v: Violation): string => `${v.file} → ${v.specifier}: ${v.problem}`;
