/**
 * How much of each topic's history the publish script keeps: read by the publisher for every append, and by
 * gateways that append Mercure subscription events.
 */
package dev.herald.common.retention;
