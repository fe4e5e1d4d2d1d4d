/**
 * Demo `event-flood`: `hook_after_save` publishes `content.updated` 100,000 times in one call.
 * Each publish is a host call priced in fuel, so the default budget ends it after a few hundred
 * (E_FUEL); with the fuel raised, the host refuses publications past `maxEventsPerCall`.
 */
import { Events } from "../../../sdk/assembly/index";

export function hook_after_save(): i32 {
  for (let i = 0; i < 100000; i++) Events.publish("content.updated", '{"n":' + i.toString() + "}");
  return 0;
}

/** Delivered the events it may publish (declaring one is what allows publishing it). */
export function on_event(): i32 {
  return 0;
}
