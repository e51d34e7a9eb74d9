/** The gateway's Micrometer meters. */
package dev.herald.gateway.metrics;
