package io.infergate.gateway.route;

/**
 * The parts of an HTTP request that route matching reads. The Netty side implements it over its own request
 * object; {@link SimpleRequest} implements it over plain values.
 *
 * <p>Called on the event loop that owns the request, only during {@link RouteTable#match(RequestView)}; an
 * implementation must not block and should not allocate per call (decode the query string once, up front).
 * Absent values are {@code null}, not empty strings, so that "header present with an empty value" and "header
 * absent" stay distinct.
 */
public interface RequestView {

    /** The request method as on the wire, e.g. {@code POST} (methods are case-sensitive). */
    String method();

    /** The request path without the query string, as received (no decoding or normalization applied here). */
    String path();

    /**
     * The {@code Host} header or HTTP/2 {@code :authority}, as received: may carry a port and upper-case letters
     * (both ignored by matching); empty when the request had none.
     */
    String host();

    /**
     * The value of a request header, or {@code null} if absent. A header sent more than once is one value joined
     * with {@code ","} (RFC 9110 §5.3).
     *
     * @param lowerCaseName the header name in lower case
     */
    String header(String lowerCaseName);

    /**
     * The percent-decoded value of the first occurrence of a query parameter, or {@code null} if absent. Names
     * are compared exactly (case-sensitive). See {@link QueryParams} for the decoding rules.
     */
    String queryParam(String name);
}
