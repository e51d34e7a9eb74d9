/** HTTP pieces both services share: JSON answers and the metrics endpoint. */
package dev.herald.common.http;
