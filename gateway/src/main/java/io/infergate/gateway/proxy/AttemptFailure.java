package io.infergate.gateway.proxy;

import io.infergate.scheduler.pipeline.ErrorCode;
import io.netty.channel.ConnectTimeoutException;

/**
 * Why one upstream attempt failed, as {@link RetryRule#decide} sees it. A closed set: every way an attempt ends
 * other than a response the gateway passes on. Values; any thread.
 */
sealed interface AttemptFailure {

    /** The error a request that is not retried after this failure is answered with. */
    ErrorCode errorCode();

    /** The status that answer carries: the error's own, except for a model server's 5xx. */
    default int answerStatus() {
        return errorCode().status();
    }

    /** The TCP connection could not be opened; {@code timedOut} when the connect timeout expired. */
    record ConnectFailed(boolean timedOut) implements AttemptFailure {
        @Override
        public ErrorCode errorCode() {
            return timedOut ? ErrorCode.UPSTREAM_TIMEOUT : ErrorCode.UPSTREAM_FAILED;
        }

        static ConnectFailed of(Throwable cause) {
            return new ConnectFailed(cause instanceof ConnectTimeoutException);
        }
    }

    /**
     * The connection closed, a write to it failed, or the response did not decode: the same to a retry, since the
     * model server may or may not have seen the request.
     */
    record Closed() implements AttemptFailure {
        @Override
        public ErrorCode errorCode() {
            return ErrorCode.UPSTREAM_FAILED;
        }
    }

    /** The model server answered with {@code status} (>= 500: a nonstandard 6xx-9xx counts as a server error). */
    record ServerError(int status) implements AttemptFailure {
        public ServerError {
            if (status < 500) {
                throw new IllegalArgumentException("status: " + status + " (expected: >= 500)");
            }
        }

        @Override
        public ErrorCode errorCode() {
            return ErrorCode.UPSTREAM_ERROR;
        }

        @Override
        public int answerStatus() {
            return ErrorCode.ofUpstreamStatus(status);
        }
    }

    /** Nothing moved on the connection for the idle timeout. */
    record Idle() implements AttemptFailure {
        @Override
        public ErrorCode errorCode() {
            return ErrorCode.UPSTREAM_TIMEOUT;
        }
    }
}
