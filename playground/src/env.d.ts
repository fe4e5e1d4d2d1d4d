/// <reference types="vite/client" />

declare module 'virtual:playground/examples' {
  /** One catalog entry (playground/vite/catalog.ts) with its built module. */
  export interface Example {
    id: string;
    title: string;
    group: string;
    run: string;
    input: unknown;
    mocks: Array<{ url: string; status: number; body: string }>;
    /** The module as built (asset URL) and its size. */
    wasmUrl: string;
    wasmBytes: number;
    /** The module instrumented at build time, and the key of the limits it was instrumented for. */
    prepared: { url: string; key: string };
    /** Its source (imports rewritten to the package name) and plugin.toml, loaded on demand. */
    texts(): Promise<{ source: string; manifest: string }>;
  }
  const examples: Example[];
  export default examples;
}

declare module 'virtual:playground/error-codes' {
  /** Each PluginError code's meaning, from src/errors.ts. */
  const meanings: Record<string, string>;
  export default meanings;
}

declare module 'virtual:playground/sdk-files' {
  /** The SDK's AssemblyScript files by their path in the compiler's virtual file system. */
  const files: Record<string, string>;
  export default files;
}
