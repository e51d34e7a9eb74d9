/** HTTP pieces both services share: JSON answers, the metrics endpoint and CORS. */
package dev.herald.common.http;
