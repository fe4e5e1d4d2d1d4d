/**
 * Publishing events to the CMS event bus through the ReedCMS host function
 * `extism:host/user` `reed_publish_event`.
 *
 * @example
 * ```ts
 * Events.publish("content.updated", '{"id":42}');
 * ```
 */
import { free, reed_publish_event } from "./env";
import { blockFromString } from "./memory";
import { Json, JsonValue } from "./json/index";
import { Log } from "./log";

export namespace Events {
  /**
   * Publishes event `type` with `dataJson` (JSON text; "" means null). Returns true when the
   * host accepted it. Invalid JSON is not sent: it is logged at error level and false returned.
   * @example `if (!Events.publish("seo.indexed", '{"pages":3}')) Log.warn("not published");`
   */
  export function publish(type: string, dataJson: string): bool {
    let data = dataJson;
    if (data.length == 0) {
      data = "null";
    } else {
      const r = Json.parse(data);
      if (!r.ok) {
        Log.error("Events.publish(" + Json.quote(type) + "): data is not JSON: " + r.error);
        return false;
      }
    }
    return send('{"type":' + Json.quote(type) + ',"data":' + data + "}");
  }

  /**
   * Publishes event `type` with a JSON value as data. Returns true when the host accepted it.
   * @example `Events.publishValue("content.updated", Json.object().setNumber("id", 42));`
   */
  export function publishValue(type: string, data: JsonValue): bool {
    return send('{"type":' + Json.quote(type) + ',"data":' + data.toString() + "}");
  }

  function send(eventJson: string): bool {
    const block = blockFromString(eventJson);
    const code = reed_publish_event(block);
    // The host has read the block by now; freeing it keeps long loops of publishes from
    // holding host memory until the call ends.
    free(block);
    return code == 0;
  }
}
