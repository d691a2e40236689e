/** Cluster mode: informers over the Inference Extension and Gateway API resources, status and leader election. */
package io.infergate.kubernetes;
