/** Types of the Vite plugin's virtual module, for the runners' TypeScript. */
declare module 'virtual:reed-plugins' {
  const plugins: Array<{ id: string; manifest: string; wasm: WebAssembly.Module }>;
  export default plugins;
}
