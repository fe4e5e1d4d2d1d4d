// The SDK by package name: `import { Input, Output } from "@reedcms/plugins/sdk"` (asc resolves
// the package in node_modules; `reed-plugin build` passes the abort handler with the same name).
export * from './assembly/index';
