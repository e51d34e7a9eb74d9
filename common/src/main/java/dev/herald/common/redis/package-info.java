/** Redis key layout, connections and the publish script. */
package dev.herald.common.redis;
