/**
 * Outbound HTTP through Extism's `http_request` kernel function. The host serves it under its
 * network policy (docs/network.md): only URLs allowed by both the plugin's
 * `[network] allowed_hosts` and the host's `allowedHosts`, with per-call limits on requests,
 * response size and time. A refused or failed request is not a trap: it comes back as a
 * response with `error` set (and status 403, 429, 504, 502 or 400), and the plugin goes on.
 *
 * @example
 * ```ts
 * const res = Http.get("https://api.example.com/v1/tags");
 * if (!res.ok) { Log.warn("tags unavailable: " + (res.error != null ? res.error! : res.status.toString())); return 0; }
 * const tags = res.json();
 *
 * const posted = Http.request("POST", "https://api.example.com/v1/ping")
 *   .header("authorization", "Bearer " + Config.getOr("token", ""))
 *   .json(Json.object().setString("slug", "hello"))
 *   .send();
 * ```
 */
import { free, http_headers, http_request, http_status_code } from "./env";
import { blockFromBytes, blockFromString, bytesFromBlock, stringFromBlock } from "./memory";
import { Json, JsonParseResult, JsonValue } from "./json/index";

// `string` / `json` below name members, which shadow the types inside the classes.
type Str = string;

/** A response: real, or synthetic when the host refused or the request failed (`error`). */
export class HttpResponse {
  /** HTTP status; 0 when the host gave none (a plain Extism host with HTTP disabled). */
  status: i32;
  /** Response headers, a JSON object with lower-case names. */
  headers: JsonValue;
  body: Uint8Array;

  constructor(status: i32, headers: JsonValue, body: Uint8Array) {
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  /**
   * Header `name` (any case), or null.
   * @example `res.header("content-type")`
   */
  header(name: Str): Str | null {
    const value = this.headers.get(name.toLowerCase());
    return value != null && value.isString() ? value.asString() : null;
  }

  /**
   * Why the host refused or could not complete the request, or null for a real response.
   * @example `if (res.error != null) Log.warn(res.error!);`
   */
  get error(): Str | null {
    if (this.errorKind == null) return this.status == 0 ? "no response (HTTP unavailable)" : null;
    const message = this.header("x-reed-error-message");
    return message != null ? message : this.text();
  }

  /**
   * `denied` (policy), `limit`, `timeout`, `network` or `invalid`; null for a real response.
   * @example `if (res.errorKind == "limit") break;`
   */
  get errorKind(): Str | null {
    return this.header("x-reed-error");
  }

  /**
   * A real response with a 2xx status.
   * @example `if (res.ok) use(res.text());`
   */
  get ok(): bool {
    return this.status >= 200 && this.status < 300 && this.errorKind == null;
  }

  /**
   * The body as UTF-8 text.
   * @example `const html = res.text();`
   */
  text(): Str {
    return String.UTF8.decodeUnsafe(this.body.dataStart, <usize>this.body.length, false);
  }

  /**
   * The body parsed as JSON.
   * @example `const r = res.json(); if (r.ok) r.value.getString("name");`
   */
  json(): JsonParseResult {
    return Json.parse(this.text());
  }
}

/** A request being built; `send()` performs it. */
export class HttpRequest {
  method: Str;
  url: Str;
  headers: JsonValue = Json.object();
  body: Uint8Array | null = null;

  constructor(method: Str, url: Str) {
    this.method = method;
    this.url = url;
  }

  /**
   * Sets a request header (the host drops `host`, `content-length` and other connection headers).
   * @example `req.header("accept", "application/json")`
   */
  header(name: Str, value: Str): HttpRequest {
    this.headers.setString(name.toLowerCase(), value);
    return this;
  }

  /**
   * Sets the body to raw bytes.
   * @example `req.bytes(Input.bytes())`
   */
  bytes(body: Uint8Array): HttpRequest {
    this.body = body;
    return this;
  }

  /**
   * Sets the body to UTF-8 text (content type text/plain unless already set).
   * @example `req.text("hello")`
   */
  text(body: Str): HttpRequest {
    if (!this.headers.has("content-type")) this.header("content-type", "text/plain; charset=utf-8");
    this.body = Uint8Array.wrap(String.UTF8.encode(body, false));
    return this;
  }

  /**
   * Sets the body to JSON (content type application/json unless already set).
   * @example `req.json(Json.object().setString("slug", "x"))`
   */
  json(value: JsonValue): HttpRequest {
    if (!this.headers.has("content-type")) this.header("content-type", "application/json");
    this.body = Uint8Array.wrap(String.UTF8.encode(value.toString(), false));
    return this;
  }

  /**
   * Performs the request. Never traps for a refusal: check `ok` / `error` on the response.
   * @example `const res = Http.request("PUT", url).text("x").send();`
   */
  send(): HttpResponse {
    const spec = Json.object().setString("url", this.url).setString("method", this.method.toUpperCase()).set("headers", this.headers);
    const requestBlock = blockFromString(spec.toString());
    const body = this.body;
    let bodyBlock: u64 = 0;
    if (body != null) bodyBlock = blockFromBytes(body);
    const responseBlock = http_request(requestBlock, bodyBlock);
    const status = http_status_code();
    const headersBlock = http_headers();
    // The host is done with these: free them now so loops of requests do not pile up blocks.
    free(requestBlock);
    if (bodyBlock != 0) free(bodyBlock);
    const responseBody = bytesFromBlock(responseBlock);
    if (responseBlock != 0) free(responseBlock);
    let headers = Json.object();
    if (headersBlock != 0) {
      const parsed = Json.parse(stringFromBlock(headersBlock));
      free(headersBlock);
      if (parsed.ok && parsed.value.isObject()) headers = parsed.value;
    }
    return new HttpResponse(status, headers, responseBody);
  }
}

export namespace Http {
  /**
   * Starts a request with any method.
   * @example `Http.request("DELETE", "https://api.example.com/v1/cache").send()`
   */
  export function request(method: Str, url: Str): HttpRequest {
    return new HttpRequest(method, url);
  }

  /**
   * GET `url`.
   * @example `const res = Http.get("https://api.example.com/v1/tags");`
   */
  export function get(url: Str): HttpResponse {
    return new HttpRequest("GET", url).send();
  }

  /**
   * POST `body` (UTF-8 text) to `url` with `contentType`.
   * @example `Http.post(url, '{"a":1}', "application/json")`
   */
  export function post(url: Str, body: Str, contentType: Str = "text/plain; charset=utf-8"): HttpResponse {
    return new HttpRequest("POST", url).header("content-type", contentType).text(body).send();
  }
}
