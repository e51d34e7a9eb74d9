/** Topic names and their mapping to partitions. */
package dev.herald.common.topic;
