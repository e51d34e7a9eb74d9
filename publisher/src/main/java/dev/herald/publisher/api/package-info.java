/** The publisher's REST API: request parsing, validation and answers. */
package dev.herald.publisher.api;
