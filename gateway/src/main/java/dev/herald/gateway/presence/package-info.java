/** Presence: this gateway's open streams per topic, reported to Redis for cluster-wide topic state. */
package dev.herald.gateway.presence;
