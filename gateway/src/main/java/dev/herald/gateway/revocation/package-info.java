/**
 * Disconnect requests: the tailer of the control stream that closes the named streams on this gateway, and
 * the revoked token IDs that are refused at stream open.
 */
package dev.herald.gateway.revocation;
