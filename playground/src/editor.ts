/**
 * The code editors (CodeMirror 6): AssemblyScript source (TypeScript syntax), plugin.toml (the
 * legacy TOML mode: one small file) and JSON, and compile errors as lint diagnostics at their
 * line and column (the lint package is loaded with the first diagnostics: a build's, which loads
 * the compiler anyway, so a visitor who never builds never downloads it).
 */
import { history, historyKeymap, indentWithTab, standardKeymap } from '@codemirror/commands';
import { typescriptLanguage } from '@codemirror/lang-javascript';
import { jsonLanguage } from '@codemirror/lang-json';
import { StreamLanguage, bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { toml } from '@codemirror/legacy-modes/mode/toml';
import type { Diagnostic } from '@codemirror/lint';
import { Compartment, type Extension } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import type { CompileDiagnostic } from './diagnostics.ts';

/** Which language an editor holds. */
export type EditorLanguage = 'assemblyscript' | 'toml' | 'json';

/**
 * The editing basics, without `basicSetup`'s autocompletion, search panel and folding: they
 * would add a third to the first load, and a plugin source is a page or two.
 */
const SETUP: Extension[] = [
  lineNumbers(),
  highlightActiveLineGutter(),
  highlightActiveLine(),
  history(),
  drawSelection(),
  indentOnInput(),
  bracketMatching(),
  syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
  keymap.of([...standardKeymap, ...historyKeymap, indentWithTab]),
];

const LANGUAGES: Record<EditorLanguage, () => Extension[]> = {
  // The grammars alone: `javascript()` would add its completion sources, and autocompletion with them.
  assemblyscript: () => [typescriptLanguage],
  json: () => [jsonLanguage],
  toml: () => [StreamLanguage.define(toml)],
};

/** One editor. */
export interface CodeEditor {
  readonly view: EditorView;
  get text(): string;
  set text(value: string);
  /** Marks compiler diagnostics (those without a position mark the first line). */
  mark(diagnostics: readonly CompileDiagnostic[]): Promise<void>;
}

/**
 * Mounts an editor in `parent`.
 */
export function createEditor(parent: HTMLElement, language: EditorLanguage, text: string, onChange: () => void): CodeEditor {
  // Empty until the first diagnostics: then the lint gutter joins the editor.
  const lint = new Compartment();
  let linting = false;
  const view = new EditorView({
    doc: text,
    parent,
    extensions: [SETUP, ...LANGUAGES[language](), lint.of([]), EditorView.updateListener.of((u) => u.docChanged && onChange())],
  });
  return {
    view,
    get text() {
      return view.state.doc.toString();
    },
    set text(value: string) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
    },
    async mark(diagnostics) {
      // Nothing to mark and nothing marked yet: no need for the lint package.
      if (diagnostics.length === 0 && !linting) return;
      const { lintGutter, setDiagnostics } = await import('@codemirror/lint');
      if (!linting) view.dispatch({ effects: lint.reconfigure(lintGutter()) });
      linting = true;
      const doc = view.state.doc;
      const marks: Diagnostic[] = diagnostics.map((d) => {
        const line = doc.line(Math.min(Math.max(d.line ?? 1, 1), doc.lines));
        const from = Math.min(line.from + Math.max((d.column ?? 1) - 1, 0), line.to);
        return { from, to: Math.min(from + 1, line.to) === from ? from : Math.min(from + 1, line.to), severity: d.severity, message: `${d.code}: ${d.message}` };
      });
      view.dispatch(setDiagnostics(view.state, marks));
    },
  };
}
