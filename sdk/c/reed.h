/*
 * reed.h: write a ReedCMS plugin in C. One header, no library: it declares Extism's kernel
 * (extism:host/env) and the ReedCMS host functions (extism:host/user, docs/abi.md), with small
 * helpers for the call's input and output, logs, config, errors and events.
 *
 * Build as a WASI reactor with Debian's clang 14, lld, wasi-libc and libclang-rt-14-dev-wasm32:
 *
 *   clang --target=wasm32-wasi -O2 -mexec-model=reactor -I sdk/c -o plugin.wasm plugin.c \
 *     -Wl,--export=hook_before_render -Wl,--export=handle_command
 *
 * (or mark the exports with REED_EXPORT). libc works as usual: printf goes to the plugin's log
 * (stdout at info, stderr at warn), time() reads the host's clock (fixed when the host runs
 * plugins deterministically), malloc grows memory up to the host's cap.
 */
#ifndef REED_H
#define REED_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REED_IMPORT(module, name) __attribute__((import_module(module), import_name(name)))
#define REED_ENV(name) REED_IMPORT("extism:host/env", name)
#define REED_USER(name) REED_IMPORT("extism:host/user", name)
/** Marks a function as a plugin export, e.g. `REED_EXPORT("hook_after_render") int32_t hook(void)`. */
#define REED_EXPORT(name) __attribute__((export_name(name)))

/* ---- Extism's kernel (extism:host/env). Offsets are Extism memory blocks, not guest pointers. */
typedef uint64_t ExtismPointer;
REED_ENV("input_length") uint64_t extism_input_length(void);
REED_ENV("input_load_u8") uint8_t extism_input_load_u8(ExtismPointer offset);
REED_ENV("input_load_u64") uint64_t extism_input_load_u64(ExtismPointer offset);
REED_ENV("output_set") void extism_output_set(ExtismPointer offset, uint64_t length);
REED_ENV("error_set") void extism_error_set(ExtismPointer offset);
REED_ENV("alloc") ExtismPointer extism_alloc(uint64_t length);
REED_ENV("free") void extism_free(ExtismPointer offset);
REED_ENV("length") uint64_t extism_length(ExtismPointer offset);
REED_ENV("store_u8") void extism_store_u8(ExtismPointer offset, uint8_t value);
REED_ENV("store_u64") void extism_store_u64(ExtismPointer offset, uint64_t value);
REED_ENV("load_u8") uint8_t extism_load_u8(ExtismPointer offset);
REED_ENV("load_u64") uint64_t extism_load_u64(ExtismPointer offset);
REED_ENV("config_get") ExtismPointer extism_config_get(ExtismPointer key);
REED_ENV("var_get") ExtismPointer extism_var_get(ExtismPointer key);
REED_ENV("var_set") void extism_var_set(ExtismPointer key, ExtismPointer value);
REED_ENV("log_info") void extism_log_info(ExtismPointer message);
REED_ENV("log_debug") void extism_log_debug(ExtismPointer message);
REED_ENV("log_warn") void extism_log_warn(ExtismPointer message);
REED_ENV("log_error") void extism_log_error(ExtismPointer message);
/* request: a block holding {"url","method","headers"}; body: a block or 0. See docs/network.md. */
REED_ENV("http_request") ExtismPointer extism_http_request(ExtismPointer request, ExtismPointer body);
REED_ENV("http_status_code") int32_t extism_http_status_code(void);

/* ---- ReedCMS (extism:host/user, docs/abi.md). Import only what you use. */
REED_USER("reed_publish_event") int32_t reed_publish_event_block(ExtismPointer event);
REED_USER("reed_input_size") int32_t reed_input_size(void);
REED_USER("reed_input_read") int32_t reed_input_read(void *dest, int32_t length);
REED_USER("reed_output_write") int32_t reed_output_write(const void *src, int32_t length);
REED_USER("reed_block_read") int32_t reed_block_read(ExtismPointer block, void *dest, int32_t length);
REED_USER("reed_block_write") ExtismPointer reed_block_write(const void *src, int32_t length);

/* ---- Helpers. */

/** Copies guest bytes into a new block (one host call inline; 8 bytes per call elsewhere). */
static inline ExtismPointer reed_block_from(const void *data, uint64_t length) {
  ExtismPointer block = reed_block_write(data, (int32_t)length);
  if (block != 0 || length == 0) return block;
  block = extism_alloc(length);
  const uint8_t *bytes = (const uint8_t *)data;
  uint64_t i = 0;
  for (; i + 8 <= length; i += 8) {
    uint64_t word;
    memcpy(&word, bytes + i, 8);
    extism_store_u64(block + i, word);
  }
  for (; i < length; i++) extism_store_u8(block + i, bytes[i]);
  return block;
}

/** Copies a block into guest memory; returns a malloc'd, NUL-terminated copy (free it), or NULL. */
static inline char *reed_block_text(ExtismPointer block, uint64_t *length_out) {
  if (block == 0) return NULL;
  uint64_t length = extism_length(block);
  char *text = (char *)malloc(length + 1);
  if (text == NULL) return NULL;
  if (reed_block_read(block, text, (int32_t)length) != (int32_t)length) {
    uint64_t i = 0;
    for (; i + 8 <= length; i += 8) {
      uint64_t word = extism_load_u64(block + i);
      memcpy(text + i, &word, 8);
    }
    for (; i < length; i++) text[i] = (char)extism_load_u8(block + i);
  }
  text[length] = 0;
  if (length_out != NULL) *length_out = length;
  return text;
}

/** The call's input as a malloc'd, NUL-terminated buffer (free it); `length_out` gets its size. */
static inline char *reed_input(uint64_t *length_out) {
  int32_t size = reed_input_size();
  uint64_t length = size >= 0 ? (uint64_t)size : extism_input_length();
  char *input = (char *)malloc(length + 1);
  if (input == NULL) return NULL;
  if (size < 0 || reed_input_read(input, size) != size) {
    uint64_t i = 0;
    for (; i + 8 <= length; i += 8) {
      uint64_t word = extism_input_load_u64(i);
      memcpy(input + i, &word, 8);
    }
    for (; i < length; i++) input[i] = (char)extism_input_load_u8(i);
  }
  input[length] = 0;
  if (length_out != NULL) *length_out = length;
  return input;
}

/** Sets the call's output (for a hook: empty output leaves the data unchanged). */
static inline void reed_output(const void *data, uint64_t length) {
  if (reed_output_write(data, (int32_t)length) == (int32_t)length) return;
  extism_output_set(reed_block_from(data, length), length);
}

static inline void reed_output_str(const char *text) { reed_output(text, strlen(text)); }

/** Fails the call with `message` (the host reports it as E_GUEST); return nonzero after it. */
static inline int32_t reed_fail(const char *message) {
  extism_error_set(reed_block_from(message, strlen(message)));
  return 1;
}

static inline void reed_log_info(const char *message) { extism_log_info(reed_block_from(message, strlen(message))); }
static inline void reed_log_warn(const char *message) { extism_log_warn(reed_block_from(message, strlen(message))); }
static inline void reed_log_error(const char *message) { extism_log_error(reed_block_from(message, strlen(message))); }

/** A config value (docs/abi.md, "Config") as a malloc'd string (free it), or NULL when absent. */
static inline char *reed_config(const char *key) {
  return reed_block_text(extism_config_get(reed_block_from(key, strlen(key))), NULL);
}

/** A plugin variable (kept between calls, Extism `var_get`) as a malloc'd string (free it), or NULL. */
static inline char *reed_var(const char *key) {
  return reed_block_text(extism_var_get(reed_block_from(key, strlen(key))), NULL);
}

/** Sets a plugin variable; the host caps their total size (`maxVarBytes`). */
static inline void reed_var_set(const char *key, const char *value) {
  extism_var_set(reed_block_from(key, strlen(key)), reed_block_from(value, strlen(value)));
}

/**
 * A GET of `url` under the plugin's network policy (docs/network.md): the body as a malloc'd
 * string (free it, may be empty), `*status` the HTTP status (403 when the policy denies the host).
 */
static inline char *reed_http_get(const char *url, int32_t *status) {
  size_t length = strlen(url) + 32;
  char *request = (char *)malloc(length);
  if (request == NULL) return NULL;
  snprintf(request, length, "{\"url\":\"%s\",\"method\":\"GET\"}", url);
  ExtismPointer response = extism_http_request(reed_block_from(request, strlen(request)), 0);
  free(request);
  *status = extism_http_status_code();
  char *body = reed_block_text(response, NULL);
  return body != NULL ? body : (char *)calloc(1, 1);
}

/** Publishes an event; `data_json` must be JSON. Returns 0 when published, nonzero when refused. */
static inline int32_t reed_publish_event(const char *type, const char *data_json) {
  size_t length = strlen(type) + strlen(data_json) + 20;
  char *event = (char *)malloc(length);
  if (event == NULL) return 2;
  size_t used = 0;
  const char *parts[] = {"{\"type\":\"", type, "\",\"data\":", data_json, "}"};
  for (int i = 0; i < 5; i++) {
    size_t n = strlen(parts[i]);
    memcpy(event + used, parts[i], n);
    used += n;
  }
  int32_t status = reed_publish_event_block(reed_block_from(event, used));
  free(event);
  return status;
}

#endif /* REED_H */
