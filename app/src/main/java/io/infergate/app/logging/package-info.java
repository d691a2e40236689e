/**
 * Logging backend pieces of the product: {@link io.infergate.app.logging.BatchingAppender}, the appender
 * {@code logback.xml} gives the access log so that event loops only queue a line. Called on any thread by logback;
 * nothing here blocks its caller.
 */
package io.infergate.app.logging;
