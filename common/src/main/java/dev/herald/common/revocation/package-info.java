/** Disconnect requests: what the publisher writes to the control stream and every gateway acts on. */
package dev.herald.common.revocation;
