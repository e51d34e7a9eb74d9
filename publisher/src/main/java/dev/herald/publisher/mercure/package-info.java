/** {@code POST /.well-known/mercure}: Mercure updates published through Herald's publish path. */
package dev.herald.publisher.mercure;
