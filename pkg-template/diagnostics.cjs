'use strict';
// The node:diagnostics_channel channels the core publishes on (see
// src/observe.rs for what each message holds), by the numbers of
// src/wasm/js.rs `Channel`:
//   0 'miniprogram-links:request'  after every attempt of every request
//   1 'miniprogram-links:token'    when a token is fetched, adopted, dropped or force-refreshed
// The core asks `observes` first and builds a message only while someone
// listens. Outside Node (no node:diagnostics_channel) no one ever does.

const NAMES = ['miniprogram-links:request', 'miniprogram-links:token'];

let channels = [];
try {
  const diagnostics = require('node:diagnostics_channel');
  // Held here for the process's life: Node 16-18 forget a channel nobody references.
  channels = NAMES.map((name) => diagnostics.channel(name));
} catch {
  // Not Node: nothing to publish to.
}

function observes(channel) {
  return channels.length > 0 && channels[channel].hasSubscribers;
}

function publish(channel, message) {
  channels[channel].publish(message);
}

module.exports = { observes, publish };
