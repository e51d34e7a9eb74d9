/** Dispatch: from partition feeds to the IO loops, each run encoded once into one immutable batch every loop shares. */
package dev.herald.gateway.dispatch;
