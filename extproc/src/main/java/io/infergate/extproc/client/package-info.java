/**
 * The gateway's client of external endpoint pickers: {@link io.infergate.extproc.client.GrpcExternalPickers}
 * implements {@link io.infergate.gateway.picker.ExternalPickers} over Envoy ext_proc v3 the way an Envoy data plane
 * calls the Gateway API Inference Extension's endpoint picker (one {@code Process} stream per request, request
 * headers and body in, destination endpoints and body out, served endpoint reported with the response headers).
 */
package io.infergate.extproc.client;
