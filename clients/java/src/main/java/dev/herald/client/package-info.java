/** A Java client for Herald: {@link dev.herald.client.HeraldPublisher} publishes, {@link dev.herald.client.HeraldSubscriber} streams and resumes. */
package dev.herald.client;
