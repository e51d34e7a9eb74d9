/** Reading Typesafe Config into immutable settings, failing fast on bad values. */
package dev.herald.common.config;
