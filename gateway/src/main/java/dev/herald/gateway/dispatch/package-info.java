/** Dispatch: from partition feeds to the local subscribers of each topic, one task per IO thread per batch. */
package dev.herald.gateway.dispatch;
