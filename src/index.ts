/**
 * @reedcms/plugins: run untrusted WebAssembly plugins under hard limits, the same way in
 * browsers, Node, Deno and Cloudflare Workers.
 *
 * @example
 * ```ts
 * import { PluginManager, Hooks } from '@reedcms/plugins';
 * const manager = new PluginManager({ plugins: { seo: { base_url: 'https://example.com' } } });
 * await manager.load({ manifest: tomlText, wasm: bytes });
 * const page = await manager.hooks.execute(Hooks.AFTER_RENDER, { html });
 * ```
 */
export { PluginManager, type InitializeResult } from './manager/plugin-manager.ts';
export type { PluginManagerConfig } from './manager/manager-config.ts';
// The registries are built by the manager (`manager.contentTypes`, `manager.templates`): types only.
export type { ContentTypeRegistry, ContentTypeInfo, ContentValidation } from './manager/content-types.ts';
export type { TemplateRegistry, TemplateFunctionInfo } from './manager/template-functions.ts';
export { HookManager, DEFAULT_PRIORITY } from './hooks/hook-manager.ts';
export type { HookHandler, HookContext, RegisterOptions, ExecuteOptions, ErrorPolicy, HandlerInfo } from './hooks/hook-manager.ts';
export type { HookManagerOptions, HandlerFor, HookDefinition, DefineOptions } from './hooks/hook-manager.ts';
export type { HookKind, GuardVerdict, GuardResult, CollectResult, Finding } from './hooks/hook-kinds.ts';
export type { BuiltinHooks, HookSpec } from './hooks/hook-types.ts';
export { Hooks, hookExportName, type HookName } from './hooks/hook-names.ts';
export { EventBus, EventStream, STREAM_LAGGED } from './events/event-bus.ts';
export type { PluginEvent, PublishInput, EventHandler, EventFilter, LaggedEvent, StreamOptions, EventBusOptions, EventMapOf, EventOf } from './events/event-bus.ts';
export { Events, type EventName } from './events/event-names.ts';
export { PluginError, ManifestError, DependencyError, GuestError, ErrorCodes, isPluginError, type ErrorCode, type ManifestIssue } from './errors.ts';
export { parseManifest } from './manifest/parse-manifest.ts';
export { ConfigError, validateConfig } from './manager/config-schema.ts';
export type { CapabilitySet } from './manifest/capabilities.ts';
export type { PluginMetadata, Capability, PluginDependency, RequestedLimits, ManifestInput } from './manifest/types.ts';
export type { Plugin, PluginContext, PluginSource, PluginState, PluginInfo, PluginStats, Logger, WasmInput, ContentTypeDefinition, TemplateFunctionImpl } from './plugin/types.ts';
export type { LogLevel, HostFunction } from './engine/extism-guest.ts';
export { resolveLimits, DEFAULT_LIMITS, type EffectiveLimits, type HostLimits } from './plugin/limits.ts';
// Each entry (node.ts, deno.ts, workerd.ts, browser.ts, web.ts) adds its own adapter; the default
// one comes from `#runtime` (package.json "imports"), chosen by export condition at build time.
export type { RuntimeAdapter } from './runtime/adapter.ts';
export { runtimeCapabilities, type RuntimeCapabilities } from './runtime/capabilities.ts';
// The rewriter itself (instrument, instrumentForLimits, linkWasi) is `@reedcms/plugins/instrument`.
export { precompile } from './runtime/precompile.ts';
export type { WasiConfig } from './wasi/wasi-settings.ts';
