/**
 * The code editors (CodeMirror 6): AssemblyScript source (TypeScript syntax), plugin.toml and
 * JSON, and compile errors as lint diagnostics at their line and column.
 */
import { javascript } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';
import { setDiagnostics, type Diagnostic } from '@codemirror/lint';
import type { Extension } from '@codemirror/state';
import { EditorView, basicSetup } from 'codemirror';
import type { CompileDiagnostic } from './diagnostics.ts';

/** Which language an editor holds. */
export type EditorLanguage = 'assemblyscript' | 'toml' | 'json';

const LANGUAGES: Record<EditorLanguage, () => Extension[]> = {
  assemblyscript: () => [javascript({ typescript: true })],
  json: () => [json()],
  toml: () => [],
};

/** One editor. */
export interface CodeEditor {
  readonly view: EditorView;
  get text(): string;
  set text(value: string);
  /** Marks compiler diagnostics (those without a position mark the first line). */
  mark(diagnostics: readonly CompileDiagnostic[]): void;
}

/**
 * Mounts an editor in `parent`.
 *
 * @example
 * ```ts
 * const source = createEditor(document.querySelector('#source')!, 'assemblyscript', text, () => save());
 * ```
 */
export function createEditor(parent: HTMLElement, language: EditorLanguage, text: string, onChange: () => void): CodeEditor {
  const view = new EditorView({
    doc: text,
    parent,
    extensions: [basicSetup, ...LANGUAGES[language](), EditorView.updateListener.of((u) => u.docChanged && onChange())],
  });
  return {
    view,
    get text() {
      return view.state.doc.toString();
    },
    set text(value: string) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
    },
    mark(diagnostics) {
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
